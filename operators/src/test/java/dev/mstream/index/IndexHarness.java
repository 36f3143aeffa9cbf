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
  }

  void delete(String id) throws Exception {
    harness.processElement1(DocumentChange.delete(id, 1), 0);
    vectors.remove(id);
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

  @Override
  public void close() throws Exception {
    harness.close();
  }
}
