package dev.mstream.index;

import static org.assertj.core.api.Assumptions.assumeThat;

import dev.mstream.embed.EmbeddingModel;
import dev.mstream.embed.EmbeddingModelFactory;
import dev.mstream.embed.MicroBatchEmbedOperator;
import dev.mstream.embed.ModelProfile;
import dev.mstream.embed.TextRole;
import dev.mstream.records.DocumentChange;
import dev.mstream.records.PartialResult;
import dev.mstream.records.SearchRequest;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.api.Test;

/**
 * Operator snapshots kept as test fixtures, so that state written by an earlier build must still
 * restore (the way Flink's own operator migration tests keep theirs). Each fixture is named after
 * the state format it holds:
 *
 * <ul>
 *   <li>{@code v0}: written by the build before model identity and skipping of unchanged texts
 *       (commit c881120): the index operator without its {@code model} operator state, the document
 *       embed operator without keyed state.
 * </ul>
 *
 * The fixtures are regenerated only on purpose, for a new format, never over an old one: {@code mvn
 * -B -o -pl operators -am test -Dtest=StateFixtures -Dsurefire.failIfNoSpecifiedTests=false
 * -Dmstream.fixtures.write=v1}.
 */
public class StateFixtures {

  static final String DIR = "src/test/resources/fixtures/";
  static final int DIM = 4;

  /** The documents every index fixture holds: id, namespace, attributes, vector. */
  static final List<Object[]> DOCUMENTS =
      List.of(
          new Object[] {"d1", "a", Map.of("lang", "en"), new float[] {1, 0, 0, 0}},
          new Object[] {"d2", "a", Map.of("lang", "de"), new float[] {0.8f, 0.6f, 0, 0}},
          new Object[] {"d3", "a", Map.of(), new float[] {0, 1, 0, 0}},
          new Object[] {"d4", "b", Map.of(), new float[] {0, 0, 1, 0}},
          new Object[] {"d5", "b", Map.of(), new float[] {0, 0, 0.6f, 0.8f}},
          new Object[] {"d6", "a", Map.of(), new float[] {0.6f, 0, 0, 0.8f}});

  /** Model id the index fixtures' documents were stored with. */
  static final String FIXTURE_MODEL_ID = "test-model";

  static IndexSettings settings(String modelId) {
    // The flat arena the fixtures were written with (before the inverted file).
    return IndexSettings.builder(modelId, DIM)
        .layout(IndexLayout.FLAT)
        .prefixDims(2)
        .encoding(PrefixEncoding.INT8)
        .rotate(true)
        .fitSample(4)
        .defaultDims(2)
        .defaultCandidates(100)
        .minDims(1)
        .adaptiveLatencyMillis(0)
        .rerank(true)
        .targetRecall(0)
        .recallSampleRate(0)
        .build();
  }

  static String file(String name) {
    return DIR + name + ".snapshot";
  }

  static KeyedTwoInputStreamOperatorTestHarness<
          String, DocumentChange, SearchRequest, PartialResult>
      indexHarness(VectorIndexOperator operator) throws Exception {
    var h =
        new KeyedTwoInputStreamOperatorTestHarness<>(
            operator, (DocumentChange c) -> c.id, (SearchRequest q) -> q.queryId, Types.STRING);
    h.setStateBackend(new EmbeddedRocksDBStateBackend());
    return h;
  }

  static KeyedOneInputStreamOperatorTestHarness<String, DocumentChange, DocumentChange>
      embedHarness(MicroBatchEmbedOperator<DocumentChange> operator) throws Exception {
    var h =
        new KeyedOneInputStreamOperatorTestHarness<>(
            operator, (DocumentChange c) -> c.id, Types.STRING);
    h.setStateBackend(new EmbeddedRocksDBStateBackend());
    return h;
  }

  /** A model that embeds a text as [length, 1, 0, 0] (the embed fixture never looks at vectors). */
  static EmbeddingModelFactory lengthModel() {
    return () ->
        new EmbeddingModel() {
          @Override
          public ModelProfile profile() {
            return ModelProfile.builder("length-4")
                .onnxModel("(none)")
                .tokenizer("(none)")
                .maxTokens(16)
                .dimension(DIM)
                .build();
          }

          @Override
          public float[][] embed(List<String> texts, TextRole role) {
            float[][] out = new float[texts.size()][];
            for (int i = 0; i < out.length; i++) {
              out[i] = new float[] {texts.get(i).length(), 1, 0, 0};
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

  @Test
  void write() throws Exception {
    String version = System.getProperty("mstream.fixtures.write");
    assumeThat(version).as("set -Dmstream.fixtures.write=<format> to write fixtures").isNotNull();
    Files.createDirectories(Path.of(DIR));

    try (var h = indexHarness(new VectorIndexOperator(settings(FIXTURE_MODEL_ID)))) {
      h.open();
      for (Object[] d : DOCUMENTS) {
        @SuppressWarnings("unchecked")
        DocumentChange c =
            DocumentChange.upsert(
                (String) d[0], (String) d[1], "text of " + d[0], (Map<String, String>) d[2], 7L);
        c.vector = (float[]) d[3];
        h.processElement1(c, 0L);
      }
      write(h.snapshot(1L, 1L), "index-" + version);
    }

    try (var h =
        embedHarness(
            new MicroBatchEmbedOperator<>(lengthModel(), TextRole.DOCUMENT, 100, 10_000))) {
      h.open();
      h.processElement(DocumentChange.upsert("e1", "a", "first text", Map.of(), 1L), 0L);
      h.processElement(DocumentChange.upsert("e2", "a", "second", Map.of(), 1L), 0L);
      h.processElement(DocumentChange.delete("e2", 2L), 0L);
      h.prepareSnapshotPreBarrier(1L);
      write(h.snapshot(1L, 1L), "embed-documents-" + version);
    }
  }

  private static void write(OperatorSubtaskState state, String name) throws Exception {
    String path = file(name);
    if (new File(path).exists()) {
      throw new IllegalStateException(path + " exists: fixtures of a format are never rewritten");
    }
    OperatorSnapshotUtil.writeStateHandle(state, path);
  }
}
