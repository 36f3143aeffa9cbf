package dev.mstream.bench;

import dev.mstream.index.NeighborQueue;
import dev.mstream.index.vector.VectorUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Brute-force top-k by float dot product over full vectors in a flat array. */
public final class ExactSearch {

  private static final int BLOCK = 1024;

  private ExactSearch() {}

  /** Exact top-k of one query over rows {@code [from, to)}; scratch must hold {@code BLOCK}. */
  public static void scan(
      BenchFiles.Vectors corpus, float[] q, int from, int to, NeighborQueue top, float[] scratch) {
    int dims = corpus.dims();
    for (int start = from; start < to; start += BLOCK) {
      int count = Math.min(BLOCK, to - start);
      VectorUtil.dotRange(corpus.data(), dims, dims, q, start, count, scratch);
      float threshold = top.minScore();
      for (int i = 0; i < count; i++) {
        if (scratch[i] >= threshold) {
          top.offer(start + i, scratch[i]);
          threshold = top.minScore();
        }
      }
    }
  }

  public static float[] newScratch() {
    return new float[BLOCK];
  }

  /** Exact top-k of every query, queries spread over {@code threads} threads. */
  public static int[][] topK(
      BenchFiles.Vectors corpus, BenchFiles.Vectors queries, int k, int threads, Runnable tick)
      throws Exception {
    int[][] result = new int[queries.n()][];
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        final int first = t;
        futures.add(
            pool.submit(
                () -> {
                  NeighborQueue top = new NeighborQueue(k);
                  float[] scratch = newScratch();
                  for (int qi = first; qi < queries.n(); qi += threads) {
                    top.clear();
                    scan(corpus, queries.row(qi), 0, corpus.n(), top, scratch);
                    result[qi] = top.sortedSlots();
                    tick.run();
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    return result;
  }
}
