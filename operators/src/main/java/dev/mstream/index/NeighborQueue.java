package dev.mstream.index;

import static org.apache.flink.util.Preconditions.checkArgument;

import java.util.Arrays;
import org.apache.flink.annotation.Internal;

/**
 * Keeps the best {@code k} (slot, score) pairs seen so far. A binary min-heap on score, so the
 * worst kept entry is at the root and a new candidate is rejected with one comparison — the common
 * case once the queue is full.
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

  /** Offers a candidate; returns whether it was kept. */
  public boolean offer(int slot, float score) {
    if (size < capacity) {
      slots[size] = slot;
      scores[size] = score;
      siftUp(size++);
      return true;
    }
    if (score <= scores[0]) {
      return false;
    }
    slots[0] = slot;
    scores[0] = score;
    siftDown(0);
    return true;
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
      if (scores[parent] <= score) {
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
      if (child + 1 < size && scores[child + 1] < scores[child]) {
        child++;
      }
      if (score <= scores[child]) {
        break;
      }
      slots[i] = slots[child];
      scores[i] = scores[child];
      i = child;
    }
    slots[i] = slot;
    scores[i] = score;
  }

  @Override
  public String toString() {
    return "NeighborQueue" + Arrays.toString(Arrays.copyOf(scores, size));
  }
}
