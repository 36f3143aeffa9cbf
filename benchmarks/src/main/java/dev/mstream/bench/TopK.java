package dev.mstream.bench;

/**
 * The best {@code k} (score, id) pairs seen so far: a binary min-heap on score, ties broken towards
 * the smaller id. {@code offer} costs one comparison for the common "not good enough" case.
 */
public final class TopK {

  private final int k;
  private final float[] scores;
  private final int[] ids;
  private int size;

  public TopK(int k) {
    if (k <= 0) {
      throw new IllegalArgumentException("k must be positive: " + k);
    }
    this.k = k;
    this.scores = new float[k];
    this.ids = new int[k];
  }

  public void clear() {
    size = 0;
  }

  public int size() {
    return size;
  }

  /** Lowest score kept, or negative infinity while fewer than k are kept. */
  public float threshold() {
    return size < k ? Float.NEGATIVE_INFINITY : scores[0];
  }

  public void offer(int id, float score) {
    if (size < k) {
      scores[size] = score;
      ids[size] = id;
      size++;
      siftUp(size - 1);
    } else if (better(score, id, scores[0], ids[0])) {
      scores[0] = score;
      ids[0] = id;
      siftDown(0);
    }
  }

  /** Merges another heap's content into this one. */
  public void addAll(TopK other) {
    for (int i = 0; i < other.size; i++) {
      offer(other.ids[i], other.scores[i]);
    }
  }

  /** Ids, best first. */
  public int[] sortedIds() {
    Integer[] order = new Integer[size];
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(
        order, (x, y) -> better(scores[x], ids[x], scores[y], ids[y]) ? -1 : (x.equals(y) ? 0 : 1));
    int[] out = new int[size];
    for (int i = 0; i < size; i++) {
      out[i] = ids[order[i]];
    }
    return out;
  }

  private static boolean better(float s1, int id1, float s2, int id2) {
    return s1 > s2 || (s1 == s2 && id1 < id2);
  }

  private void siftUp(int i) {
    while (i > 0) {
      int p = (i - 1) >>> 1;
      if (better(scores[p], ids[p], scores[i], ids[i])) {
        swap(i, p);
        i = p;
      } else {
        return;
      }
    }
  }

  private void siftDown(int i) {
    while (true) {
      int l = 2 * i + 1;
      if (l >= size) {
        return;
      }
      int r = l + 1;
      int worst = l;
      if (r < size && better(scores[l], ids[l], scores[r], ids[r])) {
        worst = r;
      }
      if (better(scores[i], ids[i], scores[worst], ids[worst])) {
        swap(i, worst);
        i = worst;
      } else {
        return;
      }
    }
  }

  private void swap(int a, int b) {
    float s = scores[a];
    scores[a] = scores[b];
    scores[b] = s;
    int t = ids[a];
    ids[a] = ids[b];
    ids[b] = t;
  }
}
