package dev.mstream.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mstream.embed.MicroBatchEmbedOperator.UnchangedTexts;
import dev.mstream.records.DocumentChange;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.api.Test;

/**
 * The document embed operator remembers per id what it embedded and does not call the model again
 * for the same text under the same model: unchanged re-publishes, attribute-only and namespace-only
 * updates pass through marked {@code textUnchanged}; a changed text, a delete, another model or a
 * restore without the memory lead to a real embedding. On RocksDB, restored from snapshots.
 */
class UnchangedTextsTest {

  /** Texts the fake models were asked to embed, across instances. */
  static final List<String> EMBEDDED = new ArrayList<>();

  static final ModelProfile PROFILE =
      ModelProfile.builder("fake-2")
          .onnxModel("(none)")
          .tokenizer("(none)")
          .maxTokens(16)
          .dimension(2)
          .build();

  static final ModelIdentity MODEL_A = ModelIdentity.describing(PROFILE, "A");
  static final ModelIdentity MODEL_B = ModelIdentity.describing(PROFILE, "B");

  /** A fake that embeds a text as [length, 1] and says it is {@code identity}. */
  static EmbeddingModelFactory model(ModelIdentity identity) {
    return () ->
        new EmbeddingModel() {
          @Override
          public ModelProfile profile() {
            return PROFILE;
          }

          @Override
          public ModelIdentity identity() {
            return identity;
          }

          @Override
          public float[][] embed(List<String> texts, TextRole role) {
            EMBEDDED.addAll(texts);
            float[][] out = new float[texts.size()][];
            for (int i = 0; i < out.length; i++) {
              out[i] = new float[] {texts.get(i).length(), 1};
            }
            return out;
          }

          @Override
          public long truncatedTexts() {
            return 0;
          }

          @Override
          public void close() {}
        };
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, DocumentChange, DocumentChange>
      harness(
          ModelIdentity model,
          ModelIdentity expected,
          UnchangedTexts unchanged,
          OperatorSubtaskState restore)
          throws Exception {
    var h =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new MicroBatchEmbedOperator<DocumentChange>(
                model(model), TextRole.DOCUMENT, 100, 10_000, expected, unchanged),
            (DocumentChange c) -> c.id,
            Types.STRING);
    h.setStateBackend(new EmbeddedRocksDBStateBackend());
    if (restore != null) {
      h.initializeState(restore);
    }
    h.open();
    return h;
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, DocumentChange, DocumentChange>
      skipping(OperatorSubtaskState restore) throws Exception {
    return harness(MODEL_A, MODEL_A, UnchangedTexts.SKIPPED, restore);
  }

  private static DocumentChange upsert(String id, String ns, String text, Map<String, String> a) {
    return DocumentChange.upsert(id, ns, text, a, 1L);
  }

  /** Sends the changes, flushes, returns what came out, in order. */
  private static List<DocumentChange> send(
      KeyedOneInputStreamOperatorTestHarness<String, DocumentChange, DocumentChange> h,
      DocumentChange... changes)
      throws Exception {
    int before = h.extractOutputValues().size();
    for (DocumentChange c : changes) {
      h.processElement(c, 0L);
    }
    h.prepareSnapshotPreBarrier(0L);
    List<DocumentChange> all = h.extractOutputValues();
    return all.subList(before, all.size());
  }

  @Test
  void unchangedTextIsNotEmbeddedAgainWhatEverElseChanges() throws Exception {
    EMBEDDED.clear();
    try (var h = skipping(null)) {
      send(h, upsert("a", "n", "alpha", Map.of()), upsert("b", "n", "beta", Map.of()));
      assertThat(EMBEDDED).containsExactly("alpha", "beta");

      List<DocumentChange> out =
          send(
              h,
              upsert("a", "n", "alpha", Map.of()), // re-published as it was
              upsert("b", "n", "beta", Map.of("color", "red")), // attribute-only
              upsert("a", "other", "alpha", Map.of()), // namespace-only
              upsert("b", "n", "beta, edited", Map.of()), // the text changed
              upsert("b", "n", "beta, edited", Map.of("x", "1"))); // and then only attributes
      assertThat(EMBEDDED).containsExactly("alpha", "beta", "beta, edited");
      assertThat(out)
          .extracting(c -> c.id + ":" + c.textUnchanged + ":" + (c.vector != null))
          .containsExactly(
              "a:true:false", "b:true:false", "a:true:false", "b:false:true", "b:true:false");
      // Everything but the vector reaches the index as sent.
      assertThat(out.get(1).attributes).containsEntry("color", "red");
      assertThat(out.get(2).namespace).isEqualTo("other");
      assertThat(out.get(2).text).isEqualTo("alpha");
    }
  }

  @Test
  void aDeleteForgetsTheTextSoAReinsertIsEmbedded() throws Exception {
    EMBEDDED.clear();
    try (var h = skipping(null)) {
      List<DocumentChange> out =
          send(
              h,
              upsert("a", "n", "alpha", Map.of()),
              DocumentChange.delete("a", 2L),
              upsert("a", "n", "alpha", Map.of()),
              DocumentChange.delete("never-there", 3L));
      assertThat(EMBEDDED).containsExactly("alpha", "alpha");
      assertThat(out).extracting(c -> c.textUnchanged).containsOnly(false);
    }
  }

  @Test
  void theMemoryIsCheckpointedAndSurvivesARestore() throws Exception {
    EMBEDDED.clear();
    OperatorSubtaskState snapshot;
    try (var h = skipping(null)) {
      send(h, upsert("a", "n", "alpha", Map.of()), upsert("b", "n", "beta", Map.of()));
      snapshot = h.snapshot(1L, 1L);
    }
    try (var h = skipping(snapshot)) {
      List<DocumentChange> out =
          send(h, upsert("a", "n", "alpha", Map.of()), upsert("b", "n", "beta!", Map.of()));
      assertThat(out).extracting(c -> c.textUnchanged).containsExactly(true, false);
    }
    assertThat(EMBEDDED).containsExactly("alpha", "beta", "beta!");
  }

  @Test
  void anotherModelEmbedsEveryTextAgain() throws Exception {
    EMBEDDED.clear();
    OperatorSubtaskState snapshot;
    try (var h = skipping(null)) {
      send(h, upsert("a", "n", "alpha", Map.of()));
      snapshot = h.snapshot(1L, 1L);
    }
    try (var h = harness(MODEL_B, MODEL_B, UnchangedTexts.SKIPPED, snapshot)) {
      assertThat(send(h, upsert("a", "n", "alpha", Map.of())))
          .extracting(c -> c.textUnchanged)
          .containsExactly(false);
      // ... and remembers it under the new model.
      assertThat(send(h, upsert("a", "n", "alpha", Map.of())))
          .extracting(c -> c.textUnchanged)
          .containsExactly(true);
    }
    assertThat(EMBEDDED).containsExactly("alpha", "alpha");
  }

  @Test
  void switchedOffItEmbedsEverythingButKeepsItsMemoryRight() throws Exception {
    EMBEDDED.clear();
    OperatorSubtaskState snapshot;
    try (var h = skipping(null)) {
      send(h, upsert("a", "n", "alpha", Map.of()), upsert("b", "n", "beta", Map.of()));
      snapshot = h.snapshot(1L, 1L);
    }
    try (var h = harness(MODEL_A, MODEL_A, UnchangedTexts.EMBEDDED_AGAIN, snapshot)) {
      List<DocumentChange> out =
          send(h, upsert("a", "n", "alpha", Map.of()), upsert("b", "n", "beta 2", Map.of()));
      assertThat(out).extracting(c -> c.textUnchanged).containsOnly(false);
      snapshot = h.snapshot(2L, 2L);
    }
    try (var h = skipping(snapshot)) {
      // b's memory follows the text embedded while skipping was off, not the older one.
      List<DocumentChange> out =
          send(h, upsert("b", "n", "beta", Map.of()), upsert("b", "n", "beta", Map.of()));
      assertThat(out).extracting(c -> c.textUnchanged).containsExactly(false, true);
    }
    assertThat(EMBEDDED).containsExactly("alpha", "beta", "alpha", "beta 2", "beta");
  }

  @Test
  void stateWrittenBeforeTextsWereRememberedRestoresAndEmbedsEverything() throws Exception {
    EMBEDDED.clear();
    OperatorSubtaskState v0 =
        OperatorSnapshotUtil.readStateHandle(
            "src/test/resources/fixtures/embed-documents-v0.snapshot");
    try (var h = skipping(v0)) {
      List<DocumentChange> out =
          send(
              h,
              upsert("e1", "a", "first text", Map.of()),
              upsert("e1", "a", "first text", Map.of()));
      assertThat(out).extracting(c -> c.textUnchanged).containsExactly(false, true);
    }
    assertThat(EMBEDDED).containsExactly("first text");
  }

  @Test
  void aTaskManagerWithOtherModelFilesFailsAtOpenNamingBothModels() {
    assertThatThrownBy(() -> harness(MODEL_B, MODEL_A, UnchangedTexts.SKIPPED, null))
        .isInstanceOf(EmbeddingException.class)
        .hasMessageContaining(MODEL_A.fingerprint())
        .hasMessageContaining(MODEL_B.fingerprint())
        .hasMessageContaining("mstream.model");
  }

  @Test
  void keysTellModelsAndTextsApart() {
    long a = MODEL_A.fingerprintBits();
    long b = MODEL_B.fingerprintBits();
    assertThat(MicroBatchEmbedOperator.textKey(a, List.of("x")))
        .isEqualTo(MicroBatchEmbedOperator.textKey(a, List.of("x")))
        .isNotEqualTo(MicroBatchEmbedOperator.textKey(b, List.of("x")))
        .isNotEqualTo(MicroBatchEmbedOperator.textKey(a, List.of("y")))
        .isNotEqualTo(MicroBatchEmbedOperator.textKey(a, List.of("x ")));
  }

  @Test
  void keysTellChunkingsOfOneTextApart() {
    long a = MODEL_A.fingerprintBits();
    assertThat(MicroBatchEmbedOperator.textKey(a, List.of("ab", "c")))
        .isNotEqualTo(MicroBatchEmbedOperator.textKey(a, List.of("a", "bc")))
        .isNotEqualTo(MicroBatchEmbedOperator.textKey(a, List.of("abc")))
        .isNotEqualTo(MicroBatchEmbedOperator.textKey(a, List.of("ab", "c", "")));
  }
}
