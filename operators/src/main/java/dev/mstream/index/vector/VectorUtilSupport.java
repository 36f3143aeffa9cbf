package dev.mstream.index.vector;

/**
 * The kernels behind {@link VectorUtil}. Two implementations exist: {@link ScalarVectorUtilSupport}
 * (plain Java) and {@link PanamaVectorUtilSupport} (JDK Vector API); {@link VectorizationProvider}
 * picks one per JVM. Implementations do no bounds checks of their own beyond what the JVM does for
 * array accesses; {@link VectorUtil} checks arguments.
 *
 * <p>Row layouts: a "flat" array holds rows of {@code stride} elements back to back, row {@code r}
 * starting at {@code r * stride}; the first {@code dims} elements of each row are scored.
 */
public interface VectorUtilSupport {

  /** Short name for logs: {@code "scalar"} or {@code "panama"}. */
  String name();

  /** Dot product of {@code a[aOff..aOff+len)} and {@code b[bOff..bOff+len)}. */
  float dot(float[] a, int aOff, float[] b, int bOff, int len);

  /** Exact integer dot product of {@code a[aOff..aOff+len)} and {@code b[bOff..bOff+len)}. */
  int dotInt8(byte[] a, int aOff, byte[] b, int bOff, int len);

  /**
   * Dot product of packed 4-bit codes with 16-bit weights: byte {@code codes[off + i]} holds two
   * unsigned codes, its low nibble weighted by {@code q[qOff + i]} and its high nibble by {@code
   * q[qOff + bytes + i]}, for {@code i} in {@code [0, bytes)}. Exact in an int while every weight
   * is within ±127 (the int8 range).
   */
  int dotInt4(byte[] codes, int off, short[] q, int qOff, int bytes);

  /**
   * As {@link #dotInt4} for 2-bit codes: bits {@code 2p..2p+1} of byte {@code codes[off + i]} are
   * weighted by {@code q[qOff + p * bytes + i]}, for planes {@code p} = 0..3.
   */
  int dotInt2(byte[] codes, int off, short[] q, int qOff, int bytes);

  /**
   * Positions per column group of a block stored by columns: in a block whose stride is a multiple
   * of it, each group of this many positions is stored in the order {@link #columnOf} gives, the
   * order in which the column kernels' vector lanes produce scores, so that no shuffle puts them
   * back. 1 (the default): a position's column is the position.
   */
  default int columnGroup() {
    return 1;
  }

  /**
   * The column of {@code position} in a block of {@code stride} codes stored by columns: within a
   * group of {@code w = columnGroup()} positions, {@code j = r · w/4 + m} sits at column {@code 4m
   * + r} (the kernels' int lane {@code m} holds columns {@code 4m .. 4m + 3}); strides that are no
   * multiple of {@code w} are not reordered.
   */
  default int columnOf(int position, int stride) {
    int w = columnGroup();
    if (w == 1 || stride % w != 0) {
      return position;
    }
    int lanes = w / 4;
    int j = position % w;
    return position - j + 4 * (j % lanes) + j / lanes;
  }

  /**
   * {@link #dotInt4} for {@code count} codes at once, stored by columns: byte {@code i} of the code
   * at position {@code p} is {@code codes[off + i * stride + columnOf(p, stride)]}. {@code out[p]}
   * receives its score, for {@code p} in {@code [0, count)}; {@code count <= stride <= out.length}.
   * Entries of {@code out} past {@code count}, below {@code stride}, may be overwritten.
   */
  void dotInt4Columns(
      byte[] codes, int off, int stride, int count, short[] q, int qOff, int bytes, int[] out);

  /**
   * {@link #dotInt2} for {@code count} codes stored by columns, as {@link #dotInt4Columns}: byte
   * {@code i} of the code at position {@code p} is {@code codes[off + i * stride + columnOf(p,
   * stride)]}, {@code out[p]} receives its score; entries past {@code count}, below {@code stride},
   * may be overwritten.
   */
  void dotInt2Columns(
      byte[] codes, int off, int stride, int count, short[] q, int qOff, int bytes, int[] out);

  /**
   * {@code out[i] = dot(data, (fromRow + i) * stride, q, 0, dims)} for {@code i} in {@code [0,
   * count)}: scores a contiguous run of rows.
   */
  default void dotRange(
      float[] data, int stride, int dims, float[] q, int fromRow, int count, float[] out) {
    for (int i = 0; i < count; i++) {
      out[i] = dot(data, (fromRow + i) * stride, q, 0, dims);
    }
  }
}
