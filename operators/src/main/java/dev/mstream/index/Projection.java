package dev.mstream.index;

import static org.apache.flink.util.Preconditions.checkArgument;

import dev.mstream.index.vector.VectorUtil;
import java.io.Serializable;
import java.util.Arrays;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.flink.annotation.Internal;

/**
 * An orthonormal map from a full embedding to the prefix the arena stores, plus the int8 scale of
 * each prefix dimension.
 *
 * <p>Models not trained with Matryoshka loss spread variance evenly over their dimensions, so a
 * plain prefix of 64 dims loses most of the signal. The rows here are the top principal directions
 * of a sample of embeddings: the prefix of a rotated vector carries as much variance as any prefix
 * can. Rotation preserves inner products, so only the shortlist is approximate; reranking on stored
 * full vectors is exact. Native Matryoshka models use the identity rows.
 *
 * <p>Immutable. {@link #version()} is a hash of the contents: prefix codes stored with one version
 * are re-encoded from the full vector when the arena runs with another.
 */
@Internal
public final class Projection implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Codes use ±127 so that negation never overflows. */
  static final int INT8_MAX = 127;

  private final int dimension;
  private final int prefixDims;
  private final float[] rows;
  private final float[] scales;
  private final boolean identity;
  private final long version;

  Projection(int dimension, int prefixDims, float[] rows, float[] scales, boolean identity) {
    checkPrefix(dimension, prefixDims);
    checkArgument(
        rows.length == prefixDims * dimension && scales.length == prefixDims,
        "projection arrays do not match its dimensions");
    this.dimension = dimension;
    this.prefixDims = prefixDims;
    this.rows = rows;
    this.scales = scales;
    this.identity = identity;
    this.version = hash(dimension, prefixDims, rows, scales, identity);
  }

  /** Plain truncation (native Matryoshka models), with int8 scales fitted on {@code sample}. */
  public static Projection identity(int dimension, int prefixDims, float[][] sample) {
    checkPrefix(dimension, prefixDims);
    float[] rows = new float[prefixDims * dimension];
    for (int i = 0; i < prefixDims; i++) {
      rows[i * dimension + i] = 1f;
    }
    return withFittedScales(dimension, prefixDims, rows, sample, true);
  }

  /** Principal directions of {@code sample} (at least 2 vectors) as the prefix rows. */
  public static Projection fitPca(float[][] sample, int prefixDims) {
    checkArgument(sample.length >= 2, "PCA needs at least 2 sample vectors");
    int d = sample[0].length;
    checkPrefix(d, prefixDims);
    // Covariance as dot products of centred columns: d²/2 SIMD dot products of length n instead
    // of n scalar outer-product updates, which matters because the fit runs once, cold, on the
    // task thread.
    int n = sample.length;
    float[][] columns = new float[d][n];
    for (int r = 0; r < n; r++) {
      for (int j = 0; j < d; j++) {
        columns[j][r] = sample[r][j];
      }
    }
    for (float[] column : columns) {
      double mean = 0;
      for (float x : column) {
        mean += x;
      }
      float m = (float) (mean / n);
      for (int r = 0; r < n; r++) {
        column[r] -= m;
      }
    }
    double[][] cov = new double[d][d];
    for (int i = 0; i < d; i++) {
      for (int j = i; j < d; j++) {
        cov[i][j] = VectorUtil.dot(columns[i], 0, columns[j], 0, n) / (n - 1.0);
        cov[j][i] = cov[i][j];
      }
    }
    // Householder tridiagonalisation + implicit QL (commons-math): ~0.1 s for 384 dims, where
    // cyclic Jacobi took seconds on the task thread.
    EigenDecomposition eigen = new EigenDecomposition(new Array2DRowRealMatrix(cov, false));
    double[] values = eigen.getRealEigenvalues();
    Integer[] order = new Integer[d];
    for (int i = 0; i < d; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (x, y) -> Double.compare(values[y], values[x]));
    float[] rows = new float[prefixDims * d];
    for (int i = 0; i < prefixDims; i++) {
      double[] v = eigen.getEigenvector(order[i]).toArray();
      for (int j = 0; j < d; j++) {
        rows[i * d + j] = (float) v[j];
      }
    }
    return withFittedScales(d, prefixDims, rows, sample, false);
  }

  private static void checkPrefix(int dimension, int prefixDims) {
    checkArgument(
        prefixDims > 0 && prefixDims <= dimension,
        "prefix dims (mstream.index.prefix-dims) must be in 1..%s, was %s",
        dimension,
        prefixDims);
  }

  private static Projection withFittedScales(
      int dimension, int prefixDims, float[] rows, float[][] sample, boolean identity) {
    float[] maxAbs = new float[prefixDims];
    float[] y = new float[prefixDims];
    for (float[] v : sample) {
      project(rows, dimension, prefixDims, v, y);
      for (int j = 0; j < prefixDims; j++) {
        maxAbs[j] = Math.max(maxAbs[j], Math.abs(y[j]));
      }
    }
    float[] scales = new float[prefixDims];
    for (int j = 0; j < prefixDims; j++) {
      // Unseen dimensions (tiny samples) still get a usable scale for unit vectors.
      scales[j] = (maxAbs[j] > 0 ? maxAbs[j] : 1f) / INT8_MAX;
    }
    return new Projection(dimension, prefixDims, rows, scales, identity);
  }

  public int dimension() {
    return dimension;
  }

  public int prefixDims() {
    return prefixDims;
  }

  public boolean isIdentity() {
    return identity;
  }

  public long version() {
    return version;
  }

  float[] rows() {
    return rows;
  }

  float[] scales() {
    return scales;
  }

  /** The first {@link #prefixDims()} coordinates of the rotated vector. */
  public float[] project(float[] vector) {
    checkArgument(
        vector.length == dimension,
        "vector has %s dimensions, projection expects %s",
        vector.length,
        dimension);
    float[] out = new float[prefixDims];
    project(rows, dimension, prefixDims, vector, out);
    return out;
  }

  private static void project(float[] rows, int d, int p, float[] v, float[] out) {
    for (int i = 0; i < p; i++) {
      out[i] = VectorUtil.dot(rows, i * d, v, 0, d);
    }
  }

  /** int8 codes of a projected prefix, clamped to ±127. */
  public byte[] encodeInt8(float[] prefix) {
    byte[] codes = new byte[prefixDims];
    for (int j = 0; j < prefixDims; j++) {
      int c = Math.round(prefix[j] / scales[j]);
      codes[j] = (byte) Math.max(-INT8_MAX, Math.min(INT8_MAX, c));
    }
    return codes;
  }

  private static long hash(int d, int p, float[] rows, float[] scales, boolean identity) {
    long h = 1469598103934665603L;
    h = (h ^ d) * 1099511628211L;
    h = (h ^ p) * 1099511628211L;
    h = (h ^ (identity ? 1 : 0)) * 1099511628211L;
    h = (h ^ Arrays.hashCode(rows)) * 1099511628211L;
    h = (h ^ Arrays.hashCode(scales)) * 1099511628211L;
    return h;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Projection p
        && dimension == p.dimension
        && prefixDims == p.prefixDims
        && identity == p.identity
        && Arrays.equals(rows, p.rows)
        && Arrays.equals(scales, p.scales);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(version);
  }

  @Override
  public String toString() {
    return (identity ? "identity" : "pca")
        + " projection "
        + dimension
        + "→"
        + prefixDims
        + " v"
        + Long.toHexString(version);
  }
}
