package dev.mstream.index;

import java.util.Arrays;

/**
 * The coarse quantizer of the inverted file: {@code count} centroids on the first {@code dims}
 * projected coordinates. A document belongs to the list of its nearest centroid (L2); a query
 * probes the lists whose centroids are nearest to its own first {@code dims} coordinates.
 *
 * <p>Immutable. Documents and queries are unit vectors, so nearest in L2 on the full vector is
 * largest inner product; on a prefix, L2 to the centroid ({@code q·c - |c|²/2}) is the consistent
 * rule, and it does not favour centroids of large norm as a plain inner product would.
 */
public final class Centroids implements java.io.Serializable {

  private static final long serialVersionUID = 1L;

  private final int dims;
  private final int count;
  private final float[] coordinates;
  private final float[] halfNorms;
  private final long version;

  Centroids(int dims, float[] coordinates) {
    if (dims <= 0 || coordinates.length == 0 || coordinates.length % dims != 0) {
      throw new IllegalArgumentException(
          "centroid coordinates (" + coordinates.length + ") are not a multiple of " + dims);
    }
    this.dims = dims;
    this.count = coordinates.length / dims;
    this.coordinates = coordinates;
    this.halfNorms = new float[count];
    KMeans.halfNorms(coordinates, dims, count, halfNorms);
    long h = 1469598103934665603L;
    h = (h ^ dims) * 1099511628211L;
    h = (h ^ Arrays.hashCode(coordinates)) * 1099511628211L;
    this.version = h;
  }

  /**
   * k-means on {@code prefixes} (each at least {@code dims} long), seeded.
   *
   * @param lists wanted number of centroids; fewer if there are fewer points
   */
  static Centroids fit(float[][] prefixes, int dims, int lists, int iterations, long seed) {
    int k = Math.max(1, Math.min(lists, prefixes.length));
    int n = Math.min(prefixes.length, k * KMeans.MAX_POINTS_PER_CENTROID);
    // An even stride over the sample keeps the subsample deterministic and spread out.
    float[] points = new float[n * dims];
    for (int i = 0; i < n; i++) {
      float[] p = prefixes[(int) ((long) i * prefixes.length / n)];
      System.arraycopy(p, 0, points, i * dims, dims);
    }
    return new Centroids(dims, KMeans.fit(points, dims, k, iterations, seed));
  }

  public int dims() {
    return dims;
  }

  /** Number of centroids = number of posting lists. */
  public int count() {
    return count;
  }

  public long version() {
    return version;
  }

  float[] coordinates() {
    return coordinates;
  }

  /** The list of a document whose projected prefix is {@code prefix}. */
  public int nearest(float[] prefix) {
    return KMeans.nearest(coordinates, halfNorms, dims, count, prefix, 0);
  }

  /** Squared L2 distance of {@code prefix} to centroid {@code list} (the drift measure). */
  float squaredDistance(float[] prefix, int list) {
    float s = 0;
    for (int j = 0; j < dims; j++) {
      float d = prefix[j] - coordinates[list * dims + j];
      s += d * d;
    }
    return s;
  }

  /**
   * The {@code probes} lists nearest to {@code query} (its projected prefix), nearest first.
   * Selection keeps a small heap, so the cost is one dot product per centroid.
   */
  public int[] probe(float[] query, int probes) {
    int p = Math.max(1, Math.min(probes, count));
    if (p == count) {
      return allByDistance(query);
    }
    NeighborQueue best = new NeighborQueue(p);
    for (int c = 0; c < count; c++) {
      float s =
          dev.mstream.index.vector.VectorUtil.dot(coordinates, c * dims, query, 0, dims)
              - halfNorms[c];
      if (s > best.minScore()) {
        best.offer(c, s);
      }
    }
    return best.drainBestFirst(null);
  }

  private int[] allByDistance(float[] query) {
    Integer[] order = new Integer[count];
    float[] score = new float[count];
    for (int c = 0; c < count; c++) {
      order[c] = c;
      score[c] =
          dev.mstream.index.vector.VectorUtil.dot(coordinates, c * dims, query, 0, dims)
              - halfNorms[c];
    }
    Arrays.sort(order, (a, b) -> Float.compare(score[b], score[a]));
    int[] out = new int[count];
    for (int i = 0; i < count; i++) {
      out[i] = order[i];
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Centroids c && dims == c.dims && Arrays.equals(coordinates, c.coordinates);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(version);
  }

  @Override
  public String toString() {
    return count + " centroids on " + dims + " dims v" + Long.toHexString(version);
  }
}
