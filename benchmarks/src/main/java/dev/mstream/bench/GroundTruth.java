package dev.mstream.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import me.tongfei.progressbar.ProgressBar;

/** Exact top-k neighbours (float dot product over all dimensions), cached next to the vectors. */
public final class GroundTruth {

  public static final int K = 10;

  private GroundTruth() {}

  /** Loads {@code file} if it matches the query count, else computes it on 2 threads and saves. */
  public static int[][] loadOrCompute(
      Path file, BenchFiles.Vectors corpus, BenchFiles.Vectors queries, String label)
      throws Exception {
    if (Files.exists(file)) {
      int[][] knn = BenchFiles.readNeighbours(file);
      if (knn.length == queries.n() && knn.length > 0 && knn[0].length == K) {
        System.out.printf("%s ground truth: loaded %s%n", label, file);
        return knn;
      }
    }
    long t0 = System.nanoTime();
    int[][] knn;
    try (ProgressBar pb = Progress.bar(label + " exact top-" + K, queries.n())) {
      knn = ExactSearch.topK(corpus, queries, K, 2, pb::step);
    }
    BenchFiles.writeNeighbours(file, knn);
    System.out.printf(
        "%s ground truth: exact top-%d of %,d queries over %,d vectors in %.1f s -> %s%n",
        label, K, queries.n(), corpus.n(), (System.nanoTime() - t0) / 1e9, file);
    return knn;
  }

  /** Mean recall@k of {@code found} (each row best first, may be longer than k) against truth. */
  public static double recall(int[][] truth, int[][] found, int k) {
    double sum = 0;
    for (int q = 0; q < truth.length; q++) {
      sum += recall(truth[q], found[q], k);
    }
    return sum / truth.length;
  }

  public static double recall(int[] truth, int[] found, int k) {
    int hits = 0;
    int n = Math.min(k, found.length);
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < n; j++) {
        if (truth[i] == found[j]) {
          hits++;
          break;
        }
      }
    }
    return hits / (double) k;
  }
}
