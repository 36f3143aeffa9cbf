package dev.mstream.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mstream.records.DocumentChange;
import dev.mstream.records.PartialResult;
import dev.mstream.records.SearchRequest;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.throwable.ThrowableClassifier;
import org.apache.flink.runtime.throwable.ThrowableType;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.api.Test;

/**
 * The index records the model its vectors come from and refuses, on restore, to serve a job of
 * another model; state written before the model was recorded still restores. A document marked
 * {@code textUnchanged} reuses the stored vector, and one that has none to reuse fails the job.
 */
class IndexModelRestoreTest {

  private static final String MODEL_A = "minilm@1111111111111111";
  private static final String MODEL_A_RENAMED = "my-minilm@1111111111111111";
  private static final String MODEL_B = "bge@2222222222222222";

  private static KeyedTwoInputStreamOperatorTestHarness<
          String, DocumentChange, SearchRequest, PartialResult>
      open(String modelId, OperatorSubtaskState restore) throws Exception {
    var h = StateFixtures.indexHarness(new VectorIndexOperator(StateFixtures.settings(modelId)));
    if (restore != null) {
      h.initializeState(restore);
    }
    h.open();
    return h;
  }

  private static OperatorSubtaskState indexWithOneDocument(String modelId) throws Exception {
    try (var h = open(modelId, null)) {
      DocumentChange c = DocumentChange.upsert("d1", "a", "one", Map.of(), 1L);
      c.vector = new float[] {1, 0, 0, 0};
      h.processElement1(c, 0L);
      return h.snapshot(1L, 1L);
    }
  }

  @Test
  void restoringUnderAnotherModelFailsWithoutRestartsNamingTheSettingBothModelsAndTheWayOut()
      throws Exception {
    OperatorSubtaskState snapshot = indexWithOneDocument(MODEL_A);
    assertThatThrownBy(() -> open(MODEL_B, snapshot))
        .isInstanceOf(IncompatibleIndexException.class)
        .satisfies(
            e ->
                assertThat(ThrowableClassifier.getThrowableType(e))
                    .isEqualTo(ThrowableType.NonRecoverableError))
        .hasMessageContaining("mstream.model")
        .hasMessageContaining("'minilm' (fingerprint 1111111111111111)")
        .hasMessageContaining("'bge' (fingerprint 2222222222222222)")
        .hasMessageContaining("without this checkpoint or savepoint")
        .hasMessageContaining("docs/guarantees.md");
  }

  @Test
  void theSameModelUnderAnotherProfileNameRestores() throws Exception {
    OperatorSubtaskState snapshot = indexWithOneDocument(MODEL_A);
    try (var h = open(MODEL_A_RENAMED, snapshot)) {
      VectorIndexOperator op = (VectorIndexOperator) h.getOperator();
      assertThat(op.storedDocuments()).isEqualTo(1);
      // The stored vector is of the same model: an unchanged text reuses it.
      DocumentChange again = DocumentChange.upsert("d1", "b", "one", Map.of("k", "v"), 2L);
      again.textUnchanged = true;
      h.processElement1(again, 0L);
      StoredDocument d = op.storedDocument("d1");
      assertThat(d.vector()).containsExactly(1, 0, 0, 0);
      assertThat(d.namespace()).isEqualTo("b");
      assertThat(d.version()).isEqualTo(2);
    }
  }

  @Test
  void stateWrittenBeforeTheModelWasRecordedRestoresAndRecordsItFromThenOn() throws Exception {
    OperatorSubtaskState v0 = OperatorSnapshotUtil.readStateHandle(StateFixtures.file("index-v0"));
    OperatorSubtaskState next;
    try (var h = open(MODEL_A, v0)) {
      VectorIndexOperator op = (VectorIndexOperator) h.getOperator();
      assertThat(op.storedDocuments()).isEqualTo(StateFixtures.DOCUMENTS.size());
      assertThat(op.arenaSize()).isEqualTo(StateFixtures.DOCUMENTS.size());
      StoredDocument d2 = op.storedDocument("d2");
      assertThat(d2.modelId()).isEqualTo(StateFixtures.FIXTURE_MODEL_ID);
      assertThat(d2.vector()).containsExactly(0.8f, 0.6f, 0, 0);
      assertThat(d2.attributes()).containsEntry("lang", "de");
      next = h.snapshot(2L, 2L);
    }
    assertThatThrownBy(() -> open(MODEL_B, next)).isInstanceOf(IncompatibleIndexException.class);
    try (var h = open(MODEL_A, next)) {
      assertThat(((VectorIndexOperator) h.getOperator()).storedDocuments()).isEqualTo(6);
    }
  }

  @Test
  void rescalingKeepsTheCheckOnEverySubtask() throws Exception {
    OperatorSubtaskState snapshot = indexWithOneDocument(MODEL_A);
    // Union state: each of 3 subtasks restored from the one before gets the model id.
    for (int subtask = 0; subtask < 3; subtask++) {
      OperatorSubtaskState part =
          AbstractStreamOperatorTestHarness.repartitionOperatorState(snapshot, 128, 1, 3, subtask);
      try (var h =
          new KeyedTwoInputStreamOperatorTestHarness<>(
              new VectorIndexOperator(StateFixtures.settings(MODEL_B)),
              (DocumentChange c) -> c.id,
              (SearchRequest q) -> q.queryId,
              Types.STRING,
              128,
              3,
              subtask)) {
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        assertThatThrownBy(() -> h.initializeState(part))
            .as("subtask %d of 3", subtask)
            .isInstanceOf(IncompatibleIndexException.class);
      }
    }
  }

  @Test
  void anUnchangedTextWithoutAStoredVectorFailsTheJobNamingTheWayOut() throws Exception {
    try (var h = open(MODEL_A, null)) {
      DocumentChange c = DocumentChange.upsert("ghost", "a", "never embedded", Map.of(), 1L);
      c.textUnchanged = true;
      assertThatThrownBy(() -> h.processElement1(c, 0L))
          .isInstanceOf(IncompatibleIndexException.class)
          .hasMessageContaining("ghost")
          .hasMessageContaining("mstream.embed.skip-unchanged=false");

      DocumentChange one = DocumentChange.upsert("d1", "a", "one", Map.of(), 1L);
      one.vector = new float[] {1, 0, 0, 0};
      h.processElement1(one, 0L);
      DocumentChange otherText = DocumentChange.upsert("d1", "a", "two", Map.of(), 2L);
      otherText.textUnchanged = true;
      assertThatThrownBy(() -> h.processElement1(otherText, 0L))
          .isInstanceOf(IncompatibleIndexException.class)
          .hasMessageContaining("another text or model");
      assertThat(List.of(((VectorIndexOperator) h.getOperator()).storedDocument("d1").version()))
          .containsExactly(1L);
    }
  }
}
