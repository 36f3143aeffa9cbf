package dev.mstream.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.mstream.records.PartialResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The index's own recall measurement against brute force over a model of its input: the
 * measured-recall metric is within 0.02 of the true recall of the same queries; a query that asks
 * gets its own recall; and with a target the calibration moves to a budget that holds it.
 */
class MeasuredRecallTest {

  private static final int DIM = 48;

  private static IndexSettings.Builder base() {
    return IndexSettings.builder("m", DIM)
        .prefixDims(DIM)
        .fitSample(200)
        .lists(60)
        .exactBelow(0)
        .refitGrowth(0)
        .refitDrift(0);
  }

  @Test
  void theMeasuredRecallIsWithinTwoHundredthsOfTheTrueRecall() throws Exception {
    IndexSettings s =
        base().defaultProbes(2).defaultCandidates(10).targetRecall(0).recallSampleRate(1).build();
    Random rnd = new Random(31);
    float[][] pool = TestVectors.clustered(rnd, 9000, DIM, 150, 0.6f);
    try (IndexHarness h =
        IndexHarness.open(s, IndexFitter.of(s), true, 128, 1, 0, null, new HashMap<>())) {
      for (int i = 0; i < 6000; i++) {
        h.upsert("d" + i, pool[i]);
      }
      List<Double> truth = new ArrayList<>();
      for (int i = 0; i < RecallCalibrator.WINDOW; i++) {
        float[] q = pool[6000 + i];
        PartialResult p = h.query(q, 10, 0, 0);
        truth.add(recall(IndexHarness.exact(h.vectors, q, 10), IndexHarness.ids(p.hits)));
      }
      double trueRecall = truth.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
      double measured = h.operator().calibrator().measuredRecall();
      assertThat(trueRecall).as("a setting that loses some recall").isBetween(0.2, 0.98);
      assertThat(measured).isCloseTo(trueRecall, offset(0.02));

      // A query that asks is measured on its own, before its answer goes out.
      int agree = 0;
      for (int i = 0; i < 40; i++) {
        float[] q = pool[7000 + i];
        PartialResult p = h.queryMeasured(q, 10);
        assertThat(p.recall).isBetween(0.0, 1.0);
        assertThat(p.referenceHits).hasSize(10);
        double t = recall(IndexHarness.exact(h.vectors, q, 10), IndexHarness.ids(p.hits));
        agree += Math.abs(p.recall - t) < 1e-9 ? 1 : 0;
      }
      assertThat(agree).as("queries whose reported recall is their true recall").isGreaterThan(36);
    }
  }

  @Test
  void aRecallTargetMovesTheBudgetUntilTheTargetHolds() throws Exception {
    IndexSettings s =
        base().defaultProbes(1).defaultCandidates(10).targetRecall(0.9).recallSampleRate(1).build();
    Random rnd = new Random(32);
    float[][] pool = TestVectors.clustered(rnd, 9000, DIM, 150, 0.6f);
    try (IndexHarness h =
        IndexHarness.open(s, IndexFitter.of(s), true, 128, 1, 0, null, new HashMap<>())) {
      for (int i = 0; i < 6000; i++) {
        h.upsert("d" + i, pool[i]);
      }
      RecallCalibrator c = h.operator().calibrator();
      RecallCalibrator.Budget first = c.current();
      for (int i = 0; i < 700; i++) {
        h.query(pool[6000 + rnd.nextInt(3000)], 10, 0, 0);
      }
      assertThat(c.current()).isNotEqualTo(first);
      assertThat(c.current().probes()).as("not exhaustive").isLessThan(60);
      double sum = 0;
      int n = 300;
      for (int i = 0; i < n; i++) {
        float[] q = pool[6000 + rnd.nextInt(3000)];
        PartialResult p = h.query(q, 10, 0, 0);
        sum += recall(IndexHarness.exact(h.vectors, q, 10), IndexHarness.ids(p.hits));
      }
      assertThat(sum / n).isGreaterThan(0.88);
    }
  }

  private static double recall(List<String> truth, List<String> got) {
    Set<String> g = new HashSet<>(got);
    int hit = 0;
    for (String t : truth) {
      hit += g.contains(t) ? 1 : 0;
    }
    return hit / (double) truth.size();
  }
}
