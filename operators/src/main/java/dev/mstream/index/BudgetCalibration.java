package dev.mstream.index;

import dev.mstream.index.vector.VectorUtil;
import java.util.Arrays;

/**
 * The budget a fresh fit starts with, measured at fit time on held-out documents of the fit's
 * sample: each held-out document is a query, its exact top-{@value #K} among the training documents
 * (full vectors) are its neighbours, and
 *
 * <ul>
 *   <li>the probe recall at {@code p} is the share of neighbours whose list is among the query's
 *       {@code p} nearest centroids: the fit's probes are the fewest (a step of {@link
 *       RecallCalibrator#PROBES}) whose probe recall reaches {@link #probeTarget};
 *   <li>of the neighbours in the probed lists, each has a rank among the probed training documents
 *       by the approximate score the first stage computes (the code as stored, decoded, against the
 *       projected query): the fit's candidates are the rank that {@link #shortlistTarget} of them
 *       beat, scaled from the sample to the subtask ({@code × documents / sample}), since a
 *       neighbour's rank grows with the number of documents scored.
 * </ul>
 *
 * <p>Why at fit time: the online {@link RecallCalibrator} measures a sampled share of real queries
 * (1 % by default) and moves one step per {@link RecallCalibrator#MIN_SAMPLES} measurements, so
 * from a fixed default it needs tens of thousands of queries to find the budget a collection needs;
 * tried on collections nobody tuned for, the fixed default of 8 probes lost a tenth of recall, and
 * SciFact's long documents needed more candidates than the default. The held-out documents are not
 * real queries, but they are the only queries a subtask has when it fits; the online calibrator
 * then corrects in either direction. The sample is sparser than the index (its neighbours are
 * farther apart, so less often in the query's own list), which errs on the side of more probes.
 */
final class BudgetCalibration {

  /** Neighbours per held-out query (recall@k's k). */
  static final int K = 10;

  /** Held-out documents used as queries, at most. */
  static final int QUERIES = 128;

  /** What a fit measured: 0 where it could not tell. */
  record Budget(int probes, int candidates) {
    static final Budget NONE = new Budget(0, 0);
  }

  private BudgetCalibration() {}

  /**
   * Probe recall must leave room for what the shortlist loses after it: half the recall the target
   * gives up (0.975 for a target of 0.95).
   */
  static double probeTarget(double target) {
    return 1 - (1 - target) / 2;
  }

  /**
   * Share of the probed neighbours the shortlist must keep: a quarter of what the target gives up.
   */
  static double shortlistTarget(double target) {
    return 1 - (1 - target) / 4;
  }

  /**
   * @param train training documents (full vectors)
   * @param trainPrefixes their projected prefixes
   * @param held held-out documents (full vectors), the queries
   * @param grid the PACKED grid the codes are made with, or null (the prefix scored as it is)
   * @param centroids the coarse quantizer, or null for the flat layout (no probes)
   * @param documents documents of the subtask the fit is for
   * @return the budget, {@link Budget#NONE} when the sample is too small or no target is set
   */
  static Budget measure(
      float[][] train,
      float[][] trainPrefixes,
      float[][] held,
      Projection projection,
      ScalarQuantizer grid,
      Centroids centroids,
      long documents,
      double target) {
    if (target <= 0 || train.length < 4 * K || held.length == 0) {
      return Budget.NONE;
    }
    int lists = centroids == null ? 1 : centroids.count();
    int[] listOf = new int[train.length];
    float[][] approx = new float[train.length][];
    for (int i = 0; i < train.length; i++) {
      listOf[i] = centroids == null ? 0 : centroids.nearest(trainPrefixes[i]);
      approx[i] = grid == null ? trainPrefixes[i] : grid.decode(grid.encode(trainPrefixes[i]));
    }
    int queries = Math.min(QUERIES, held.length);
    int[][] neighbours = new int[queries][];
    int[][] order = new int[queries][];
    long[] atRank = new long[lists];
    for (int qi = 0; qi < queries; qi++) {
      float[] q = held[(int) ((long) qi * held.length / queries)];
      NeighborQueue top = new NeighborQueue(K);
      for (int i = 0; i < train.length; i++) {
        float s = VectorUtil.dot(train[i], q);
        if (s > top.minScore()) {
          top.offer(i, s);
        }
      }
      neighbours[qi] = top.drainBestFirst(null);
      order[qi] = centroids == null ? new int[] {0} : centroids.probe(projection.project(q), lists);
      int[] rank = new int[lists];
      for (int r = 0; r < order[qi].length; r++) {
        rank[order[qi][r]] = r;
      }
      for (int n : neighbours[qi]) {
        atRank[rank[listOf[n]]]++;
      }
    }
    int probes =
        centroids == null ? 0 : probesFor(atRank, lists, probeTarget(target) * queries * K);
    int candidates =
        candidatesFor(train, approx, listOf, held, projection, neighbours, order, probes, target);
    long scaled =
        (long) Math.ceil(candidates * (double) Math.max(documents, train.length) / train.length);
    return new Budget(probes, (int) Math.min(Integer.MAX_VALUE, Math.max(K, scaled)));
  }

  private static int probesFor(long[] atRank, int lists, double wanted) {
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

  /** Rank (in the sample) that {@link #shortlistTarget} of the probed neighbours beat, plus one. */
  private static int candidatesFor(
      float[][] train,
      float[][] approx,
      int[] listOf,
      float[][] held,
      Projection projection,
      int[][] neighbours,
      int[][] order,
      int probes,
      double target) {
    int queries = neighbours.length;
    int[] ranks = new int[queries * K];
    int n = 0;
    boolean[] probed = new boolean[order[0].length];
    for (int qi = 0; qi < queries; qi++) {
      float[] y = projection.project(held[(int) ((long) qi * held.length / queries)]);
      Arrays.fill(probed, false);
      int p = probes == 0 ? order[qi].length : Math.min(probes, order[qi].length);
      for (int r = 0; r < p; r++) {
        probed[order[qi][r]] = true;
      }
      float[] score = new float[train.length];
      for (int i = 0; i < train.length; i++) {
        score[i] = probed[listOf[i]] ? VectorUtil.dot(approx[i], 0, y, 0, y.length) : Float.NaN;
      }
      for (int nb : neighbours[qi]) {
        if (!probed[listOf[nb]]) {
          continue;
        }
        int rank = 0;
        for (int i = 0; i < train.length; i++) {
          if (score[i] > score[nb]) {
            rank++;
          }
        }
        ranks[n++] = rank;
      }
    }
    if (n == 0) {
      return K;
    }
    Arrays.sort(ranks, 0, n);
    int at = (int) Math.min(n - 1, Math.ceil(shortlistTarget(target) * n) - 1);
    return ranks[at] + 1;
  }
}
