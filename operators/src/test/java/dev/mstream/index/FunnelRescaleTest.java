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
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The funnel against brute force on correlated vectors, across a rescale: two subtasks fit their
 * own projections, their state is merged into one subtask, which keeps one projection and
 * re-encodes the other subtask's documents from their full vectors.
 */
class FunnelRescaleTest {

  private static final int DIM = 32;
  private static final int MAX_PARALLELISM = 128;
  private static final IndexSettings SETTINGS =
      IndexSettings.builder("m", DIM)
          .prefixDims(16)
          .encoding(PrefixEncoding.INT8)
          .rotate(true)
          .fitSample(50)
          .defaultDims(16)
          .defaultCandidates(40)
          .minDims(8)
          .adaptiveLatencyMillis(0)
          .rerank(true)
          .layout(IndexLayout.FLAT)
          .build();

  @Test
  void funnelMatchesExactSearchBeforeAndAfterRescale() throws Exception {
    Random rnd = new Random(5);
    float[][] pool = TestVectors.correlated(rnd, 2000, DIM);
    int next = 0; // each upsert takes a fresh vector: no exact ties between documents
    Map<String, float[]> truth = new HashMap<>();
    var h0 = open(2, 0, null);
    var h1 = open(2, 1, null);
    for (int i = 0; i < 600; i++) {
      String id = "d" + rnd.nextInt(400);
      var h = owner(id, 2) == 0 ? h0 : h1;
      if (rnd.nextInt(6) == 0) {
        h.processElement1(DocumentChange.delete(id, 1), 0);
        truth.remove(id);
      } else {
        float[] v = pool[next++];
        DocumentChange c = DocumentChange.upsert(id, "ns", "t", Map.of(), 1);
        c.vector = v;
        h.processElement1(c, 0);
        truth.put(id, v);
      }
    }
    assertThat(((VectorIndexOperator) h0.getOperator()).hasProjection()).isTrue();
    assertThat(((VectorIndexOperator) h1.getOperator()).hasProjection()).isTrue();

    List<float[]> queries = new ArrayList<>();
    for (int q = 0; q < 30; q++) {
      queries.add(pool[1000 + q]);
    }
    double recallBefore = 0;
    for (float[] q : queries) {
      List<ScoredHit> merged = new ArrayList<>();
      merged.addAll(query(h0, q, 10, 0).hits);
      merged.addAll(query(h1, q, 10, 0).hits);
      merged.sort(ScoredHit::bestFirst);
      recallBefore += recall(merged.subList(0, Math.min(10, merged.size())), exact(truth, q, 10));
      // A shortlist that covers the namespace makes the funnel exact.
      List<ScoredHit> all = new ArrayList<>(query(h0, q, 10, 1000).hits);
      all.addAll(query(h1, q, 10, 1000).hits);
      all.sort(ScoredHit::bestFirst);
      assertThat(ids(all.subList(0, 10))).containsExactlyElementsOf(exact(truth, q, 10));
    }
    assertThat(recallBefore / queries.size()).isGreaterThan(0.9);

    OperatorSubtaskState s0 = h0.snapshot(1, 1);
    OperatorSubtaskState s1 = h1.snapshot(1, 1);
    h0.close();
    h1.close();
    OperatorSubtaskState merged =
        AbstractStreamOperatorTestHarness.repartitionOperatorState(
            AbstractStreamOperatorTestHarness.repackageState(s0, s1), MAX_PARALLELISM, 2, 1, 0);
    var single = open(1, 0, merged);
    VectorIndexOperator op = (VectorIndexOperator) single.getOperator();
    assertThat(op.hasProjection()).isTrue();
    assertThat(op.arenaSize()).isEqualTo(truth.size());
    assertThat(op.storedDocuments()).isEqualTo(truth.size());
    for (float[] q : queries) {
      PartialResult all = query(single, q, 10, 1000);
      assertThat(ids(all.hits)).containsExactlyElementsOf(exact(truth, q, 10));
      assertThat(all.indexSize).isEqualTo(truth.size());
    }
    // Restored documents keep changing correctly.
    String gone = truth.keySet().iterator().next();
    single.processElement1(DocumentChange.delete(gone, 1), 0);
    truth.remove(gone);
    for (float[] q : queries) {
      assertThat(ids(query(single, q, 10, 1000).hits)).doesNotContain(gone);
    }

    // Changing the prefix refits the projection from the stored full vectors on restore.
    OperatorSubtaskState s2 = single.snapshot(2, 2);
    single.close();
    IndexSettings narrower =
        IndexSettings.builder("m", DIM)
            .prefixDims(8)
            .encoding(PrefixEncoding.INT8)
            .rotate(true)
            .fitSample(50)
            .defaultDims(8)
            .defaultCandidates(40)
            .minDims(4)
            .adaptiveLatencyMillis(0)
            .rerank(true)
            .layout(IndexLayout.FLAT)
            .build();
    var refit = open(narrower, 1, 0, s2);
    VectorIndexOperator refitted = (VectorIndexOperator) refit.getOperator();
    assertThat(refitted.arena().prefixDims()).isEqualTo(8);
    assertThat(refitted.arenaSize()).isEqualTo(truth.size());
    for (float[] q : queries) {
      assertThat(ids(query(refit, q, 10, 1000).hits))
          .containsExactlyElementsOf(exact(truth, q, 10));
    }
    refit.close();
  }

  @Test
  void lowersDimsWhileQueriesQueueUp() throws Exception {
    IndexSettings adaptive =
        IndexSettings.builder("m", DIM)
            .prefixDims(16)
            .encoding(PrefixEncoding.INT8)
            .rotate(true)
            .fitSample(10)
            .defaultDims(16)
            .defaultCandidates(40)
            .minDims(4)
            .adaptiveLatencyMillis(50)
            .rerank(true)
            .layout(IndexLayout.FLAT)
            .build();
    var h = open(adaptive, 1, 0, null);
    float[][] pool = TestVectors.correlated(new Random(8), 20, DIM);
    for (int i = 0; i < 20; i++) {
      DocumentChange c = DocumentChange.upsert("d" + i, "ns", "t", Map.of(), 1);
      c.vector = pool[i];
      h.processElement1(c, 0);
    }
    SearchRequest fresh = request(pool[0], System.currentTimeMillis());
    h.processElement2(fresh, 0);
    assertThat(last(h).dimsUsed).isEqualTo(16);
    for (int i = 0; i < 40; i++) {
      h.processElement2(request(pool[0], System.currentTimeMillis() - 10_000), 0);
    }
    assertThat(last(h).dimsUsed).isEqualTo(4);
    SearchRequest explicit = request(pool[0], System.currentTimeMillis() - 10_000);
    explicit.dims = 16;
    h.processElement2(explicit, 0);
    assertThat(last(h).dimsUsed).isEqualTo(16);
    h.close();
  }

  private static SearchRequest request(float[] v, long eventTime) {
    SearchRequest q = new SearchRequest();
    q.queryId = "q";
    q.namespace = "ns";
    q.k = 5;
    q.vector = v;
    q.eventTime = eventTime;
    return q;
  }

  private static PartialResult last(
      KeyedTwoInputStreamOperatorTestHarness<String, DocumentChange, SearchRequest, PartialResult>
          h) {
    List<PartialResult> out = h.extractOutputValues();
    return out.get(out.size() - 1);
  }

  private static String ownedKey(int parallelism, int subtask) {
    for (int i = 0; ; i++) {
      if (owner("query-key-" + i, parallelism) == subtask) {
        return "query-key-" + i;
      }
    }
  }

  private static int owner(String id, int parallelism) {
    return KeyGroupRangeAssignment.assignKeyToParallelOperator(id, MAX_PARALLELISM, parallelism);
  }

  private static KeyedTwoInputStreamOperatorTestHarness<
          String, DocumentChange, SearchRequest, PartialResult>
      open(int parallelism, int subtask, OperatorSubtaskState restore) throws Exception {
    return open(SETTINGS, parallelism, subtask, restore);
  }

  private static KeyedTwoInputStreamOperatorTestHarness<
          String, DocumentChange, SearchRequest, PartialResult>
      open(IndexSettings settings, int parallelism, int subtask, OperatorSubtaskState restore)
          throws Exception {
    var h =
        new KeyedTwoInputStreamOperatorTestHarness<>(
            new VectorIndexOperator(settings, IndexFitter.of(settings), true),
            (DocumentChange c) -> c.id,
            // In the job the query input is broadcast and has no key; the harness wants one, so
            // give it a key this subtask owns.
            (SearchRequest q) -> ownedKey(parallelism, subtask),
            Types.STRING,
            MAX_PARALLELISM,
            parallelism,
            subtask);
    h.setStateBackend(new EmbeddedRocksDBStateBackend());
    if (restore != null) {
      h.initializeState(restore);
    }
    h.open();
    return h;
  }

  private static PartialResult query(
      KeyedTwoInputStreamOperatorTestHarness<String, DocumentChange, SearchRequest, PartialResult>
          h,
      float[] v,
      int k,
      int candidates)
      throws Exception {
    SearchRequest q = new SearchRequest();
    q.queryId = "q";
    q.namespace = "ns";
    q.k = k;
    q.candidates = candidates;
    q.vector = v;
    h.processElement2(q, 0);
    List<PartialResult> out = h.extractOutputValues();
    return out.get(out.size() - 1);
  }

  private static List<String> exact(Map<String, float[]> truth, float[] q, int k) {
    List<Map.Entry<String, Float>> scored = new ArrayList<>();
    truth.forEach((id, v) -> scored.add(Map.entry(id, VectorUtil.dot(v, q))));
    scored.sort(
        (a, b) -> {
          int c = Float.compare(b.getValue(), a.getValue());
          return c != 0 ? c : a.getKey().compareTo(b.getKey());
        });
    return scored.stream().limit(k).map(Map.Entry::getKey).toList();
  }

  private static double recall(List<ScoredHit> got, List<String> want) {
    return ids(got).stream().filter(want::contains).count() / (double) want.size();
  }

  private static List<String> ids(List<ScoredHit> hits) {
    return hits.stream().map(h -> h.docId).toList();
  }
}
