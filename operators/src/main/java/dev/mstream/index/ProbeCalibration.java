package dev.mstream.index;

import dev.mstream.index.vector.VectorUtil;

/**
 * The probes a fresh fit starts with, measured at fit time on held-out documents of the fit's
 * sample: each held-out document is a query, its exact top-{@value #K} among the training documents
 * (full vectors) are its neighbours, and the probe recall at {@code p} is the share of neighbours
 * whose list is among the query's {@code p} nearest centroids. The answer is the fewest probes (a
 * step of {@link RecallCalibrator#PROBES}) whose probe recall reaches {@link #probeTarget}.
 *
 * <p>Why at fit time: the online {@link RecallCalibrator} measures a sampled share of real queries
 * (1 % by default) and moves one step per {@link RecallCalibrator#MIN_SAMPLES} measurements, so
 * from a fixed default it needs tens of thousands of queries to find the budget a collection needs;
 * tried on collections nobody tuned for, the fixed default of 8 probes lost a tenth of recall. The
 * held-out documents are not real queries, but they are the only queries a subtask has when it
 * fits; the online calibrator then corrects in either direction. The sample is sparser than the
 * index (its neighbours are farther apart, so less often in the query's own list), which errs on
 * the side of more probes.
 */
final class ProbeCalibration {

  /** Neighbours per held-out query (recall@k's k). */
  static final int K = 10;

  /** Held-out documents used as queries, at most. */
  static final int QUERIES = 128;

  private ProbeCalibration() {}

  /**
   * Probe recall must leave room for what the codes and the shortlist lose after it: half the
   * recall the target gives up (0.975 for a target of 0.95).
   */
  static double probeTarget(double target) {
    return 1 - (1 - target) / 2;
  }

  /**
   * @param train training documents (full vectors)
   * @param trainPrefixes their projected prefixes
   * @param held held-out documents (full vectors), the queries
   * @return the fewest probes reaching {@link #probeTarget} on the sample, or 0 when the sample is
   *     too small to tell or no target is set
   */
  static int probesFor(
      float[][] train,
      float[][] trainPrefixes,
      float[][] held,
      Projection projection,
      Centroids centroids,
      double target) {
    int lists = centroids.count();
    if (target <= 0 || lists <= 1 || train.length < 4 * K || held.length == 0) {
      return 0;
    }
    int[] listOf = new int[train.length];
    for (int i = 0; i < train.length; i++) {
      listOf[i] = centroids.nearest(trainPrefixes[i]);
    }
    int queries = Math.min(QUERIES, held.length);
    long[] atRank = new long[lists];
    int[] rank = new int[lists];
    for (int qi = 0; qi < queries; qi++) {
      float[] q = held[(int) ((long) qi * held.length / queries)];
      NeighborQueue top = new NeighborQueue(K);
      for (int i = 0; i < train.length; i++) {
        float s = VectorUtil.dot(train[i], q);
        if (s > top.minScore()) {
          top.offer(i, s);
        }
      }
      int[] order = centroids.probe(projection.project(q), lists);
      for (int r = 0; r < order.length; r++) {
        rank[order[r]] = r;
      }
      for (int neighbour : top.drainBestFirst(null)) {
        atRank[rank[listOf[neighbour]]]++;
      }
    }
    double wanted = probeTarget(target) * queries * K;
    long found = 0;
    int p = 0;
    for (int step : RecallCalibrator.PROBES) {
      if (step >= lists) {
        break;
      }
      for (; p < step; p++) {
        found += atRank[p];
      }
      if (found >= wanted) {
        return step;
      }
    }
    return lists;
  }
}
