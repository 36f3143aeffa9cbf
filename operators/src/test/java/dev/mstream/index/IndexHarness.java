package dev.mstream.index;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mstream.index.vector.VectorUtil;
import dev.mstream.records.DocumentChange;
import dev.mstream.records.PartialResult;
import dev.mstream.records.ScoredHit;
import dev.mstream.records.SearchRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;

/**
 * One index subtask on the real RocksDB backend, with a model of what it was given: upserts,
 * deletes and queries go to both, so a test can compare answers with brute force over the model.
 */
final class IndexHarness implements AutoCloseable {

  final KeyedTwoInputStreamOperatorTestHarness<String, DocumentChange, SearchRequest, PartialResult>
      harness;
  final Map<String, float[]> vectors;

  /** Every chunk of the documents upserted with {@link #upsertChunks}. */
  final Map<String, float[][]> chunked = new HashMap<>();

  private final int maxParallelism;
  private final int parallelism;
  private final int subtask;
  private long now;
  private int queries;

  private IndexHarness(
      KeyedTwoInputStreamOperatorTestHarness<String, DocumentChange, SearchRequest, PartialResult>
          harness,
      Map<String, float[]> vectors,
      int maxParallelism,
      int parallelism,
      int subtask) {
    this.harness = harness;
    this.vectors = vectors;
    this.maxParallelism = maxParallelism;
    this.parallelism = parallelism;
    this.subtask = subtask;
  }

  static IndexHarness open(
      IndexSettings settings,
      IndexFitter fitter,
      boolean inlineFits,
      int maxParallelism,
      int parallelism,
      int subtask,
      OperatorSubtaskState restore,
      Map<String, float[]> model)
      throws Exception {
    var h =
        new KeyedTwoInputStreamOperatorTestHarness<>(
            new VectorIndexOperator(settings, fitter, inlineFits),
            (DocumentChange c) -> c.id,
            (SearchRequest q) -> q.queryId,
            Types.STRING,
            maxParallelism,
            parallelism,
            subtask);
    h.setStateBackend(new EmbeddedRocksDBStateBackend());
    if (restore != null) {
      h.initializeState(restore);
    }
    h.open();
    return new IndexHarness(h, model, maxParallelism, parallelism, subtask);
  }

  VectorIndexOperator operator() {
    return (VectorIndexOperator) harness.getOperator();
  }

  void upsert(String id, float[] v) throws Exception {
    DocumentChange c = DocumentChange.upsert(id, "ns", "t", Map.of(), 1);
    c.vector = v;
    harness.processElement1(c, 0);
    vectors.put(id, v);
    chunked.put(id, new float[][] {v});
  }

  void delete(String id) throws Exception {
    harness.processElement1(DocumentChange.delete(id, 1), 0);
    vectors.remove(id);
    chunked.remove(id);
  }

  /**
   * A document of {@code chunks.length} chunks (chunk {@code i} covers characters {@code
   * 10i..10i+11} of its body); the model keeps every chunk, {@link #exactDocuments} ranks by the
   * best one.
   */
  void upsertChunks(String id, float[]... chunks) throws Exception {
    int[] ranges = new int[2 * chunks.length];
    for (int i = 0; i < chunks.length; i++) {
      ranges[2 * i] = 10 * i;
      ranges[2 * i + 1] = 10 * i + 11;
    }
    DocumentChange c =
        DocumentChange.upsert(id, "ns", null, "t".repeat(ranges[ranges.length - 1]), Map.of(), 1);
    if (chunks.length > 1) {
      c.chunks = ranges;
    }
    c.attachVectors(chunks, 0);
    harness.processElement1(c, 0);
    vectors.put(id, chunks[0]);
    chunked.put(id, chunks.clone());
  }

  /** Chunks of all live documents upserted with {@link #upsertChunks}. */
  long chunks() {
    return chunked.values().stream().mapToLong(c -> c.length).sum();
  }

  /** The exact top-k documents of the chunked model, by their best chunk (ties by id). */
  List<String> exactDocuments(float[] q, int k) {
    Map<String, float[]> best = new HashMap<>();
    for (Map.Entry<String, float[][]> e : chunked.entrySet()) {
      float[] top = e.getValue()[0];
      for (float[] c : e.getValue()) {
        if (VectorUtil.dot(c, q) > VectorUtil.dot(top, q)) {
          top = c;
        }
      }
      best.put(e.getKey(), top);
    }
    return exact(best, q, k);
  }

  /** Advances processing time by one poll tick: a refit does a slice of its work. */
  void tick() throws Exception {
    now += VectorIndexOperator.POLL_TICK_MILLIS;
    harness.setProcessingTime(now);
  }

  /** A query that asks for its own recall. */
  PartialResult queryMeasured(float[] v, int k) throws Exception {
    return query(v, k, 0, 0, true);
  }

  PartialResult query(float[] v, int k, int probes, int candidates) throws Exception {
    return query(v, k, probes, candidates, false);
  }

  private PartialResult query(float[] v, int k, int probes, int candidates, boolean measure)
      throws Exception {
    SearchRequest q = new SearchRequest();
    q.measureRecall = measure;
    q.queryId = ownedKey(); // the harness sets it as the key: it must be one of this subtask's
    q.namespace = "ns";
    q.k = k;
    q.probes = probes;
    q.candidates = candidates;
    q.text = "q";
    q.vector = v;
    int before = harness.extractOutputValues().size();
    harness.processElement2(q, 0);
    List<PartialResult> out = harness.extractOutputValues();
    assertThat(out).hasSize(before + 1);
    return out.get(out.size() - 1);
  }

  private String ownedKey() {
    while (true) {
      String key = "q" + queries++;
      if (org.apache.flink.runtime.state.KeyGroupRangeAssignment.assignKeyToParallelOperator(
              key, maxParallelism, parallelism)
          == subtask) {
        return key;
      }
    }
  }

  /** The exact top-k of the model (ties by id). */
  static List<String> exact(Map<String, float[]> vectors, float[] q, int k) {
    List<String> ids = new ArrayList<>(vectors.keySet());
    Map<String, Float> score = new HashMap<>();
    for (String id : ids) {
      score.put(id, VectorUtil.dot(vectors.get(id), q));
    }
    ids.sort(
        (a, b) -> {
          int c = Float.compare(score.get(b), score.get(a));
          return c != 0 ? c : a.compareTo(b);
        });
    return ids.subList(0, Math.min(k, ids.size()));
  }

  static List<String> ids(List<ScoredHit> hits) {
    return hits.stream().map(h -> h.docId).toList();
  }

  /**
   * Opens {@code operator} alone in a keyed two-input harness on RocksDB (default parallelism),
   * restored from {@code restoreFrom} when not null, as the operator tests run it.
   */
  static KeyedTwoInputStreamOperatorTestHarness<
          String, DocumentChange, SearchRequest, PartialResult>
      open(VectorIndexOperator operator, OperatorSubtaskState restoreFrom) throws Exception {
    var h =
        new KeyedTwoInputStreamOperatorTestHarness<>(
            operator,
            (DocumentChange c) -> c.id,
            // The query side is broadcast in the job; any key works, the operator ignores it.
            (SearchRequest q) -> q.queryId,
            Types.STRING);
    h.setStateBackend(new EmbeddedRocksDBStateBackend());
    if (restoreFrom != null) {
      h.initializeState(restoreFrom);
    }
    h.open();
    return h;
  }

  @Override
  public void close() throws Exception {
    harness.close();
  }
}
