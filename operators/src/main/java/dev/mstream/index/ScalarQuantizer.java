package dev.mstream.index;

import static org.apache.flink.util.Preconditions.checkArgument;

import java.util.Arrays;
import org.apache.flink.annotation.Internal;

/**
 * Scalar quantization of the projected prefix to a few bits per dimension, fitted on a sample: per
 * dimension a uniform grid of {@code 2^bits} cells over {@code mean ± clip · σ}. The prefix is cut
 * into segments of 32 bytes, each with its own width: 64 dimensions at 4 bits, 128 at 2 bits. The
 * default, 4 then 2 bits, holds 192 dimensions in 64 bytes.
 *
 * <p>Why that allocation, measured (162,876 real MiniLM vectors, PCA-rotated; recall@10 after an
 * exact rerank of the best c = 20 / 30 / 50 by the code's scores): 64 bytes as 4 bits on 64 dims
 * and 2 bits on the next 128: 0.935 / 0.967 / 0.988; 2 bits on 256 dims: 0.902 / 0.955 / 0.986; 4
 * bits on 128 dims: 0.876 / 0.930 / 0.967; sign bits on all 384 dims (48 bytes): 0.791 / 0.875 /
 * 0.934; an int8 prefix of 64 dims: 0.606 / 0.689 / 0.765. For scale, a float prefix of 128 dims
 * (512 bytes): 0.899 / 0.939 / 0.969. Principal components past the 128th still carry much of the
 * ranking, and the first ones deserve more bits (as reverse water-filling says). Clip: ±2.5σ at 4
 * bits and ±1.7σ at 2 bits were best of those tried (±1.7σ to ±4σ, and the sample's maximum).
 *
 * <p>Layout, per segment ({@code b} bytes, 32 but for a narrower last one): the code of dimension
 * {@code p · b + i} of the segment sits in bit plane {@code p} of byte {@code i} (bits {@code p·w
 * .. p·w+w-1} for width {@code w}). A scan weights each plane of a run of bytes by its own
 * contiguous run of query weights ({@link dev.mstream.index.vector.VectorUtil#dotInt4}, {@code
 * dotInt2}), with no shuffling in the loop; a scan on a shorter prefix reads fewer segments.
 *
 * <p>Scoring: the document's coordinate is reconstructed as {@code lo_j + (c_j + ½) step_j}, so
 * {@code q·x ≈ Σ q_j step_j c_j + Σ q_j (lo_j + ½ step_j)}. The second sum is the same for every
 * document of a query and is left out of the ranking; the first is an integer dot product of the
 * codes with {@code q_j step_j} rounded to ±127.
 */
@Internal
public final class ScalarQuantizer implements java.io.Serializable {

  private static final long serialVersionUID = 1L;

  /** Bytes of a full segment, whatever its width. */
  static final int SEGMENT_BYTES = 32;

  private final int[] segmentBits;
  private final float[] lo;
  private final float[] step;

  // Derived: where each segment starts, in dimensions, code bytes and query weights.
  private final int[] firstDim;
  private final int[] firstByte;
  private final int[] firstWeight;

  ScalarQuantizer(int[] segmentBits, float[] lo, float[] step) {
    checkArgument(lo.length == step.length, "lo and step lengths differ");
    checkArgument(
        segmentBits.length == segmentsFor(segmentBits, lo.length).length,
        "%s are not the segments of %s dims",
        Arrays.toString(segmentBits),
        lo.length);
    this.segmentBits = segmentBits.clone();
    this.lo = lo;
    this.step = step;
    int n = segmentBits.length;
    firstDim = new int[n + 1];
    firstByte = new int[n + 1];
    firstWeight = new int[n + 1];
    for (int s = 0; s < n; s++) {
      int bits = segmentBits[s];
      int dims = Math.min(256 / bits, lo.length - firstDim[s]);
      int bytes = bytesFor(bits, dims);
      firstDim[s + 1] = firstDim[s] + dims;
      firstByte[s + 1] = firstByte[s] + bytes;
      firstWeight[s + 1] = firstWeight[s] + (8 / bits) * bytes;
    }
  }

  /**
   * Widths of the segments of a {@code dims}-dim prefix: {@code bits} in order, the last repeated
   * until the prefix is covered.
   *
   * @throws IllegalArgumentException naming the setting, for widths other than 2 and 4
   */
  static int[] segmentsFor(int[] bits, int dims) {
    checkArgument(bits.length != 0, "mstream.index.packed-bits must name at least one width");
    for (int b : bits) {
      checkArgument(
          b == 2 || b == 4, "mstream.index.packed-bits takes widths of 2 or 4 bits, not %s", b);
    }
    int[] out = new int[dims];
    int n = 0;
    for (int covered = 0; covered < dims; n++) {
      int b = bits[Math.min(n, bits.length - 1)];
      out[n] = b;
      covered += 256 / b;
    }
    return Arrays.copyOf(out, n);
  }

  /** Dimensions the widths cover once through, before the last repeats (the default prefix). */
  static int dimsOf(int[] bits) {
    int dims = 0;
    for (int b : bits) {
      dims += 256 / b;
    }
    return dims;
  }

  /** The clip of a grid of {@code bits}, in standard deviations (see the class comment). */
  static float clipSigmas(int bits) {
    return bits == 2 ? 1.7f : 2.5f;
  }

  private static int bytesFor(int bits, int dims) {
    int perByte = 8 / bits;
    return (dims + perByte - 1) / perByte;
  }

  /** Fits the grid of every dimension on projected sample prefixes. */
  static ScalarQuantizer fit(int[] bits, float[][] prefixes, int dims) {
    int[] segments = segmentsFor(bits, dims);
    double[] sum = new double[dims];
    double[] sq = new double[dims];
    for (float[] y : prefixes) {
      for (int j = 0; j < dims; j++) {
        sum[j] += y[j];
        sq[j] += (double) y[j] * y[j];
      }
    }
    int n = Math.max(1, prefixes.length);
    float[] lo = new float[dims];
    float[] step = new float[dims];
    for (int s = 0, j = 0; s < segments.length; s++) {
      int b = segments[s];
      int cells = 1 << b;
      for (int end = Math.min(dims, j + 256 / b); j < end; j++) {
        double mean = sum[j] / n;
        double sd = Math.sqrt(Math.max(0, sq[j] / n - mean * mean));
        double clip = sd > 0 ? clipSigmas(b) * sd : 1.0 / cells; // an unseen dimension encodes
        lo[j] = (float) (mean - clip);
        step[j] = (float) (2 * clip / cells);
      }
    }
    return new ScalarQuantizer(segments, lo, step);
  }

  int dims() {
    return lo.length;
  }

  float[] lo() {
    return lo;
  }

  float[] step() {
    return step;
  }

  int segmentCount() {
    return segmentBits.length;
  }

  int[] segmentBits() {
    return segmentBits.clone();
  }

  public int segmentBits(int s) {
    return segmentBits[s];
  }

  int segmentDims(int s) {
    return firstDim[s + 1] - firstDim[s];
  }

  public int segmentBytes(int s) {
    return firstByte[s + 1] - firstByte[s];
  }

  /** Index of the first query weight of segment {@code s} (see {@link #weigh}). */
  int weightOffset(int s) {
    return firstWeight[s];
  }

  /** Segments that hold the first {@code dims} dimensions. */
  int segmentsCovering(int dims) {
    int s = 0;
    while (s < segmentBits.length && firstDim[s] < dims) {
      s++;
    }
    return s;
  }

  int codeBytes() {
    return firstByte[segmentBits.length];
  }

  /** The code of a projected prefix (length {@link #dims()}). */
  public byte[] encode(float[] prefix) {
    byte[] out = new byte[codeBytes()];
    for (int s = 0; s < segmentBits.length; s++) {
      int bits = segmentBits[s];
      int max = (1 << bits) - 1;
      int b = segmentBytes(s);
      for (int i = 0; i < segmentDims(s); i++) {
        int j = firstDim[s] + i;
        int c = (int) Math.floor((prefix[j] - lo[j]) / step[j]);
        c = Math.max(0, Math.min(max, c));
        out[firstByte[s] + i % b] |= (byte) (c << ((i / b) * bits));
      }
    }
    return out;
  }

  /** Cell of dimension {@code j} in {@code code} (tests and reconstruction). */
  int cell(byte[] code, int j) {
    int s = 0;
    while (j >= firstDim[s + 1]) {
      s++;
    }
    int bits = segmentBits[s];
    int b = segmentBytes(s);
    int i = j - firstDim[s];
    return (code[firstByte[s] + i % b] >> ((i / b) * bits)) & ((1 << bits) - 1);
  }

  /** The approximate coordinates a code stands for. */
  float[] decode(byte[] code) {
    float[] y = new float[lo.length];
    for (int j = 0; j < y.length; j++) {
      y[j] = lo[j] + (cell(code, j) + 0.5f) * step[j];
    }
    return y;
  }

  /**
   * The query as the scan sees it: weights in the code layout (per segment, one run of {@code b}
   * weights per bit plane), zero past {@code dims}, and how to turn integer scores back into
   * approximate inner products.
   */
  public QueryWeights weigh(float[] projectedQuery, int dims) {
    float max = 0;
    for (int j = 0; j < dims; j++) {
      max = Math.max(max, Math.abs(projectedQuery[j] * step[j]));
    }
    float scale = max == 0 ? 0 : Projection.INT8_MAX / max;
    short[] w = new short[firstWeight[segmentBits.length]];
    double offset = 0;
    for (int s = 0; s < segmentBits.length; s++) {
      for (int i = 0; i < segmentDims(s) && firstDim[s] + i < dims; i++) {
        int j = firstDim[s] + i;
        // Dimension i is plane i / b of byte i % b: weight (i / b) * b + i % b = i of the run.
        w[firstWeight[s] + i] = (short) Math.round(projectedQuery[j] * step[j] * scale);
        offset += projectedQuery[j] * (lo[j] + 0.5 * step[j]);
      }
    }
    return new QueryWeights(w, scale == 0 ? 0 : 1 / scale, (float) offset);
  }

  /**
   * A query in the code layout.
   *
   * @param weights per segment, {@code b} weights for each bit plane in turn
   * @param unit inner product per unit of integer score
   * @param offset the part of every approximate inner product that does not depend on the code
   */
  public record QueryWeights(short[] weights, float unit, float offset) {}

  @Override
  public boolean equals(Object o) {
    return o instanceof ScalarQuantizer q
        && Arrays.equals(segmentBits, q.segmentBits)
        && Arrays.equals(lo, q.lo)
        && Arrays.equals(step, q.step);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Arrays.hashCode(segmentBits) + Arrays.hashCode(lo)) + Arrays.hashCode(step);
  }
}
