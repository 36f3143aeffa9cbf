package dev.mstream.index;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mstream.records.DocumentChange;
import dev.mstream.records.PartialResult;
import dev.mstream.records.ScoredHit;
import dev.mstream.records.SearchRequest;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The index operator on the real RocksDB backend: apply changes, answer, snapshot, restore. Run
 * twice: in the exact warm-up phase and through the funnel (projection fitted after a handful of
 * documents, shortlists large enough to cover the namespace, so answers must be exact too).
 */
abstract class VectorIndexOperatorTest {

  abstract IndexSettings settings();

  static final int DIM = 4;

  private KeyedTwoInputStreamOperatorTestHarness<
          String, DocumentChange, SearchRequest, PartialResult>
      harness;
  private int queryCounter;

  @BeforeEach
  void setUp() throws Exception {
    harness = open(null);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  private KeyedTwoInputStreamOperatorTestHarness<
          String, DocumentChange, SearchRequest, PartialResult>
      open(OperatorSubtaskState restoreFrom) throws Exception {
    return IndexHarness.open(
        new VectorIndexOperator(settings(), IndexFitter.of(settings()), true), restoreFrom);
  }

  @Test
  void answersExactTopKWithinNamespaceAndFilter() throws Exception {
    upsert("d1", "a", Map.of("lang", "en"), 1, 0, 0, 0);
    upsert("d2", "a", Map.of("lang", "de"), 0.8f, 0.6f, 0, 0);
    upsert("d3", "a", Map.of("lang", "en"), 0, 1, 0, 0);
    upsert("other", "b", Map.of("lang", "en"), 1, 0, 0, 0);

    assertThat(ids(query("a", Map.of(), 3, 1, 0, 0, 0))).containsExactly("d1", "d2", "d3");
    assertThat(ids(query("a", Map.of("lang", "en"), 3, 1, 0, 0, 0))).containsExactly("d1", "d3");
    assertThat(ids(query("b", Map.of(), 3, 1, 0, 0, 0))).containsExactly("other");
    assertThat(ids(query("nobody", Map.of(), 3, 1, 0, 0, 0))).isEmpty();

    PartialResult p = query("a", Map.of(), 1, 1, 0, 0, 0);
    assertThat(p.hits).hasSize(1);
    assertThat(p.hits.get(0).score).isEqualTo(1.0f);
    assertThat(p.indexSize).isEqualTo(3);
    assertThat(p.candidatesScanned).isEqualTo(3);
    assertThat(p.subtasks).isEqualTo(1);
  }

  @Test
  void aPartialAnswerCarriesTheQueryTimingsWithItsQueueScanAndRerank() throws Exception {
    for (int i = 0; i < 40; i++) {
      upsert("d" + i, "a", Map.of(), (float) Math.cos(i), (float) Math.sin(i), 0, 0);
    }
    SearchRequest q = request("a", Map.of(), 5, 1, 0, 0, 0);
    q.timings.sourceMillis = 1.5;
    q.timings.embedded(0.75);
    q.timings.embeddedAtMicros -= 5_000; // left the embed operator 5 ms ago
    harness.processElement2(q, 0L);
    List<PartialResult> out = harness.extractOutputValues();
    PartialResult p = out.get(out.size() - 1);

    assertThat(p.timings).isNotSameAs(q.timings);
    assertThat(p.timings.sourceMillis).isEqualTo(1.5);
    assertThat(p.timings.batchWaitMillis).isEqualTo(0.75);
    assertThat(p.timings.queueMillis).isGreaterThanOrEqualTo(5.0);
    assertThat(p.timings.answeredAtMicros).isGreaterThan(q.timings.embeddedAtMicros);
    assertThat(p.timings.scanMillis).isGreaterThan(0.0);
    assertThat(p.timings.scanMillis + p.timings.rerankMillis).isLessThanOrEqualTo(p.searchMillis);
  }

  @Test
  void updatesReplaceAndDeletesRemove() throws Exception {
    upsert("d1", "a", Map.of(), 1, 0, 0, 0);
    upsert("d2", "a", Map.of(), 0, 1, 0, 0);
    upsert("d1", "a", Map.of("v", "2"), 0, 0, 1, 0);

    PartialResult p = query("a", Map.of(), 5, 0, 0, 1, 0);
    assertThat(ids(p)).containsExactly("d1", "d2");
    assertThat(p.hits.get(0).attributes).containsEntry("v", "2");
    assertThat(p.hits.get(0).score).isEqualTo(1.0f);

    delete("d1");
    delete("never-existed");
    assertThat(ids(query("a", Map.of(), 5, 0, 0, 1, 0))).containsExactly("d2");
    assertThat(((VectorIndexOperator) harness.getOperator()).storedDocuments()).isEqualTo(1);
  }

  @Test
  void updateMovesDocumentBetweenNamespaces() throws Exception {
    upsert("d1", "a", Map.of(), 1, 0, 0, 0);
    upsert("d1", "b", Map.of(), 1, 0, 0, 0);
    assertThat(ids(query("a", Map.of(), 5, 1, 0, 0, 0))).isEmpty();
    assertThat(ids(query("b", Map.of(), 5, 1, 0, 0, 0))).containsExactly("d1");
  }

  @Test
  void restoreGivesTheSameAnswers() throws Exception {
    for (int i = 0; i < 50; i++) {
      float a = (float) Math.cos(i * 0.1);
      float b = (float) Math.sin(i * 0.1);
      upsert("d" + i, i % 2 == 0 ? "even" : "odd", Map.of("i", "" + i), a, b, 0, 0);
    }
    for (int i = 0; i < 50; i += 5) {
      delete("d" + i);
    }
    upsert("d7", "even", Map.of("moved", "yes"), 0, 0, 0, 1);

    List<List<ScoredHit>> before = answers();
    OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
    harness.close();

    harness = open(snapshot);
    List<List<ScoredHit>> after = answers();
    assertThat(after).isEqualTo(before);
    VectorIndexOperator restored = (VectorIndexOperator) harness.getOperator();
    assertThat(restored.arenaSize()).isEqualTo(40);
    assertThat(restored.storedDocuments()).isEqualTo(40);
    assertThat(restored.hasProjection()).isEqualTo(settings().fitSample() < 40);
    if (restored.hasProjection()) {
      assertThat(restored.arena().contains("d5")).isFalse();
      assertThat(restored.arena().contains("d7")).isTrue();
    }

    // The restored index keeps applying changes.
    delete("d1");
    upsert("d50", "odd", Map.of(), 1, 0, 0, 0);
    assertThat(ids(query("odd", Map.of(), 100, 1, 0, 0, 0))).doesNotContain("d1").contains("d50");
  }

  private List<List<ScoredHit>> answers() throws Exception {
    return List.of(
        query("even", Map.of(), 10, 1, 0, 0, 0).hits,
        query("odd", Map.of(), 10, 0, 1, 0, 0).hits,
        query("even", Map.of(), 10, 0, 0, 0, 1).hits,
        query("odd", Map.of("i", "9"), 10, 1, 1, 0, 0).hits);
  }

  private void upsert(String id, String ns, Map<String, String> attrs, float... v)
      throws Exception {
    DocumentChange c = DocumentChange.upsert(id, ns, "text of " + id, attrs, 1L);
    c.vector = normalise(v);
    harness.processElement1(c, 0L);
  }

  private void delete(String id) throws Exception {
    harness.processElement1(DocumentChange.delete(id, 1L), 0L);
  }

  private PartialResult query(String ns, Map<String, String> filter, int k, float... v)
      throws Exception {
    SearchRequest q = request(ns, filter, k, v);
    int before = harness.getOutput().size();
    harness.processElement2(q, 0L);
    List<PartialResult> out = harness.extractOutputValues();
    assertThat(out).hasSize(before + 1);
    return out.get(out.size() - 1);
  }

  private SearchRequest request(String ns, Map<String, String> filter, int k, float... v) {
    SearchRequest q = new SearchRequest();
    q.queryId = "q" + queryCounter++;
    q.namespace = ns;
    q.k = k;
    q.filter = filter;
    q.text = "query";
    q.vector = normalise(v);
    return q;
  }

  private static List<String> ids(PartialResult p) {
    return p.hits.stream().map(h -> h.docId).toList();
  }

  private static float[] normalise(float[] v) {
    double n = 0;
    for (float f : v) {
      n += f * f;
    }
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) (v[i] / Math.sqrt(n));
    }
    return out;
  }
}
