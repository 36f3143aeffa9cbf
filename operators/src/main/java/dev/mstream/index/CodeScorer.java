package dev.mstream.index;

import dev.mstream.index.vector.VectorUtil;

/**
 * A query in the form an {@link InvertedFileArena}'s codes are scored with, on its first {@code
 * dims} coordinates (the segments that cover them): one code at a time, a whole block, or a block
 * whose codes a filter keeps only some of. One loop per code width and segment count, for the JIT
 * (see {@link PrefixArena}'s note on separate loops).
 */
final class CodeScorer {

  /**
   * A filtered block is scored whole with the column kernels (then only the matching codes are
   * offered) once at least one code in this many matches; below, its matching codes are scored one
   * at a time. Measured on 330k real vectors (docs/benchmarks.md, "Recall under a selective
   * filter"): a code scored alone costs ≈ 130 ns in the column layout (strided bytes), a code in a
   * block scan ≈ 10 ns.
   */
  static final int WHOLE_BLOCK_AT_ONE_IN = 8;

  private final PostingLists postings;

  /** The grid of PACKED codes; null for INT8. */
  private final ScalarQuantizer grid;

  private final short[] weights;
  private final byte[] weights8;
  private final float unit;
  private final float offset;
  private final int segments;

  /** Scores of one block's codes (the column scan's output), and of one segment of them. */
  private final int[] blockScores = new int[PostingLists.BLOCK];

  private final int[] segmentScores = new int[PostingLists.BLOCK];

  CodeScorer(PostingLists postings, IndexFit fit, float[] y, int dims) {
    this.postings = postings;
    this.grid = fit.grid();
    if (grid != null) {
      ScalarQuantizer.QueryWeights w = grid.weigh(y, dims);
      segments = grid.segmentsCovering(dims);
      weights = w.weights();
      weights8 = null;
      unit = w.unit();
      offset = w.offset();
    } else {
      Projection projection = fit.projection();
      segments = (dims + PrefixCodes.SEGMENT_DIMS - 1) / PrefixCodes.SEGMENT_DIMS;
      weights = null;
      float[] scales = projection.scales();
      float max = 0;
      for (int j = 0; j < dims; j++) {
        max = Math.max(max, Math.abs(y[j] * scales[j]));
      }
      // As PrefixArena's int8 query: the scales folded into the query, then quantized.
      float inv = max == 0 ? 0 : Projection.INT8_MAX / max;
      weights8 = new byte[projection.prefixDims()];
      for (int j = 0; j < dims; j++) {
        weights8[j] = (byte) Math.round(y[j] * scales[j] * inv);
      }
      unit = inv == 0 ? 0 : 1 / inv;
      offset = 0f;
    }
  }

  float approximate(float score) {
    return score * unit + offset;
  }

  int score(int ref) {
    int block = PostingLists.blockOf(ref);
    int position = PostingLists.positionOf(ref);
    byte[] codes = postings.codes(block);
    int capacity = postings.capacity(block);
    // The position's column is the same in every segment of the block.
    int column = postings.byColumns() ? VectorUtil.columnOf(position, capacity) : -1;
    int sum = 0;
    int off = 0;
    for (int s = 0; s < segments; s++) {
      int n = postings.segmentBytes(s);
      int at = off + position * n;
      if (column >= 0) {
        sum += columnDot(codes, off + column, capacity, s, n);
      } else if (grid == null) {
        sum += VectorUtil.dotInt8(codes, at, weights8, s * PrefixCodes.SEGMENT_DIMS, n);
      } else if (grid.segmentBits(s) == 4) {
        sum += VectorUtil.dotInt4(codes, at, weights, grid.weightOffset(s), n);
      } else {
        sum += VectorUtil.dotInt2(codes, at, weights, grid.weightOffset(s), n);
      }
      off += capacity * n;
    }
    return sum;
  }

  /** Segment {@code s} of one code stored by columns: a strided scalar dot product. */
  private int columnDot(byte[] codes, int at, int stride, int s, int n) {
    short[] w = weights;
    int q = grid.weightOffset(s);
    int sum = 0;
    if (grid.segmentBits(s) == 4) {
      for (int i = 0; i < n; i++, at += stride) {
        int b = codes[at];
        sum += (b & 0x0F) * w[q + i] + ((b >>> 4) & 0x0F) * w[q + n + i];
      }
    } else {
      for (int i = 0; i < n; i++, at += stride) {
        int b = codes[at];
        sum +=
            (b & 3) * w[q + i]
                + ((b >>> 2) & 3) * w[q + n + i]
                + ((b >>> 4) & 3) * w[q + 2 * n + i]
                + ((b >>> 6) & 3) * w[q + 3 * n + i];
      }
    }
    return sum;
  }

  /** Offers the first {@code count} codes of a block. */
  void scoreBlock(int block, int count, NeighborQueue queue) {
    if (postings.byColumns()) {
      scoreColumns(block, count, queue, null);
      return;
    }
    for (int p = 0; p < count; p++) {
      int ref = PostingLists.ref(block, p);
      queue.offer(ref, score(ref));
    }
  }

  /**
   * Offers the codes of a block's first {@code count} whose {@code keep} flag is set ({@code
   * matching} of them): a whole-block column scan when they are many enough to pay for it ({@link
   * #WHOLE_BLOCK_AT_ONE_IN}), else one code at a time. The scores are the same either way.
   */
  void scoreBlock(int block, int count, boolean[] keep, int matching, NeighborQueue queue) {
    if (postings.byColumns() && (long) matching * WHOLE_BLOCK_AT_ONE_IN >= count) {
      scoreColumns(block, count, queue, keep);
      return;
    }
    for (int p = 0; p < count; p++) {
      if (keep[p]) {
        int ref = PostingLists.ref(block, p);
        queue.offer(ref, score(ref));
      }
    }
  }

  /**
   * A block of PACKED codes stored by columns: each covered segment scored for the whole block in
   * one column kernel call, then only the (kept) codes that beat the queue's worst are offered.
   * Measured on 330k real vectors (docs/benchmarks.md): the second (2-bit) segment scored code by
   * code with the row kernel cost more than the whole column scan of the first.
   */
  private void scoreColumns(int block, int count, NeighborQueue queue, boolean[] keep) {
    byte[] codes = postings.codes(block);
    int capacity = postings.capacity(block);
    int[] out = blockScores;
    int[] part = segmentScores;
    int off = 0;
    for (int s = 0; s < segments; s++) {
      int n = postings.segmentBytes(s);
      int[] into = s == 0 ? out : part;
      if (grid.segmentBits(s) == 4) {
        VectorUtil.dotInt4Columns(
            codes, off, capacity, count, weights, grid.weightOffset(s), n, into);
      } else {
        VectorUtil.dotInt2Columns(
            codes, off, capacity, count, weights, grid.weightOffset(s), n, into);
      }
      if (s > 0) {
        for (int p = 0; p < count; p++) {
          out[p] += part[p];
        }
      }
      off += capacity * n;
    }
    int base = PostingLists.ref(block, 0);
    float min = queue.minScore();
    for (int p = 0; p < count; p++) {
      if (out[p] > min && (keep == null || keep[p])) {
        queue.offer(base + p, out[p]);
        min = queue.minScore();
      }
    }
  }
}
