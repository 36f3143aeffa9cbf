package dev.mstream.index.vector;

import java.util.Objects;

/**
 * Inner products over slices of flat arrays: the hot loops of exact scans and of the prefix arena.
 * A static facade over the {@link VectorUtilSupport} that {@link VectorizationProvider} picked for
 * this JVM (JDK Vector API when started with {@code --add-modules jdk.incubator.vector}, else plain
 * Java). Arguments are checked here, once per call, not per element.
 */
public final class VectorUtil {

  private static final VectorUtilSupport IMPL = VectorizationProvider.get();

  private VectorUtil() {}

  /** The implementation in use ({@code "scalar"} or {@code "panama"}). */
  public static String implementation() {
    return IMPL.name();
  }

  /** Dot product of two whole vectors of equal length. */
  public static float dot(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("vector lengths differ: " + a.length + " vs " + b.length);
    }
    return IMPL.dot(a, 0, b, 0, a.length);
  }

  /** Dot product of {@code a[aOff..aOff+len)} and {@code b[bOff..bOff+len)}. */
  public static float dot(float[] a, int aOff, float[] b, int bOff, int len) {
    Objects.checkFromIndexSize(aOff, len, a.length);
    Objects.checkFromIndexSize(bOff, len, b.length);
    return IMPL.dot(a, aOff, b, bOff, len);
  }

  /** Dot product of two whole int8 vectors of equal length, accumulated exactly in an int. */
  public static int dotInt8(byte[] a, byte[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("vector lengths differ: " + a.length + " vs " + b.length);
    }
    return IMPL.dotInt8(a, 0, b, 0, a.length);
  }

  /**
   * Dot product of {@code a[aOff..aOff+len)} and {@code b[bOff..bOff+len)} as signed bytes,
   * accumulated exactly in an int (exact while {@code len <= 131072}).
   */
  public static int dotInt8(byte[] a, int aOff, byte[] b, int bOff, int len) {
    Objects.checkFromIndexSize(aOff, len, a.length);
    Objects.checkFromIndexSize(bOff, len, b.length);
    return IMPL.dotInt8(a, aOff, b, bOff, len);
  }

  /**
   * Dot product of packed 4-bit codes with 16-bit weights (see {@link VectorUtilSupport#dotInt4}):
   * {@code codes[off..off+bytes)} against {@code q[qOff..qOff+2 bytes)}, weights within ±127.
   */
  public static int dotInt4(byte[] codes, int off, short[] q, int qOff, int bytes) {
    Objects.checkFromIndexSize(off, bytes, codes.length);
    Objects.checkFromIndexSize(qOff, 2 * bytes, q.length);
    return IMPL.dotInt4(codes, off, q, qOff, bytes);
  }

  /**
   * {@link #dotInt4} of {@code count} codes stored by columns (byte {@code i} of the code at
   * position {@code p} at {@code codes[off + i * stride + columnOf(p, stride)]}) into {@code
   * out[0..count)}; see {@link VectorUtilSupport#dotInt4Columns} ({@code out} holds at least {@code
   * stride} scores; entries past {@code count} may be overwritten).
   */
  public static void dotInt4Columns(
      byte[] codes, int off, int stride, int count, short[] q, int qOff, int bytes, int[] out) {
    checkColumns(codes, off, stride, count, bytes, out);
    Objects.checkFromIndexSize(qOff, 2 * bytes, q.length);
    IMPL.dotInt4Columns(codes, off, stride, count, q, qOff, bytes, out);
  }

  /**
   * {@link #dotInt2} of {@code count} codes stored by columns, as {@link #dotInt4Columns}; see
   * {@link VectorUtilSupport#dotInt2Columns}.
   */
  public static void dotInt2Columns(
      byte[] codes, int off, int stride, int count, short[] q, int qOff, int bytes, int[] out) {
    checkColumns(codes, off, stride, count, bytes, out);
    Objects.checkFromIndexSize(qOff, 4 * bytes, q.length);
    IMPL.dotInt2Columns(codes, off, stride, count, q, qOff, bytes, out);
  }

  private static void checkColumns(
      byte[] codes, int off, int stride, int count, int bytes, int[] out) {
    if (count < 0 || count > stride) {
      throw new IllegalArgumentException("count " + count + " must be in 0..stride " + stride);
    }
    if (bytes > 0 && count > 0) {
      // Whole rows: the vector loops read a row's columns past count, up to the stride.
      Objects.checkFromIndexSize(off, bytes * stride, codes.length);
    }
    if (out.length < stride) {
      throw new IllegalArgumentException(
          "out has room for "
              + out.length
              + " scores, the column kernels need the stride "
              + stride);
    }
  }

  /**
   * The column of {@code position} in a block of {@code stride} codes stored by columns, in the
   * order this JVM's kernels read them ({@link VectorUtilSupport#columnOf}).
   */
  public static int columnOf(int position, int stride) {
    return IMPL.columnOf(position, stride);
  }

  /**
   * Dot product of packed 2-bit codes with 16-bit weights (see {@link VectorUtilSupport#dotInt2}):
   * {@code codes[off..off+bytes)} against {@code q[qOff..qOff+4 bytes)}, weights within ±127.
   */
  public static int dotInt2(byte[] codes, int off, short[] q, int qOff, int bytes) {
    Objects.checkFromIndexSize(off, bytes, codes.length);
    Objects.checkFromIndexSize(qOff, 4 * bytes, q.length);
    return IMPL.dotInt2(codes, off, q, qOff, bytes);
  }

  /**
   * Scores a contiguous run of rows of a flat float array: {@code out[i] = dot(data, (fromRow + i)
   * * stride, q, 0, dims)} for {@code i} in {@code [0, count)}.
   */
  public static void dotRange(
      float[] data, int stride, int dims, float[] q, int fromRow, int count, float[] out) {
    checkRows(data.length, stride, dims, q.length, fromRow, count, out.length);
    IMPL.dotRange(data, stride, dims, q, fromRow, count, out);
  }

  private static void checkRows(
      int dataLength, int stride, int dims, int qLength, int fromRow, int count, int outLength) {
    checkShape(stride, dims, qLength);
    if (fromRow < 0 || count < 0 || count > outLength) {
      throw new IndexOutOfBoundsException(
          "rows [" + fromRow + ", +" + count + ") with out of length " + outLength);
    }
    if (count > 0) {
      long end = ((long) fromRow + count - 1) * stride + dims;
      if (end > dataLength) {
        throw new IndexOutOfBoundsException(
            "rows [" + fromRow + ", +" + count + ") of stride " + stride + " exceed " + dataLength);
      }
    }
  }

  private static void checkShape(int stride, int dims, int qLength) {
    if (dims < 0 || dims > stride || dims > qLength) {
      throw new IllegalArgumentException(
          "dims=" + dims + " must be in [0, min(stride=" + stride + ", query=" + qLength + ")]");
    }
  }
}
