package dev.mstream.index;

import dev.mstream.index.vector.VectorUtil;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Seeded k-means on short vectors (the first {@code d_c} projected coordinates of a sample of
 * documents): k-means++ seeding, then a few Lloyd iterations. Deterministic for a given sample and
 * seed, so two fits of the same data agree.
 *
 * <p>Cost is {@code O(n k d)} per iteration for {@code n} points: the fit samples at most {@link
 * #MAX_POINTS_PER_CENTROID} points per centroid, as FAISS does, since more barely moves the
 * centroids. It runs off the task thread ({@link IndexFitter}).
 */
final class KMeans {

  /** More points per centroid than this do not improve the fit noticeably (FAISS uses 256). */
  static final int MAX_POINTS_PER_CENTROID = 128;

  private KMeans() {}

  /**
   * Fits {@code k} centroids to {@code points} (row-major, {@code dims} wide).
   *
   * @param points {@code n * dims} coordinates, {@code n >= k}
   * @return {@code k * dims} centroid coordinates
   */
  static float[] fit(float[] points, int dims, int k, int iterations, long seed) {
    int n = points.length / dims;
    if (k <= 0 || k > n) {
      throw new IllegalArgumentException("k must be in 1.." + n + ", was " + k);
    }
    float[] centroids = seedPlusPlus(points, n, dims, k, new SplittableRandom(seed));
    int[] assignment = new int[n];
    float[] sums = new float[k * dims];
    int[] counts = new int[k];
    float[] halfNorms = new float[k];
    SplittableRandom rnd = new SplittableRandom(seed ^ 0x5DEECE66DL);
    for (int it = 0; it < iterations; it++) {
      halfNorms(centroids, dims, k, halfNorms);
      Arrays.fill(sums, 0f);
      Arrays.fill(counts, 0);
      boolean changed = false;
      for (int i = 0; i < n; i++) {
        int c = nearest(centroids, halfNorms, dims, k, points, i * dims);
        changed |= c != assignment[i] || it == 0;
        assignment[i] = c;
        counts[c]++;
        for (int j = 0; j < dims; j++) {
          sums[c * dims + j] += points[i * dims + j];
        }
      }
      for (int c = 0; c < k; c++) {
        if (counts[c] == 0) {
          // An empty cluster takes a random point (FAISS splits the largest; a point is enough
          // at these sizes and keeps every list in use).
          int i = rnd.nextInt(n);
          System.arraycopy(points, i * dims, centroids, c * dims, dims);
          continue;
        }
        float inv = 1f / counts[c];
        for (int j = 0; j < dims; j++) {
          centroids[c * dims + j] = sums[c * dims + j] * inv;
        }
      }
      if (!changed) {
        break;
      }
    }
    return centroids;
  }

  /** k-means++: each next centre drawn with probability proportional to its squared distance. */
  private static float[] seedPlusPlus(
      float[] points, int n, int dims, int k, SplittableRandom rnd) {
    float[] centroids = new float[k * dims];
    double[] dist = new double[n];
    int first = rnd.nextInt(n);
    System.arraycopy(points, first * dims, centroids, 0, dims);
    double total = 0;
    for (int i = 0; i < n; i++) {
      dist[i] = squaredDistance(points, i * dims, centroids, 0, dims);
      total += dist[i];
    }
    for (int c = 1; c < k; c++) {
      int pick;
      if (total <= 0) {
        pick = rnd.nextInt(n); // all points coincide with a centre already
      } else {
        double r = rnd.nextDouble() * total;
        pick = n - 1;
        for (int i = 0; i < n; i++) {
          r -= dist[i];
          if (r <= 0) {
            pick = i;
            break;
          }
        }
      }
      System.arraycopy(points, pick * dims, centroids, c * dims, dims);
      total = 0;
      for (int i = 0; i < n; i++) {
        double d = squaredDistance(points, i * dims, centroids, c * dims, dims);
        if (d < dist[i]) {
          dist[i] = d;
        }
        total += dist[i];
      }
    }
    return centroids;
  }

  static void halfNorms(float[] centroids, int dims, int k, float[] out) {
    for (int c = 0; c < k; c++) {
      out[c] = 0.5f * VectorUtil.dot(centroids, c * dims, centroids, c * dims, dims);
    }
  }

  /** Nearest centroid in L2: the largest {@code x·c - |c|²/2}. */
  static int nearest(float[] centroids, float[] halfNorms, int dims, int k, float[] x, int off) {
    int best = 0;
    float bestScore = Float.NEGATIVE_INFINITY;
    for (int c = 0; c < k; c++) {
      float s = VectorUtil.dot(centroids, c * dims, x, off, dims) - halfNorms[c];
      if (s > bestScore) {
        bestScore = s;
        best = c;
      }
    }
    return best;
  }

  private static double squaredDistance(float[] a, int aOff, float[] b, int bOff, int dims) {
    double s = 0;
    for (int j = 0; j < dims; j++) {
      double d = a[aOff + j] - b[bOff + j];
      s += d * d;
    }
    return s;
  }
}
