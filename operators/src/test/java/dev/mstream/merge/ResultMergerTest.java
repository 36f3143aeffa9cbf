package dev.mstream.merge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mstream.records.PartialResult;
import dev.mstream.records.ScoredHit;
import dev.mstream.records.SearchResult;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class ResultMergerTest {

  private static KeyedOneInputStreamOperatorTestHarness<String, PartialResult, SearchResult>
      harness(OperatorSubtaskState restore) throws Exception {
    var h =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new ResultMerger(1_000)), p -> p.queryId, Types.STRING);
    if (restore != null) {
      h.initializeState(restore);
    }
    h.open();
    return h;
  }

  @Test
  void mergesAllSubtasksIntoOneGlobalTopK() throws Exception {
    try (var h = harness(null)) {
      h.processElement(partial("q", 0, 3, 2, hit("a", 0.9f), hit("c", 0.5f)), 0);
      h.processElement(partial("q", 1, 3, 2, hit("b", 0.7f)), 0);
      assertThat(h.extractOutputValues()).isEmpty();
      h.processElement(partial("q", 2, 3, 2, hit("d", 0.95f), hit("e", 0.1f)), 0);

      List<SearchResult> out = h.extractOutputValues();
      assertThat(out).hasSize(1);
      SearchResult r = out.get(0);
      assertThat(r.status).isEqualTo(SearchResult.Status.OK);
      assertThat(r.hits).extracting(x -> x.docId).containsExactly("d", "a");
      assertThat(r.subtasksAnswered).isEqualTo(3);
      assertThat(r.indexSize).isEqualTo(30);
    }
  }

  @Test
  void aDocumentIsAnsweredOnceEvenIfTwoPartialsNameIt() throws Exception {
    try (var h = harness(null)) {
      h.processElement(partial("q", 0, 2, 3, hit("a", 0.9f), hit("b", 0.5f)), 0);
      h.processElement(partial("q", 1, 2, 3, hit("a", 0.8f), hit("c", 0.4f)), 0);
      SearchResult r = h.extractOutputValues().get(0);
      assertThat(r.hits)
          .extracting(x -> x.docId + ":" + x.score)
          .containsExactly("a:0.9", "b:0.5", "c:0.4");
    }
  }

  @Test
  void theResultCarriesTheTimingsOfTheSubtaskThatAnsweredLast() throws Exception {
    try (var h = harness(null)) {
      PartialResult early = partial("q", 0, 2, 2, hit("a", 0.9f));
      early.timings.queueMillis = 1;
      early.timings.scanMillis = 2;
      early.timings.answered();
      PartialResult late = partial("q", 1, 2, 2, hit("b", 0.8f));
      late.timings.sourceMillis = 0.5;
      late.timings.batchWaitMillis = 0.25;
      late.timings.queueMillis = 40;
      late.timings.scanMillis = 3;
      late.timings.rerankMillis = 4;
      late.timings.answered();
      h.processElement(early, 0);
      h.processElement(late, 0);

      SearchResult r = h.extractOutputValues().get(0);
      assertThat(r.timings.queueMillis).isEqualTo(40);
      assertThat(r.timings.scanMillis).isEqualTo(3);
      assertThat(r.timings.rerankMillis).isEqualTo(4);
      assertThat(r.timings.sourceMillis).isEqualTo(0.5);
      assertThat(r.timings.batchWaitMillis).isEqualTo(0.25);
      assertThat(r.timings.mergeMillis).isBetween(0.0, 60_000.0);
      // a copy: the partial in the merger's state is not changed by the result's merge stamp
      assertThat(r.timings).isNotSameAs(late.timings);
    }
  }

  @Test
  void partialsWithoutTimingsStillMerge() throws Exception {
    try (var h = harness(null)) {
      PartialResult a = partial("q", 0, 2, 2, hit("a", 0.9f));
      a.timings = null; // as restored from a checkpoint taken before timings existed
      PartialResult b = partial("q", 1, 2, 2, hit("b", 0.8f));
      b.timings = null;
      h.processElement(a, 0);
      h.processElement(b, 0);
      SearchResult r = h.extractOutputValues().get(0);
      assertThat(r.status).isEqualTo(SearchResult.Status.OK);
      assertThat(r.timings.mergeMillis).isZero();
    }
  }

  @Test
  void deadlineAnswersPartialOnceAndDropsStragglers() throws Exception {
    try (var h = harness(null)) {
      h.setProcessingTime(0);
      h.processElement(partial("q", 1, 2, 5, hit("a", 0.9f)), 0);
      h.setProcessingTime(999);
      assertThat(h.extractOutputValues()).as("before the deadline").isEmpty();

      h.setProcessingTime(1_000);
      List<SearchResult> out = h.extractOutputValues();
      assertThat(out).hasSize(1);
      assertThat(out.get(0).status).isEqualTo(SearchResult.Status.PARTIAL);
      assertThat(out.get(0).error).contains("1 of 2");
      assertThat(out.get(0).hits).extracting(x -> x.docId).containsExactly("a");

      // A straggler after the deadline is dropped: the query was answered, so no second wait
      // starts and no second answer follows, however much time passes within the retention.
      h.processElement(partial("q", 0, 2, 5, hit("b", 0.8f)), 0);
      h.setProcessingTime(1_000 + 3 * 1_000);
      assertThat(h.extractOutputValues()).as("one answer per query").hasSize(1);

      // After ANSWERED_RETENTION_DEADLINES deadlines the answered id is forgotten: a query that
      // reuses it much later gets an answer of its own.
      h.setProcessingTime(1_000 + ResultMerger.ANSWERED_RETENTION_DEADLINES * 1_000);
      h.processElement(partial("q", 0, 2, 5, hit("c", 0.7f)), 0);
      h.setProcessingTime(1_000 + (ResultMerger.ANSWERED_RETENTION_DEADLINES + 1) * 1_000);
      out = h.extractOutputValues();
      assertThat(out).hasSize(2);
      assertThat(out.get(1).status).isEqualTo(SearchResult.Status.PARTIAL);
      assertThat(out.get(1).hits).extracting(x -> x.docId).containsExactly("c");
    }
  }

  @Test
  void waitingPartialsSurviveRestore() throws Exception {
    OperatorSubtaskState snapshot;
    try (var h = harness(null)) {
      h.processElement(partial("q", 0, 2, 5, hit("a", 0.9f)), 0);
      h.processElement(partial("q", 0, 2, 5, hit("a", 0.9f)), 0); // replayed: ignored
      snapshot = h.snapshot(1, 1);
    }
    try (var h = harness(snapshot)) {
      h.processElement(partial("q", 1, 2, 5, hit("b", 0.8f)), 0);
      List<SearchResult> out = h.extractOutputValues();
      assertThat(out).hasSize(1);
      assertThat(out.get(0).hits).extracting(x -> x.docId).containsExactly("a", "b");
      assertThat(out.get(0).status).isEqualTo(SearchResult.Status.OK);
    }
  }

  private static ScoredHit hit(String id, float score) {
    return new ScoredHit(id, score, Map.of("id", id));
  }

  private static PartialResult partial(
      String q, int subtask, int subtasks, int k, ScoredHit... hits) {
    PartialResult p = new PartialResult();
    p.queryId = q;
    p.subtask = subtask;
    p.subtasks = subtasks;
    p.k = k;
    p.hits = new java.util.ArrayList<>(List.of(hits));
    p.indexSize = 10;
    p.candidatesScanned = 10;
    return p;
  }
}
