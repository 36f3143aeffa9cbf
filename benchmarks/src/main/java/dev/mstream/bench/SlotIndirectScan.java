package dev.mstream.bench;

import dev.mstream.index.IndexFit;
import dev.mstream.index.NeighborQueue;
import dev.mstream.index.ScalarQuantizer;
import dev.mstream.index.vector.VectorUtil;

/**
 * The layout the inverted file did not take, for the comparison: posting lists of row numbers, the
 * codes in one array in row order, so a probe reads each code wherever its row put it
 * ("slot-indirect"), where the product's lists keep their codes contiguous ("list-major"). Same
 * fit, same first-stage segment, same kernel.
 */
final class SlotIndirectScan {

  private final IndexFit fit;
  private final int bytes;
  private final byte[] codes;
  private final int[][] lists;

  SlotIndirectScan(IndexFit fit, BenchFiles.Vectors corpus) {
    this.fit = fit;
    ScalarQuantizer grid = fit.grid();
    this.bytes = grid.segmentBytes(0);
    int n = corpus.n();
    this.codes = new byte[n * bytes];
    int k = fit.centroids().count();
    int[] sizes = new int[k];
    int[] listOf = new int[n];
    for (int i = 0; i < n; i++) {
      var e = fit.encode(corpus.row(i));
      System.arraycopy(e.code(), 0, codes, i * bytes, bytes);
      listOf[i] = e.centroid();
      sizes[e.centroid()]++;
    }
    lists = new int[k][];
    for (int c = 0; c < k; c++) {
      lists[c] = new int[sizes[c]];
      sizes[c] = 0;
    }
    for (int i = 0; i < n; i++) {
      lists[listOf[i]][sizes[listOf[i]]++] = i;
    }
  }

  /** Nanoseconds spent in the list loops so far (projection and probing excluded). */
  long scanNanos;

  /** First stage only: the best {@code keep} rows of the {@code probes} nearest lists. */
  int scan(float[] query, int dims, int probes, int keep) {
    float[] y = fit.projection().project(query);
    short[] w = fit.grid().weigh(y, dims).weights();
    boolean four = fit.grid().segmentBits(0) == 4;
    NeighborQueue queue = new NeighborQueue(keep);
    int scanned = 0;
    int[] order = fit.centroids().probe(y, probes);
    long t0 = System.nanoTime();
    for (int c : order) {
      for (int row : lists[c]) {
        int score =
            four
                ? VectorUtil.dotInt4(codes, row * bytes, w, 0, bytes)
                : VectorUtil.dotInt2(codes, row * bytes, w, 0, bytes);
        queue.offer(row, score);
      }
      scanned += lists[c].length;
    }
    scanNanos += System.nanoTime() - t0;
    return scanned;
  }
}
