package dev.mstream.jobs.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.mstream.jobs.eval.RetrievalMetrics.Scored;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetrievalMetricsTest {

  private static final Map<String, Integer> JUDGED = Map.of("a", 1, "b", 2, "z", 0);

  @Test
  void ndcgUsesGradedGainsAndTheIdealOfAllJudgedDocuments() {
    // DCG = 2/log2(3) + 1/log2(4); IDCG = 2/log2(2) + 1/log2(3)
    double expected = (2 / log2(3) + 1 / log2(4)) / (2 + 1 / log2(3));
    assertThat(RetrievalMetrics.ndcg(List.of("c", "b", "a"), JUDGED, 10))
        .isCloseTo(expected, within(1e-12));
    // cut at 1: nothing relevant at rank 1
    assertThat(RetrievalMetrics.ndcg(List.of("c", "b", "a"), JUDGED, 1)).isZero();
    // a relevant document that was not retrieved still counts in the ideal DCG
    assertThat(RetrievalMetrics.ndcg(List.of("b"), JUDGED, 10))
        .isCloseTo(2 / (2 + 1 / log2(3)), within(1e-12));
    assertThat(RetrievalMetrics.ndcg(List.of("b", "a"), JUDGED, 10)).isCloseTo(1, within(1e-12));
  }

  @Test
  void recallAndMrrCountOnlyPositiveRelevance() {
    assertThat(RetrievalMetrics.recall(List.of("z", "b", "c"), JUDGED, 2)).isEqualTo(0.5);
    assertThat(RetrievalMetrics.recall(List.of("z", "b", "a"), JUDGED, 3)).isEqualTo(1.0);
    assertThat(RetrievalMetrics.reciprocalRank(List.of("z", "c", "a"), JUDGED, 10))
        .isCloseTo(1 / 3.0, within(1e-12));
    assertThat(RetrievalMetrics.reciprocalRank(List.of("z", "c", "a"), JUDGED, 2)).isZero();
  }

  @Test
  void runsAreReSortedByScoreThenIdDescendingLikeTrecEval() {
    assertThat(
            RetrievalMetrics.rank(
                List.of(new Scored("a", 0.5), new Scored("c", 0.9), new Scored("b", 0.5))))
        .containsExactly("c", "b", "a");
  }

  @Test
  void averagesSkipQueriesWithoutRelevantDocumentsAndCountMissingRunsAsZero() {
    Map<String, Map<String, Integer>> qrels =
        Map.of(
            "q1", Map.of("d1", 1),
            "q2", Map.of("d2", 1),
            "q3", Map.of("d3", 0)); // no relevant document: not evaluated
    Map<String, List<Scored>> runs =
        Map.of(
            "q1", List.of(new Scored("d1", 0.9), new Scored("x", 0.1)),
            "q3", List.of(new Scored("d3", 0.9)));
    RetrievalMetrics.Summary s = RetrievalMetrics.evaluate(qrels, runs, List.of(10, 100), true);
    assertThat(s.queries()).isEqualTo(2);
    assertThat(s.ndcg(10)).isEqualTo(0.5);
    assertThat(s.recall(100)).isEqualTo(0.5);
    assertThat(s.mrr(10)).isEqualTo(0.5);
  }

  @Test
  void identicalQueryAndDocumentIdsAreDroppedAsBeirDoes() {
    Map<String, Map<String, Integer>> qrels = Map.of("q1", Map.of("d1", 1));
    Map<String, List<Scored>> runs =
        Map.of("q1", List.of(new Scored("q1", 0.99), new Scored("d1", 0.9)));
    assertThat(RetrievalMetrics.evaluate(qrels, runs, List.of(10), true).mrr(10)).isEqualTo(1.0);
    assertThat(RetrievalMetrics.evaluate(qrels, runs, List.of(10), false).mrr(10)).isEqualTo(0.5);
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }

  @Test
  void recallAgainstAReferenceRunCountsItsTopKOnly() {
    Map<String, List<String>> exact =
        Map.of("q1", List.of("a", "b", "c", "d"), "q2", List.of("x", "y"), "q3", List.of());
    Map<String, List<String>> run =
        Map.of("q1", List.of("a", "c", "z", "b"), "q2", List.of("y", "w"));
    // q1: a, c of {a, b} at k=2 -> 1/2 (c is not in the reference's top 2); q2: y of {x, y} -> 1/2;
    // q3 has no reference answer and does not count.
    assertThat(RetrievalMetrics.recallAgainst(run, exact, 2)).isEqualTo(0.5);
    // k=4: q1 finds a, b, c of 4 -> 3/4; q2 (2 ids) finds y -> 1/2.
    assertThat(RetrievalMetrics.recallAgainst(run, exact, 4)).isEqualTo((0.75 + 0.5) / 2);
    assertThat(RetrievalMetrics.recallAgainst(exact, exact, 10)).isEqualTo(1.0);
    assertThat(RetrievalMetrics.recallAgainst(run, Map.of(), 10)).isNaN();
  }
}
