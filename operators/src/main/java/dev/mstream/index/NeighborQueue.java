package dev.mstream.index;

import static org.apache.flink.util.Preconditions.checkArgument;

import java.util.Arrays;
import org.apache.flink.annotation.Internal;

/**
 * Keeps the best {@code k} (slot, score) pairs seen so far, ties broken towards the smaller slot
 * (so that results, and the benchmarks' ground truth, do not depend on the order of offers). A
 * binary min-heap on (score, slot), so the worst kept entry is at the root and a new candidate is
 * rejected with one comparison — the common case once the queue is full.
 */
@Internal
public final class NeighborQueue {

  private final int capacity;
  private final int[] slots;
  private final float[] scores;
  private int size;

  public NeighborQueue(int capacity) {
    checkArgument(capacity > 0, "capacity must be > 0, was %s", capacity);
    this.capacity = capacity;
    this.slots = new int[capacity];
    this.scores = new float[capacity];
  }

  public int size() {
    return size;
  }

  /** Score a candidate must beat to enter a full queue. */
  public float minScore() {
    return size < capacity ? Float.NEGATIVE_INFINITY : scores[0];
  }

  /** Forgets every kept entry. */
  public void clear() {
    size = 0;
  }

  /** Offers a candidate; returns whether it was kept. */
  public boolean offer(int slot, float score) {
    if (size < capacity) {
      slots[size] = slot;
      scores[size] = score;
      siftUp(size++);
      return true;
    }
    if (score < scores[0] || (score == scores[0] && slot >= slots[0])) {
      return false;
    }
    slots[0] = slot;
    scores[0] = score;
    siftDown(0);
    return true;
  }

  /** Offers every entry {@code other} keeps (a merge of two partial results). */
  public void addAll(NeighborQueue other) {
    for (int i = 0; i < other.size; i++) {
      offer(other.slots[i], other.scores[i]);
    }
  }

  /** The kept slots, best first; the queue keeps them. */
  public int[] sortedSlots() {
    NeighborQueue copy = new NeighborQueue(capacity);
    System.arraycopy(slots, 0, copy.slots, 0, size);
    System.arraycopy(scores, 0, copy.scores, 0, size);
    copy.size = size;
    return copy.drainBestFirst(null);
  }

  /** The kept slots, best first. Leaves the queue empty. */
  public int[] drainBestFirst(float[] scoresOut) {
    int n = size;
    int[] out = new int[n];
    for (int i = n - 1; i >= 0; i--) {
      out[i] = slots[0];
      if (scoresOut != null) {
        scoresOut[i] = scores[0];
      }
      size--;
      slots[0] = slots[size];
      scores[0] = scores[size];
      siftDown(0);
    }
    return out;
  }

  private void siftUp(int i) {
    int slot = slots[i];
    float score = scores[i];
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (!worse(score, slot, scores[parent], slots[parent])) {
        break;
      }
      slots[i] = slots[parent];
      scores[i] = scores[parent];
      i = parent;
    }
    slots[i] = slot;
    scores[i] = score;
  }

  private void siftDown(int i) {
    int slot = slots[i];
    float score = scores[i];
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      if (child + 1 < size
          && worse(scores[child + 1], slots[child + 1], scores[child], slots[child])) {
        child++;
      }
      if (!worse(scores[child], slots[child], score, slot)) {
        break;
      }
      slots[i] = slots[child];
      scores[i] = scores[child];
      i = child;
    }
    slots[i] = slot;
    scores[i] = score;
  }

  /** Whether (s1, slot1) ranks below (s2, slot2): a lower score, or the same and a larger slot. */
  private static boolean worse(float s1, int slot1, float s2, int slot2) {
    return s1 < s2 || (s1 == s2 && slot1 > slot2);
  }

  @Override
  public String toString() {
    return "NeighborQueue" + Arrays.toString(Arrays.copyOf(scores, size));
  }
}
