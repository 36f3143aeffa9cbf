package dev.mstream.index;

import java.util.Arrays;

/**
 * Hands out the slots of an arena's parallel arrays: a released slot first (the most recently
 * released one, whose array lines are likely still cached), else the next never-used slot, the
 * high-water mark. The arena owns the arrays and grows them when {@link #nextIsNew()} and the high
 * water has reached their capacity.
 *
 * <p>Invariant, kept by the arena: every slot below {@link #highWater()} is either live or released
 * exactly once. Not thread-safe (one task thread).
 */
final class SlotAllocator {

  private int[] free = new int[16];
  private int freeCount;
  private int highWater;

  /** Whether {@link #allocate()} will return {@link #highWater()}: no slot is released. */
  boolean nextIsNew() {
    return freeCount == 0;
  }

  /** A released slot, else the high-water mark, which then moves up by one. */
  int allocate() {
    return freeCount > 0 ? free[--freeCount] : highWater++;
  }

  /** Gives {@code slot} back; it must be live (allocated and not released since). */
  void release(int slot) {
    if (freeCount == free.length) {
      free = Arrays.copyOf(free, freeCount * 2);
    }
    free[freeCount++] = slot;
  }

  /** One past the highest slot ever allocated: scans cover {@code [0, highWater)}. */
  int highWater() {
    return highWater;
  }

  /** Slots below the high water that are live. */
  int liveCount() {
    return highWater - freeCount;
  }

  /** Heap of the free list (its allocated capacity). */
  long heapBytes() {
    return 4L * free.length;
  }
}
