package dev.mstream.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.mstream.records.DocumentChange;
import dev.mstream.records.QueryTimings;
import dev.mstream.records.SearchRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
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
  void queriesThatBringTheirOwnVectorAreNotEmbedded() throws Exception {
    BATCHES.clear();
    try (var h =
        new OneInputStreamOperatorTestHarness<>(
            new MicroBatchEmbedOperator<SearchRequest>(
                FakeModel::new, TextRole.QUERY, 2, 10_000))) {
      h.open();
      SearchRequest own = new SearchRequest();
      own.queryId = "own";
      own.text = "ignored";
      own.vector = new float[] {0.6f, 0.8f};
      SearchRequest text = new SearchRequest();
      text.queryId = "text";
      text.text = "four";
      h.processElement(own, 1);
      h.processElement(text, 2);

      List<SearchRequest> out = h.extractOutputValues();
      assertThat(out).extracting(r -> r.queryId).containsExactly("own", "text");
      assertThat(out.get(0).vector).containsExactly(0.6f, 0.8f);
      assertThat(out.get(0).embedMillis).isZero();
      assertThat(out.get(1).vector).containsExactly(4, 1);
      assertThat(BATCHES).containsExactly(1);
    }
  }

  @Test
  void aChunkedDocumentGetsOneVectorPerChunkAndItsChunksCountTowardsTheBatch() throws Exception {
    try (var h = harness(5, 10_000)) {
      h.processElement(DocumentChange.upsert("a", "n", "x", Map.of(), 1), 1);
      DocumentChange chunked = DocumentChange.upsert("b", "n", "T", "aaa bb c", Map.of(), 2);
      chunked.chunks = new int[] {0, 3, 4, 6, 7, 8};
      chunked.chunkHead = "T ";
      h.processElement(chunked, 2);
      assertThat(h.extractOutputValues()).isEmpty(); // two records, four texts
      h.processElement(DocumentChange.upsert("c", "n", "zz", Map.of(), 3), 3);

      List<DocumentChange> out = h.extractOutputValues();
      assertThat(out).extracting(c -> c.id).containsExactly("a", "b", "c");
      assertThat(out.get(1).chunkVectors()).isDeepEqualTo(new float[][] {{5, 1}, {4, 1}, {3, 1}});
      assertThat(out.get(1).vector).containsExactly(5, 1);
      assertThat(out.get(2).chunkVectors()).isDeepEqualTo(new float[][] {{2, 1}});
      assertThat(BATCHES).containsExactly(5);
    }
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
  void aQueryLeavesWithItsBatchWaitAndTheTimeItWasEmbedded() throws Exception {
    var h =
        new OneInputStreamOperatorTestHarness<>(
            new MicroBatchEmbedOperator<SearchRequest>(FakeModel::new, TextRole.QUERY, 2, 10_000));
    h.open();
    try (h) {
      SearchRequest first = new SearchRequest();
      first.text = "first";
      SearchRequest second = new SearchRequest();
      second.text = "second";
      long before = QueryTimings.nowMicros();
      h.processElement(first, 1);
      Thread.sleep(5);
      h.processElement(second, 1); // fills the batch: both are embedded now

      List<SearchRequest> out = h.extractOutputValues();
      assertThat(out).hasSize(2);
      assertThat(out.get(0).timings.batchWaitMillis).isGreaterThanOrEqualTo(5.0);
      assertThat(out.get(1).timings.batchWaitMillis).isLessThan(out.get(0).timings.batchWaitMillis);
      assertThat(out.get(0).timings.embeddedAtMicros).isGreaterThanOrEqualTo(before);
      assertThat(out.get(0).vector).containsExactly(5, 1);
    }
  }

  @Test
  void opensTheModelAtTheConfiguredNiceness() throws Exception {
    assumeThat(com.sun.jna.Platform.isLinux()).as("per-thread nice values are Linux only").isTrue();
    int[] nice = new int[2];
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread task =
        new Thread(
            () -> {
              try {
                nice[0] = niceOfThisThread();
                var h =
                    new OneInputStreamOperatorTestHarness<>(
                        new MicroBatchEmbedOperator<DocumentChange>(
                            FakeModel::new,
                            TextRole.DOCUMENT,
                            10,
                            10,
                            null,
                            MicroBatchEmbedOperator.UnchangedTexts.NOT_TRACKED,
                            2));
                h.open();
                nice[1] = niceOfThisThread();
                h.close();
              } catch (Throwable e) {
                failure.set(e);
              }
            });
    task.start();
    task.join();
    assertThat(failure.get()).isNull();
    assertThat(nice[1]).isEqualTo(Math.min(19, nice[0] + 2));
  }

  private static int niceOfThisThread() throws java.io.IOException {
    String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/thread-self/stat"));
    return Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ")[16]);
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
