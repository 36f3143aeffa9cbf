package dev.mstream.guarantees;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mstream.index.IndexFitter;
import dev.mstream.index.IndexLayout;
import dev.mstream.index.IndexSettings;
import dev.mstream.index.PrefixEncoding;
import dev.mstream.index.VectorIndexOperator;
import dev.mstream.index.vector.VectorUtil;
import dev.mstream.records.DocumentChange;
import dev.mstream.records.PartialResult;
import dev.mstream.records.ScoredHit;
import dev.mstream.records.SearchRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Property: a query only ever sees documents of its own namespace. Twenty namespaces, documents
 * that keep moving between them by updates, deletes and re-inserts, and thousands of queries with
 * random namespaces, filters, k, dims and shortlist sizes, against the real operator on RocksDB —
 * partitioned over 2 subtasks, then restored (with rescaling) on 3, then on 1. Every hit is checked
 * against a model of what each id holds at that moment: same namespace, the filter matches, the
 * attributes are those of the current version; exact queries must equal brute force, and the
 * namespace sizes the index reports must be the model's.
 */
class NamespaceIsolationTest {

  private static final int DIM = 16;
  private static final int MAX_PARALLELISM = 128;
  private static final int NAMESPACES = 20;
  private static final int IDS = 600;
  private static final String[] COLORS = {"red", "green", "blue"};

  // Prefix of 8 of 16 dims, fitted after 40 documents per subtask: queries use the funnel
  // (shortlist on 4 or 8 prefix dims, rerank) and, with dims = 16, exact search.
  private static final IndexSettings SETTINGS =
      IndexSettings.builder("m", DIM)
          .prefixDims(8)
          .encoding(PrefixEncoding.INT8)
          .rotate(true)
          .fitSample(40)
          .defaultDims(8)
          .defaultCandidates(20)
          .minDims(4)
          .adaptiveLatencyMillis(0)
          .rerank(true)
          .layout(IndexLayout.FLAT)
          .build();

  private record Doc(String namespace, Map<String, String> attributes, float[] vector) {}

  private final Random random = new Random(4242);
  private final Map<String, Doc> model = new HashMap<>();
  private final List<Harness> subtasks = new ArrayList<>();
  private int queryCount;
  private int hitsChecked;
  private int exactChecked;

  private interface Harness extends AutoCloseable {
    KeyedTwoInputStreamOperatorTestHarness<String, DocumentChange, SearchRequest, PartialResult>
        h();

    @Override
    default void close() throws Exception {
      h().close();
    }
  }

  @Test
  void noQueryEverSeesAnotherNamespaceAcrossMovesDeletesRestoresAndRescaling() throws Exception {
    open(2, null);
    run(4_000);
    restore(3);
    run(3_000);
    restore(1);
    run(3_000);
    for (Harness h : subtasks) {
      h.close();
    }
    // The property was exercised, not vacuously true.
    assertThat(queryCount).isGreaterThan(2_000);
    assertThat(hitsChecked).isGreaterThan(20_000);
    assertThat(exactChecked).isGreaterThan(200);
  }

  /** {@code ops} random changes, with a random query after every third. */
  private void run(int ops) throws Exception {
    for (int i = 0; i < ops; i++) {
      String id = "doc-" + random.nextInt(IDS);
      Doc current = model.get(id);
      int dice = random.nextInt(100);
      if (dice < 12 && current != null) {
        route(id).h().processElement1(DocumentChange.delete(id, 1L), 0L);
        model.remove(id);
      } else {
        // A new document, or an update that moves it to another namespace half of the time.
        String ns =
            current != null && dice < 55 ? current.namespace() : "ns-" + random.nextInt(NAMESPACES);
        Map<String, String> attrs = new HashMap<>();
        attrs.put("ns", ns); // what the hit reports, to tell versions apart
        attrs.put("color", COLORS[random.nextInt(COLORS.length)]);
        attrs.put("rev", Integer.toString(i));
        float[] v = randomUnitVector();
        DocumentChange c = DocumentChange.upsert(id, ns, "text " + i, attrs, 1L);
        c.vector = v;
        route(id).h().processElement1(c, 0L);
        model.put(id, new Doc(ns, attrs, v));
      }
      if (i % 3 == 0) {
        queryAndCheck();
      }
    }
  }

  private void queryAndCheck() throws Exception {
    SearchRequest q = new SearchRequest();
    q.queryId = "q" + queryCount++;
    // Sometimes a namespace nobody ever wrote to.
    q.namespace = random.nextInt(25) == 0 ? "ns-none" : "ns-" + random.nextInt(NAMESPACES);
    q.filter =
        random.nextBoolean()
            ? new HashMap<>()
            : new HashMap<>(Map.of("color", COLORS[random.nextInt(COLORS.length)]));
    if (random.nextInt(10) == 0) {
      // A filter naming the namespace attribute of ANOTHER namespace must match nothing.
      q.filter.put("ns", "ns-" + random.nextInt(NAMESPACES));
    }
    q.k = 1 + random.nextInt(15);
    int[] dims = {0, 4, 8, DIM};
    q.dims = dims[random.nextInt(dims.length)];
    q.candidates = random.nextBoolean() ? 0 : 1 + random.nextInt(60);
    q.vector = randomUnitVector();
    q.text = "query";

    List<ScoredHit> merged = new ArrayList<>();
    long indexSize = 0;
    for (Harness s : subtasks) {
      var h = s.h();
      int before = h.getOutput().size();
      h.processElement2(q, 0L);
      List<PartialResult> out = h.extractOutputValues();
      assertThat(out).hasSize(before + 1);
      PartialResult p = out.get(out.size() - 1);
      assertThat(p.queryId).isEqualTo(q.queryId);
      merged.addAll(p.hits);
      indexSize += p.indexSize;
    }

    long live = model.values().stream().filter(d -> d.namespace().equals(q.namespace)).count();
    assertThat(indexSize).as("namespace size reported for %s", q.namespace).isEqualTo(live);
    for (ScoredHit hit : merged) {
      Doc doc = model.get(hit.docId);
      assertThat(doc)
          .as("query %s returned %s, which is deleted", q.queryId, hit.docId)
          .isNotNull();
      assertThat(doc.namespace())
          .as("query %s in %s returned %s of another namespace", q.queryId, q.namespace, hit.docId)
          .isEqualTo(q.namespace);
      assertThat(hit.attributes)
          .as("attributes of the current version")
          .isEqualTo(doc.attributes());
      q.filter.forEach((k, v) -> assertThat(hit.attributes).containsEntry(k, v));
      hitsChecked++;
    }
    if (q.dims == DIM) {
      merged.sort(ScoredHit::bestFirst);
      List<String> got = merged.stream().limit(q.k).map(h -> h.docId).toList();
      assertThat(got).as("exact query %s", q.queryId).isEqualTo(bruteForce(q));
      exactChecked++;
    }
  }

  private List<String> bruteForce(SearchRequest q) {
    List<Map.Entry<String, Float>> scored = new ArrayList<>();
    model.forEach(
        (id, d) -> {
          boolean match =
              d.namespace().equals(q.namespace)
                  && q.filter.entrySet().stream()
                      .allMatch(e -> e.getValue().equals(d.attributes().get(e.getKey())));
          if (match) {
            // The operator's own kernel, so that near-ties order the same way.
            scored.add(Map.entry(id, VectorUtil.dot(d.vector(), q.vector)));
          }
        });
    scored.sort(
        (a, b) -> {
          int c = Float.compare(b.getValue(), a.getValue());
          return c != 0 ? c : a.getKey().compareTo(b.getKey());
        });
    return scored.stream().limit(q.k).map(Map.Entry::getKey).toList();
  }

  private Harness route(String id) {
    int p = subtasks.size();
    return subtasks.get(
        KeyGroupRangeAssignment.assignKeyToParallelOperator(id, MAX_PARALLELISM, p));
  }

  /** Snapshots every subtask, closes them, and restores the union at {@code parallelism}. */
  private void restore(int parallelism) throws Exception {
    int old = subtasks.size();
    OperatorSubtaskState[] states = new OperatorSubtaskState[old];
    for (int i = 0; i < old; i++) {
      states[i] = subtasks.get(i).h().snapshot(1L, 1L);
      subtasks.get(i).close();
    }
    subtasks.clear();
    OperatorSubtaskState all = AbstractStreamOperatorTestHarness.repackageState(states);
    open(parallelism, all, old);
  }

  private void open(int parallelism, OperatorSubtaskState restore) throws Exception {
    open(parallelism, restore, parallelism);
  }

  private void open(int parallelism, OperatorSubtaskState restore, int oldParallelism)
      throws Exception {
    for (int i = 0; i < parallelism; i++) {
      final int subtask = i;
      var h =
          new KeyedTwoInputStreamOperatorTestHarness<>(
              new VectorIndexOperator(SETTINGS, IndexFitter.of(SETTINGS), true),
              (DocumentChange c) -> c.id,
              // The query input is broadcast in the job; the harness wants a key it owns.
              (SearchRequest q) -> ownedKey(parallelism, subtask),
              Types.STRING,
              MAX_PARALLELISM,
              parallelism,
              subtask);
      h.setStateBackend(new EmbeddedRocksDBStateBackend());
      if (restore != null) {
        h.initializeState(
            AbstractStreamOperatorTestHarness.repartitionOperatorState(
                restore, MAX_PARALLELISM, oldParallelism, parallelism, subtask));
      }
      h.open();
      subtasks.add(() -> h);
    }
  }

  private static String ownedKey(int parallelism, int subtask) {
    for (int i = 0; ; i++) {
      String key = "query-key-" + i;
      if (KeyGroupRangeAssignment.assignKeyToParallelOperator(key, MAX_PARALLELISM, parallelism)
          == subtask) {
        return key;
      }
    }
  }

  private float[] randomUnitVector() {
    float[] v = new float[DIM];
    double norm = 0;
    for (int i = 0; i < DIM; i++) {
      v[i] = (float) random.nextGaussian();
      norm += v[i] * v[i];
    }
    float inv = (float) (1 / Math.sqrt(norm));
    for (int i = 0; i < DIM; i++) {
      v[i] *= inv;
    }
    return v;
  }
}
