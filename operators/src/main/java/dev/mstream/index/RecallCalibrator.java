package dev.mstream.index;

import java.util.ArrayList;
import java.util.List;

/**
 * Holds a subtask's recall@k at the target with the cheapest budget that reaches it, by measuring
 * its own recall online. A small, deterministic share of queries (chosen by a hash of the query id,
 * so every subtask measures the same queries) is answered twice more after its result is out: by an
 * exhaustive search (every list, the whole in-memory prefix, a long rerank on full vectors — the
 * reference), and at the next cheaper budget. Their recalls against the reference move a cursor
 * along a ladder of budgets ordered by cost (probes, candidates, dims): up when the current budget
 * falls short of the target, down when the cheaper one holds it with a margin.
 *
 * <p>The measured recall (mean over the last {@link #WINDOW} measured queries at the budgets they
 * were served with) is exported as a metric and reported with results on request. Not checkpointed:
 * after a restore the cursor starts again at the configured defaults.
 */
final class RecallCalibrator {

  /** Measured queries the reported recall averages. */
  static final int WINDOW = 256;

  /** Samples a budget needs before the cursor moves on its account. */
  static final int MIN_SAMPLES = 24;

  /** Weight of one sample in a rung's running estimate (about the last 64 count). */
  private static final double WEIGHT = 1.0 / 64;

  /** Documents the reference reranks on full vectors, at least (see the benchmarks). */
  static final int REFERENCE_CANDIDATES = 256;

  /** One budget. */
  record Budget(int probes, int candidates, int dims) {}

  // ------------------------------------------------------------------------
  //  configuration
  // ------------------------------------------------------------------------

  private final double target;
  private final double sampleRate;
  private final List<Budget> ladder;

  // ------------------------------------------------------------------------
  //  state (not checkpointed)
  // ------------------------------------------------------------------------

  private int cursor;
  private final double[] estimate;
  private final int[] samples;
  private final double[] window = new double[WINDOW];
  private int windowSize;
  private int windowNext;
  private long measured;

  RecallCalibrator(IndexSettings settings) {
    this.target = settings.targetRecall();
    this.sampleRate = settings.recallSampleRate();
    this.ladder = ladder(settings);
    this.estimate = new double[ladder.size()];
    this.samples = new int[ladder.size()];
    this.cursor = start(settings);
  }

  /**
   * Budgets by cost. Inverted file: probes double (with halves between), candidates grow with them,
   * the last rungs score the whole prefix in the first stage. Flat: candidates only.
   */
  static List<Budget> ladder(IndexSettings s) {
    List<Budget> out = new ArrayList<>();
    if (s.layout() == IndexLayout.FLAT) {
      for (int c : new int[] {10, 16, 24, 32, 48, 64, 100, 150, 200, 300, 400, 600, 1000}) {
        out.add(new Budget(1, c, s.defaultDims()));
      }
      return out;
    }
    int[] probes = {1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512};
    for (int p : probes) {
      out.add(new Budget(p, candidatesFor(p, s.defaultCandidates()), s.defaultDims()));
    }
    for (int p : new int[] {256, 512, 1024, Character.MAX_VALUE}) {
      out.add(new Budget(p, 4 * s.defaultCandidates(), s.prefixDims()));
    }
    return out;
  }

  /** Candidates to rerank at {@code probes}: the default at the default probes, more beyond. */
  static int candidatesFor(int probes, int defaultCandidates) {
    return Math.max(10, (int) Math.round(defaultCandidates * Math.sqrt(probes / 8.0)));
  }

  private int start(IndexSettings s) {
    int best = 0;
    for (int i = 0; i < ladder.size(); i++) {
      Budget b = ladder.get(i);
      if (s.layout() == IndexLayout.FLAT
          ? b.candidates() <= s.defaultCandidates()
          : b.probes() <= s.defaultProbes()) {
        best = i;
      }
    }
    return best;
  }

  /** Whether the index calibrates itself (a target is set). */
  boolean calibrating() {
    return target > 0;
  }

  /** The budget queries that name none are answered with. */
  Budget current() {
    return ladder.get(cursor);
  }

  /** The next cheaper budget, or null at the bottom. */
  Budget cheaper() {
    return cursor == 0 ? null : ladder.get(cursor - 1);
  }

  /** Whether this query is measured (the same answer on every subtask). */
  boolean sampled(String queryId) {
    if (sampleRate <= 0 || queryId == null) {
      return false;
    }
    int h = queryId.hashCode() * 0x9E3779B9;
    double u = ((h ^ (h >>> 15)) & 0xFFFFFF) / (double) (1 << 24);
    return u < sampleRate;
  }

  /**
   * One measured query.
   *
   * @param served the budget it was answered with (null: it named its own, so only the reported
   *     recall counts it)
   * @param recall its recall against the reference
   * @param cheaperRecall recall at {@link #cheaper()}, or -1 when not measured
   */
  void record(Budget served, double recall, double cheaperRecall) {
    measured++;
    window[windowNext] = recall;
    windowNext = (windowNext + 1) % WINDOW;
    windowSize = Math.min(WINDOW, windowSize + 1);
    if (served == null || !served.equals(current())) {
      return;
    }
    update(cursor, recall);
    if (cheaperRecall >= 0 && cursor > 0) {
      update(cursor - 1, cheaperRecall);
    }
    if (!calibrating()) {
      return;
    }
    if (samples[cursor] >= MIN_SAMPLES && estimate[cursor] < target && cursor < ladder.size() - 1) {
      cursor++;
    } else if (cursor > 0
        && samples[cursor - 1] >= MIN_SAMPLES
        && estimate[cursor - 1] >= target + margin(samples[cursor - 1])) {
      cursor--;
    }
  }

  /** A margin of about one standard error of a recall near the target. */
  private double margin(int n) {
    return Math.sqrt(target * (1 - target) / Math.min(n, 64)) / 2;
  }

  private void update(int rung, double recall) {
    if (samples[rung] == 0) {
      estimate[rung] = recall;
    } else {
      double w = Math.max(WEIGHT, 1.0 / (samples[rung] + 1));
      estimate[rung] += w * (recall - estimate[rung]);
    }
    samples[rung]++;
  }

  /** Mean recall of the last measured queries; -1 before the first. */
  double measuredRecall() {
    if (windowSize == 0) {
      return -1;
    }
    double sum = 0;
    for (int i = 0; i < windowSize; i++) {
      sum += window[i];
    }
    return sum / windowSize;
  }

  /** Running recall estimate of the current budget; -1 before it has samples. */
  double estimateOfCurrent() {
    return samples[cursor] == 0 ? -1 : estimate[cursor];
  }

  long measured() {
    return measured;
  }

  /** Forgets the estimates (the index was refitted: recall per budget changed). */
  void reset() {
    java.util.Arrays.fill(samples, 0);
  }

  int rung() {
    return cursor;
  }
}
