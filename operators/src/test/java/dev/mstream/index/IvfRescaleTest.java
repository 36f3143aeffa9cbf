package dev.mstream.index;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mstream.records.PartialResult;
import dev.mstream.records.ScoredHit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The inverted file across rescales 2 → 3 → 1, against a model of the input: after each, the
 * subtasks together hold exactly the live documents, each subtask's lists agree with its keyed
 * state (codes and lists under the fit it chose), and probing every list answers exactly. Key
 * groups moved to a subtask with another fit are re-encoded from their full vectors.
 */
class IvfRescaleTest {

  private static final int DIM = 32;
  private static final int MAX_PARALLELISM = 128;
  private static final IndexSettings SETTINGS =
      IndexSettings.builder("m", DIM)
          .prefixDims(16)
          .fitSample(60)
          .defaultDims(16)
          .defaultCandidates(1000)
          .defaultProbes(1000)
          .lists(5)
          .exactBelow(0)
          .refitGrowth(0)
          .refitDrift(0)
          .targetRecall(0)
          .recallSampleRate(0)
          .build();

  @Test
  void twoThenThreeThenOneSubtasksHoldExactlyTheLiveDocuments() throws Exception {
    Random rnd = new Random(13);
    float[][] pool = TestVectors.correlated(rnd, 5000, DIM);
    Map<String, float[]> model = new HashMap<>();
    List<IndexHarness> two = open(2, null, model);
    churn(two, model, pool, rnd, 900);
    check(two, model, pool, rnd);

    List<IndexHarness> three = rescale(two, 3, model);
    check(three, model, pool, rnd);
    churn(three, model, pool, rnd, 400);
    check(three, model, pool, rnd);

    List<IndexHarness> one = rescale(three, 1, model);
    check(one, model, pool, rnd);
    churn(one, model, pool, rnd, 200);
    check(one, model, pool, rnd);
    for (IndexHarness h : one) {
      h.close();
    }
  }

  private static List<IndexHarness> open(
      int parallelism, OperatorSubtaskState[] restore, Map<String, float[]> model)
      throws Exception {
    List<IndexHarness> out = new ArrayList<>();
    for (int i = 0; i < parallelism; i++) {
      out.add(
          IndexHarness.open(
              SETTINGS,
              IndexFitter.of(SETTINGS),
              true,
              MAX_PARALLELISM,
              parallelism,
              i,
              restore == null ? null : restore[i],
              model));
    }
    return out;
  }

  private static List<IndexHarness> rescale(
      List<IndexHarness> from, int parallelism, Map<String, float[]> model) throws Exception {
    OperatorSubtaskState[] snapshots = new OperatorSubtaskState[from.size()];
    for (int i = 0; i < from.size(); i++) {
      snapshots[i] = from.get(i).harness.snapshot(1, 1);
      from.get(i).close();
    }
    OperatorSubtaskState packed = AbstractStreamOperatorTestHarness.repackageState(snapshots);
    OperatorSubtaskState[] parts = new OperatorSubtaskState[parallelism];
    for (int i = 0; i < parallelism; i++) {
      parts[i] =
          AbstractStreamOperatorTestHarness.repartitionOperatorState(
              packed, MAX_PARALLELISM, from.size(), parallelism, i);
    }
    return open(parallelism, parts, model);
  }

  private static void churn(
      List<IndexHarness> subtasks,
      Map<String, float[]> model,
      float[][] pool,
      Random rnd,
      int steps)
      throws Exception {
    for (int step = 0; step < steps; step++) {
      String id = "d" + rnd.nextInt(600);
      IndexHarness h = subtasks.get(owner(id, subtasks.size()));
      if (rnd.nextInt(5) == 0) {
        h.delete(id);
      } else {
        h.upsert(id, pool[rnd.nextInt(pool.length)]);
      }
    }
  }

  private static void check(
      List<IndexHarness> subtasks, Map<String, float[]> model, float[][] pool, Random rnd)
      throws Exception {
    long held = 0;
    for (IndexHarness h : subtasks) {
      assertThat(h.operator().inconsistencies()).isEmpty();
      assertThat(h.operator().hasProjection()).isTrue();
      held += h.operator().arena().size();
      assertThat(h.operator().storedDocuments()).isEqualTo(h.operator().arena().size());
    }
    assertThat(held).isEqualTo(model.size());
    for (int i = 0; i < 15; i++) {
      float[] q = pool[rnd.nextInt(pool.length)];
      List<ScoredHit> merged = new ArrayList<>();
      for (IndexHarness h : subtasks) {
        PartialResult p = h.query(q, 10, 0, 0);
        merged.addAll(p.hits);
      }
      merged.sort(ScoredHit::bestFirst);
      assertThat(IndexHarness.ids(merged.subList(0, Math.min(10, merged.size()))))
          .isEqualTo(IndexHarness.exact(model, q, 10));
    }
  }

  private static int owner(String key, int parallelism) {
    return KeyGroupRangeAssignment.assignKeyToParallelOperator(key, MAX_PARALLELISM, parallelism);
  }
}
