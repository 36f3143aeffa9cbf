package dev.mstream.index;

import java.util.HashMap;
import java.util.Map;

/**
 * Holds a subtask's recall@k at the target with the cheapest budget that reaches it, by measuring
 * its own recall online. A small, deterministic share of queries (chosen by a hash of the query id,
 * so every subtask measures the same queries) is searched again after its answer is out: once
 * exhaustively (every list, the whole in-memory prefix, a long rerank on full vectors: the
 * reference), and once with one step fewer probes and once with one step fewer candidates. Their
 * recalls against the reference are running estimates for three cells of a grid of budgets (probes
 * × candidates), and the budget walks that grid:
 *
 * <ul>
 *   <li>below the target, one step up along the axis whose last step bought more recall per unit of
 *       cost (so a shortlist that is too short gets candidates, a search that misses lists gets
 *       probes);
 *   <li>above the target by a margin, one step down along an axis whose cheaper neighbour still
 *       holds the target, probes first (they cost the scan).
 * </ul>
 *
 * Cost of a budget: codes scored ({@code probes ×} mean list length) at {@link #NANOS_PER_CODE},
 * plus the full-vector lookups of the candidates at {@link #NANOS_PER_LOOKUP} (both measured in the
 * benchmarks). The first-stage dims are not walked: the first segment and the rescoring of its
 * survivors on the whole prefix are what the benchmarks found cheapest.
 *
 * <p>The measured recall (mean over the last {@link #WINDOW} measured queries, at whatever budget
 * they were answered with) is exported as a metric and reported with results on request. Not
 * checkpointed: after a restore the budget starts again at the restored fit's measured budget (or
 * the configured defaults, for a fit that measured none).
 */
final class RecallCalibrator {

  /** Measured queries the reported recall averages. */
  static final int WINDOW = 256;

  /** Samples a cell needs before the budget moves on its account. */
  static final int MIN_SAMPLES = 24;

  /** Weight of one sample in a cell's running estimate (about the last 64 count). */
  private static final double WEIGHT = 1.0 / 64;

  /** Documents the reference reranks on full vectors, at least (see the benchmarks). */
  static final int REFERENCE_CANDIDATES = 256;

  static final int[] PROBES = {
    1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048,
    3072, 4096
  };
  static final int[] CANDIDATES = {
    10, 12, 16, 20, 24, 28, 32, 40, 48, 56, 64, 80, 100, 128, 160, 200, 256, 320, 400, 500, 640,
    800, 1000
  };

  /** Scan cost of one code, first stage (benchmarks: 2-4 ns on this kind of machine). */
  static final double NANOS_PER_CODE = 3;

  /** One full-vector lookup from keyed state (benchmarks: 4-10 µs). */
  static final double NANOS_PER_LOOKUP = 5000;

  /** One budget. */
  record Budget(int probes, int candidates, int dims) {}

  // ------------------------------------------------------------------------
  //  configuration
  // ------------------------------------------------------------------------

  private final double target;
  private final double sampleRate;
  private final int dims;
  private final boolean flat;

  // ------------------------------------------------------------------------
  //  state (not checkpointed)
  // ------------------------------------------------------------------------

  private int probeStep;
  private int candidateStep;
  private final Map<Long, double[]> cells = new HashMap<>(); // {estimate, samples}
  private final double[] window = new double[WINDOW];
  private int windowSize;
  private int windowNext;
  private long measured;
  private double listLength = 1;

  RecallCalibrator(IndexSettings settings) {
    this.target = settings.targetRecall();
    this.sampleRate = settings.recallSampleRate();
    this.dims = settings.defaultDims();
    this.flat = settings.layout() == IndexLayout.FLAT;
    this.probeStep = flat ? 0 : stepAtMost(PROBES, settings.defaultProbes());
    this.candidateStep = stepAtMost(CANDIDATES, settings.defaultCandidates());
  }

  private static int stepAtMost(int[] steps, int value) {
    int best = 0;
    for (int i = 0; i < steps.length; i++) {
      if (steps[i] <= value) {
        best = i;
      }
    }
    return best;
  }

  /** Whether the index calibrates itself (a target is set). */
  boolean calibrating() {
    return target > 0;
  }

  /** Mean posting-list length of the index the budgets are for (the cost model's scan term). */
  void listLength(double meanLength) {
    this.listLength = Math.max(1, meanLength);
  }

  /** The budget queries that name none are answered with. */
  Budget current() {
    return budget(probeStep, candidateStep);
  }

  /** One step fewer probes, or null at the bottom (or for the flat layout). */
  Budget fewerProbes() {
    return flat || probeStep == 0 ? null : budget(probeStep - 1, candidateStep);
  }

  /** One step fewer candidates, or null at the bottom. */
  Budget fewerCandidates() {
    return candidateStep == 0 ? null : budget(probeStep, candidateStep - 1);
  }

  private Budget budget(int p, int c) {
    return new Budget(flat ? 1 : PROBES[p], CANDIDATES[c], dims);
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
   * @param served the budget it was answered with (null: it named its own or was lowered under
   *     load, so only the reported recall counts it)
   * @param recall its recall against the reference
   * @param fewerProbesRecall recall at {@link #fewerProbes()}, or -1 when not measured
   * @param fewerCandidatesRecall recall at {@link #fewerCandidates()}, or -1 when not measured
   */
  void record(
      Budget served, double recall, double fewerProbesRecall, double fewerCandidatesRecall) {
    measured++;
    window[windowNext] = recall;
    windowNext = (windowNext + 1) % WINDOW;
    windowSize = Math.min(WINDOW, windowSize + 1);
    if (served == null || !served.equals(current())) {
      return;
    }
    update(probeStep, candidateStep, recall);
    if (fewerProbesRecall >= 0 && probeStep > 0) {
      update(probeStep - 1, candidateStep, fewerProbesRecall);
    }
    if (fewerCandidatesRecall >= 0 && candidateStep > 0) {
      update(probeStep, candidateStep - 1, fewerCandidatesRecall);
    }
    if (calibrating()) {
      move();
    }
  }

  private void move() {
    double[] here = cell(probeStep, candidateStep);
    if (here[1] < MIN_SAMPLES) {
      return;
    }
    double[] lessP = probeStep > 0 && !flat ? cell(probeStep - 1, candidateStep) : null;
    double[] lessC = candidateStep > 0 ? cell(probeStep, candidateStep - 1) : null;
    boolean canP = !flat && probeStep < PROBES.length - 1;
    boolean canC = candidateStep < CANDIDATES.length - 1;
    if (here[0] < target) {
      // Up along the axis whose last step bought more recall per unit of cost. An axis whose last
      // step was not measured (at its bottom, or too few samples yet) is assumed able to close the
      // gap to the target: with a fixed small guess, a walk that starts at many probes (the fit's
      // measurement) kept buying probes that bought almost nothing, up to every list, while the
      // shortlist was what lacked (MeasuredRecallTest).
      double unknown = Math.max(0.01, target - here[0]);
      double gainP = lessP != null && lessP[1] >= MIN_SAMPLES ? here[0] - lessP[0] : unknown;
      double gainC = lessC != null && lessC[1] >= MIN_SAMPLES ? here[0] - lessC[0] : unknown;
      double costP = canP ? cost(probeStep + 1, candidateStep) - cost() : Double.MAX_VALUE;
      double costC = canC ? cost(probeStep, candidateStep + 1) - cost() : Double.MAX_VALUE;
      if (!canP && !canC) {
        return;
      }
      if (gainP / costP >= gainC / costC) {
        probeStep++;
      } else {
        candidateStep++;
      }
      return;
    }
    double margin = margin(here[1]);
    if (lessP != null && lessP[1] >= MIN_SAMPLES && lessP[0] >= target + margin(lessP[1])) {
      probeStep--;
    } else if (lessC != null && lessC[1] >= MIN_SAMPLES && lessC[0] >= target + margin) {
      candidateStep--;
    }
  }

  private double cost() {
    return cost(probeStep, candidateStep);
  }

  private double cost(int p, int c) {
    return (flat ? 0 : PROBES[p] * listLength * NANOS_PER_CODE) + CANDIDATES[c] * NANOS_PER_LOOKUP;
  }

  /** A margin of about one standard error of a recall near the target. */
  private double margin(double n) {
    return Math.sqrt(target * (1 - target) / Math.min(n, 64)) / 2;
  }

  private double[] cell(int p, int c) {
    return cells.computeIfAbsent(((long) p << 32) | c, k -> new double[2]);
  }

  private void update(int p, int c, double recall) {
    double[] e = cell(p, c);
    if (e[1] == 0) {
      e[0] = recall;
    } else {
      double w = Math.max(WEIGHT, 1.0 / (e[1] + 1));
      e[0] += w * (recall - e[0]);
    }
    e[1]++;
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
    double[] e = cells.get(((long) probeStep << 32) | candidateStep);
    return e == null || e[1] == 0 ? -1 : e[0];
  }

  long measured() {
    return measured;
  }

  /**
   * A new fit: forgets the estimates, which were for the old one (recall per budget changed). When
   * the fit measured the budget its held-out documents need ({@link IndexFit#fittedProbes()},
   * {@link IndexFit#fittedCandidates()}), the walk starts there instead of at the configured
   * defaults, so a collection that needs many probes or a long shortlist does not wait for
   * thousands of sampled queries to get them.
   */
  void reset(int fittedProbes, int fittedCandidates) {
    cells.clear();
    if (calibrating() && !flat && fittedProbes > 0) {
      probeStep = stepAtLeast(PROBES, fittedProbes);
    }
    if (calibrating() && fittedCandidates > 0) {
      candidateStep = stepAtLeast(CANDIDATES, fittedCandidates);
    }
  }

  private static int stepAtLeast(int[] steps, int value) {
    for (int i = 0; i < steps.length; i++) {
      if (steps[i] >= value) {
        return i;
      }
    }
    return steps.length - 1;
  }
}
