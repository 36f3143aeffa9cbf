package dev.mstream.embed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mstream.records.DocumentChange;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class MicroBatchEmbedOperatorTest {

  /** Batch sizes seen by the fake model, across all instances (tests run sequentially). */
  static final List<Integer> BATCHES = new ArrayList<>();

  static final AtomicBoolean CLOSED = new AtomicBoolean();

  /** Embeds a text as [length, 1]: deterministic, and tells texts apart. */
  static final class FakeModel implements EmbeddingModel {
    @Override
    public ModelProfile profile() {
      return ModelProfiles.defaultProfile();
    }

    @Override
    public float[][] embed(List<String> texts, TextRole role) {
      BATCHES.add(texts.size());
      float[][] out = new float[texts.size()][];
      for (int i = 0; i < texts.size(); i++) {
        out[i] = new float[] {texts.get(i).length(), 1};
      }
      return out;
    }

    @Override
    public long truncatedTexts() {
      return 0;
    }

    @Override
    public void close() {
      CLOSED.set(true);
    }
  }

  private static OneInputStreamOperatorTestHarness<DocumentChange, DocumentChange> harness(
      int batch, long delay) throws Exception {
    BATCHES.clear();
    CLOSED.set(false);
    var h =
        new OneInputStreamOperatorTestHarness<>(
            new MicroBatchEmbedOperator<DocumentChange>(
                FakeModel::new, TextRole.DOCUMENT, batch, delay));
    h.open();
    return h;
  }

  @Test
  void flushesFullBatchesInOrderAndPassesDeletesThrough() throws Exception {
    try (var h = harness(3, 10_000)) {
      h.processElement(DocumentChange.upsert("a", "n", "x", Map.of(), 1), 1);
      h.processElement(DocumentChange.delete("a", 2), 2);
      assertThat(h.extractOutputValues()).isEmpty();
      h.processElement(DocumentChange.upsert("b", "n", "yyy", Map.of(), 3), 3);

      List<DocumentChange> out = h.extractOutputValues();
      assertThat(out)
          .extracting(c -> c.id + ":" + c.kind)
          .containsExactly("a:UPSERT", "a:DELETE", "b:UPSERT");
      assertThat(out.get(0).vector).containsExactly(1, 1);
      assertThat(out.get(1).vector).isNull();
      assertThat(out.get(2).vector).containsExactly(3, 1);
      assertThat(h.extractOutputStreamRecords())
          .extracting(r -> r.getTimestamp())
          .containsExactly(1L, 2L, 3L);
      assertThat(BATCHES).containsExactly(2);
    }
    assertThat(CLOSED).isTrue();
  }

  @Test
  void flushesWhenTheOldestRecordHasWaitedMaxDelay() throws Exception {
    try (var h = harness(100, 50)) {
      h.setProcessingTime(0);
      h.processElement(DocumentChange.upsert("a", "n", "x", Map.of(), 1), 1);
      h.setProcessingTime(49);
      assertThat(h.extractOutputValues()).isEmpty();
      h.setProcessingTime(50);
      assertThat(h.extractOutputValues()).hasSize(1);
    }
  }

  @Test
  void nothingIsHeldAcrossACheckpoint() throws Exception {
    try (var h = harness(100, 10_000)) {
      h.processElement(DocumentChange.upsert("a", "n", "x", Map.of(), 1), 1);
      h.processElement(DocumentChange.upsert("b", "n", "xy", Map.of(), 1), 1);
      h.prepareSnapshotPreBarrier(1);
      assertThat(h.extractOutputValues()).hasSize(2);
      h.snapshot(1, 1);
    }
  }

  @Test
  void watermarkFlushesFirst() throws Exception {
    try (var h = harness(100, 10_000)) {
      h.processElement(DocumentChange.upsert("a", "n", "x", Map.of(), 1), 1);
      h.processWatermark(5);
      assertThat(h.getOutput()).hasSize(2);
      assertThat(h.getOutput().peek().toString()).contains("DocumentChange");
    }
  }
}
