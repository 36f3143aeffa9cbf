package dev.mstream.guarantees;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mstream.merge.ResultMerger;
import dev.mstream.records.PartialResult;
import dev.mstream.records.ScoredHit;
import dev.mstream.records.SearchResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Every query gets one result, also when an index subtask answers after the deadline: the late
 * partial must not start a second wait that ends in a second (PARTIAL) result — neither right away
 * nor after a checkpoint and restore — and the merger forgets the query after the retention.
 */
class OneResultPerQueryTest {

  private static final long DEADLINE = 1_000;

  @Test
  void aSubtaskAnsweringAfterTheDeadlineDoesNotCauseASecondResult() throws Exception {
    OperatorSubtaskState snapshot;
    try (var h = harness(null)) {
      h.setProcessingTime(0);
      h.processElement(partial("q", 1, 3), 0);
      h.processElement(partial("q", 2, 3), 0);
      h.setProcessingTime(DEADLINE);
      assertThat(h.extractOutputValues())
          .singleElement()
          .satisfies(r -> assertThat(r.status).isEqualTo(SearchResult.Status.PARTIAL));

      h.setProcessingTime(DEADLINE + 500);
      h.processElement(partial("q", 0, 3), 0); // the straggler
      h.setProcessingTime(3 * DEADLINE);
      assertThat(h.extractOutputValues()).as("results for q").hasSize(1);
      snapshot = h.snapshot(1, 1);
    }
    try (var h = harness(snapshot)) {
      h.setProcessingTime(4 * DEADLINE);
      h.processElement(partial("q", 0, 3), 0); // replayed after a restore, still late
      h.setProcessingTime(6 * DEADLINE);
      assertThat(h.extractOutputValues()).as("results for q after restore").isEmpty();

      // After the retention the id is forgotten: state is not kept forever.
      h.setProcessingTime(DEADLINE + ResultMerger.ANSWERED_RETENTION_DEADLINES * DEADLINE);
      assertThat(h.numKeyedStateEntries()).isZero();
    }
  }

  @Test
  void aCompleteAnswerKeepsNoState() throws Exception {
    try (var h = harness(null)) {
      h.processElement(partial("q", 0, 2), 0);
      h.processElement(partial("q", 1, 2), 0);
      assertThat(h.extractOutputValues())
          .singleElement()
          .satisfies(r -> assertThat(r.status).isEqualTo(SearchResult.Status.OK));
      assertThat(h.numKeyedStateEntries()).isZero();
      assertThat(h.numProcessingTimeTimers()).isZero();
    }
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, PartialResult, SearchResult>
      harness(OperatorSubtaskState restore) throws Exception {
    var h =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new ResultMerger(DEADLINE)), p -> p.queryId, Types.STRING);
    if (restore != null) {
      h.initializeState(restore);
    }
    h.open();
    return h;
  }

  private static PartialResult partial(String q, int subtask, int subtasks) {
    PartialResult p = new PartialResult();
    p.queryId = q;
    p.subtask = subtask;
    p.subtasks = subtasks;
    p.k = 5;
    p.hits = new ArrayList<>(List.of(new ScoredHit("d" + subtask, 0.5f, Map.of())));
    return p;
  }
}
