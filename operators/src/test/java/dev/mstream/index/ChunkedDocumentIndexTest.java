package dev.mstream.index;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mstream.records.ChunkAggregation;
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
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Documents of several chunks in the index operator, on RocksDB: all chunks of a document are
 * replaced and removed together, survive a restore with their document, and queries answer with
 * documents — each once, with the chunk that matched and where it lies. Run in the exact warm-up
 * and through the funnel (projection fitted after four vectors, shortlists covering the namespace).
 */
class ChunkedDocumentIndexTest {

  static final int DIM = 8;

  @Nested
  class Warmup extends Cases {
    @Override
    IndexSettings settings() {
      return flat().fitSample(10_000).build();
    }
  }

  @Nested
  class Funnel extends Cases {
    @Override
    IndexSettings settings() {
      return flat().fitSample(4).build();
    }
  }

  /**
   * The inverted file: every chunk an entry of its own list, two lists, every namespace split into
   * lists (no exact scan of small ones), probes covering every list so that answers are exact.
   */
  @Nested
  class InvertedFile extends Cases {
    @Override
    IndexSettings settings() {
      return IndexSettings.builder("m", DIM)
          .prefixDims(4)
          .encoding(PrefixEncoding.INT8)
          .fitSample(4)
          .defaultDims(4)
          .minDims(2)
          .defaultCandidates(100)
          .defaultProbes(1000)
          .centroidDims(2)
          .lists(2)
          .exactBelow(0)
          .refitGrowth(0)
          .refitDrift(0)
          .targetRecall(0)
          .recallSampleRate(0)
          .build();
    }
  }

  /** The settings the tests had before the inverted file: the flat arena, INT8 codes. */
  static IndexSettings.Builder flat() {
    return IndexSettings.builder("m", DIM)
        .layout(IndexLayout.FLAT)
        .prefixDims(4)
        .encoding(PrefixEncoding.INT8)
        .rotate(true)
        .defaultDims(4)
        .defaultCandidates(100)
        .minDims(2)
        .adaptiveLatencyMillis(0)
        .rerank(true)
        .targetRecall(0)
        .recallSampleRate(0);
  }

  abstract static class Cases {

    abstract IndexSettings settings();

    private KeyedTwoInputStreamOperatorTestHarness<
            String, DocumentChange, SearchRequest, PartialResult>
        harness;

    private int queries;

    @BeforeEach
    void setUp() throws Exception {
      harness = open(null, 1000);
    }

    @AfterEach
    void tearDown() throws Exception {
      try {
        // Every chunk of every stored document in the index (its own list, for the inverted
        // file) with its stored code, nothing else, the per-namespace counts right.
        assertThat(operator().inconsistencies()).isEmpty();
      } finally {
        harness.close();
      }
    }

    @Test
    void anUpdateFromSevenChunksToTwoLeavesExactlyTwo() throws Exception {
      upsert("long", "a", sevenChunks(), e(0), e(1), e(2), e(3), e(4), e(5), e(6));
      upsert("short", "a", null, e(7));
      assertThat(operator().arenaSize()).isEqualTo(8);
      ScoredHit hit = query("a", 5, e(5)).hits.get(0);
      assertThat(hit.docId).isEqualTo("long");
      assertThat(hit.chunk).isEqualTo(5);
      assertThat(hit.chunkCount).isEqualTo(7);
      assertThat(hit.score).isEqualTo(1f);
      assertThat(new int[] {hit.chunkStart, hit.chunkEnd}).containsExactly(50, 61);

      upsert("long", "a", new int[] {0, 10, 8, 20}, e(1), e(2));
      assertThat(operator().arenaSize()).isEqualTo(3);
      assertThat(operator().inconsistencies()).isEmpty();
      assertThat(operator().storedDocuments()).isEqualTo(2);
      PartialResult p = query("a", 5, e(5));
      assertThat(p.indexSize).isEqualTo(2);
      assertThat(p.hits).extracting(h -> h.docId).containsExactlyInAnyOrder("long", "short");
      assertThat(p.hits).allSatisfy(h -> assertThat(h.score).isLessThan(0.5f));
      ScoredHit now = query("a", 5, e(2)).hits.get(0);
      assertThat(now.docId).isEqualTo("long");
      assertThat(now.chunk).isEqualTo(1);
      assertThat(now.chunkCount).isEqualTo(2);
      assertThat(new int[] {now.chunkStart, now.chunkEnd}).containsExactly(8, 20);
    }

    @Test
    void aDeleteRemovesEveryChunk() throws Exception {
      upsert("long", "a", sevenChunks(), e(0), e(1), e(2), e(3), e(4), e(5), e(6));
      upsert("other", "b", null, e(0));
      delete("long");
      assertThat(operator().arenaSize()).isEqualTo(1);
      assertThat(operator().inconsistencies()).isEmpty();
      assertThat(operator().storedDocuments()).isEqualTo(1);
      for (int i = 0; i < 7; i++) {
        assertThat(query("a", 10, e(i)).hits).isEmpty();
      }
      upsert("long", "a", null, e(3)); // re-inserted as one chunk
      assertThat(operator().arenaSize()).isEqualTo(2);
      assertThat(query("a", 10, e(3)).hits).extracting(h -> h.chunkCount).containsExactly(1);
    }

    @Test
    void aQueryNeverReturnsTheSameDocumentTwice() throws Exception {
      // Every chunk of "many" resembles the query; k is larger than the index.
      float[][] similar = new float[6][];
      for (int i = 0; i < similar.length; i++) {
        similar[i] = mix(e(0), e(1 + i % 6), 0.9f - 0.05f * i);
      }
      upsert("many", "a", ranges(6), similar);
      upsert("x", "a", null, mix(e(0), e(7), 0.5f));
      upsert("y", "a", ranges(2), e(6), mix(e(0), e(7), 0.3f));
      PartialResult p = query("a", 10, e(0));
      assertThat(p.hits).extracting(h -> h.docId).containsExactly("many", "x", "y");
      assertThat(p.hits.get(0).chunk).isZero(); // the most similar of its chunks
      assertThat(p.indexSize).isEqualTo(3);
      assertThat(query("a", 1, e(0)).hits).extracting(h -> h.docId).containsExactly("many");
    }

    @Test
    void sumOfTheBestChunksFavoursDocumentsThatMatchInSeveralPlaces() throws Exception {
      upsert("one-place", "a", ranges(2), mix(e(0), e(1), 0.95f), e(7));
      upsert(
          "three-places",
          "a",
          ranges(3),
          mix(e(0), e(2), 0.8f),
          mix(e(0), e(3), 0.8f),
          mix(e(0), e(4), 0.8f));
      assertThat(query("a", 2, e(0)).hits)
          .extracting(h -> h.docId)
          .containsExactly("one-place", "three-places");
      PartialResult sum = query("a", 2, ChunkAggregation.SUM, 3, e(0));
      assertThat(sum.hits).extracting(h -> h.docId).containsExactly("three-places", "one-place");
      assertThat(sum.hits.get(0).score)
          .isCloseTo(3 * 0.8f, org.assertj.core.data.Offset.offset(1e-5f));
    }

    @Test
    void restoreKeepsChunksWithTheirDocument() throws Exception {
      for (int d = 0; d < 12; d++) {
        int n = 1 + d % 4;
        float[][] v = new float[n][];
        for (int i = 0; i < n; i++) {
          v[i] = mix(e(d % DIM), e((d + i + 1) % DIM), 0.6f + 0.1f * i);
        }
        upsert("d" + d, d % 2 == 0 ? "even" : "odd", n == 1 ? null : ranges(n), v);
      }
      delete("d5");
      upsert("d6", "even", ranges(2), e(1), e(2)); // shrinks from 3 chunks
      List<List<ScoredHit>> before = answers();
      int entries = operator().arenaSize();
      OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
      harness.close();

      harness = open(snapshot, 1000);
      assertThat(operator().arenaSize()).isEqualTo(entries);
      assertThat(answers()).isEqualTo(before);
      // The restored index keeps replacing all chunks of a document.
      upsert("d7", "odd", null, e(5));
      assertThat(operator().arenaSize()).isEqualTo(entries - 3);
    }

    @Test
    void hitsCarryTheMatchingPassageWhenTextsAreKept() throws Exception {
      harness.close();
      harness = open(null, 64);
      // Offsets are code points: 😀 is one code point but two Java chars.
      String body = "😀 first part. Second 😀 part! third";
      upsert("doc", "a", body, new int[] {0, 13, 14, 28, 29, 34}, e(0), e(1), e(2));
      ScoredHit hit = query("a", 1, e(1)).hits.get(0);
      assertThat(hit.chunk).isEqualTo(1);
      assertThat(hit.passage).isEqualTo("Second 😀 part!");
      assertThat(query("a", 1, e(2)).hits.get(0).passage).isEqualTo("third");
      assertThat(query("a", 1, e(0)).hits.get(0).passage).isEqualTo("😀 first part.");

      upsert("big", "a", "x".repeat(65), new int[] {0, 30, 30, 65}, e(3), e(4));
      ScoredHit big = query("a", 1, e(4)).hits.get(0);
      assertThat(big.docId).isEqualTo("big");
      assertThat(big.passage).isNull(); // above the 64 bytes kept
      assertThat(new int[] {big.chunkStart, big.chunkEnd}).containsExactly(30, 65);
    }

    private List<List<ScoredHit>> answers() throws Exception {
      return List.of(
          query("even", 10, e(0)).hits,
          query("odd", 10, e(1)).hits,
          query("even", 3, e(2)).hits,
          query("odd", 10, ChunkAggregation.SUM, 2, e(3)).hits);
    }

    // ----------------------------------------------------------------------------------------

    private KeyedTwoInputStreamOperatorTestHarness<
            String, DocumentChange, SearchRequest, PartialResult>
        open(OperatorSubtaskState restoreFrom, int keptTextBytes) throws Exception {
      return IndexHarness.open(
          new VectorIndexOperator(
              settings(), keptTextBytes, IndexFitter.of(settings()), true, IndexFaultHook.NONE),
          restoreFrom);
    }

    private VectorIndexOperator operator() {
      return (VectorIndexOperator) harness.getOperator();
    }

    /** Ranges of 7 chunks of 11 code points, each overlapping the one before by 1. */
    private static int[] sevenChunks() {
      return ranges(7);
    }

    private static int[] ranges(int n) {
      int[] r = new int[2 * n];
      for (int i = 0; i < n; i++) {
        r[2 * i] = 10 * i;
        r[2 * i + 1] = 10 * i + 11;
      }
      return r;
    }

    private void upsert(String id, String ns, int[] ranges, float[]... vectors) throws Exception {
      upsert(id, ns, "t".repeat(ranges == null ? 5 : ranges[ranges.length - 1]), ranges, vectors);
    }

    private void upsert(String id, String ns, String body, int[] ranges, float[]... vectors)
        throws Exception {
      DocumentChange c = DocumentChange.upsert(id, ns, null, body, Map.of("ns", ns), 1L);
      c.chunks = ranges;
      c.attachVectors(vectors, 0);
      harness.processElement1(c, 0L);
    }

    private void delete(String id) throws Exception {
      harness.processElement1(DocumentChange.delete(id, 1L), 0L);
    }

    private PartialResult query(String ns, int k, float[] v) throws Exception {
      return query(ns, k, ChunkAggregation.MAX, 1, v);
    }

    private PartialResult query(String ns, int k, ChunkAggregation agg, int topM, float[] v)
        throws Exception {
      SearchRequest q = new SearchRequest();
      q.queryId = "q" + queries++;
      q.namespace = ns;
      q.k = k;
      q.text = "query";
      q.aggregation = agg;
      q.chunkTopM = topM;
      q.vector = v;
      harness.processElement2(q, 0L);
      List<PartialResult> out = harness.extractOutputValues();
      PartialResult p = out.get(out.size() - 1);
      assertThat(p.queryId).isEqualTo(q.queryId);
      assertThat(p.hits.stream().map(h -> h.docId).distinct().count())
          .as("documents answered once")
          .isEqualTo(p.hits.size());
      return p;
    }
  }

  static float[] e(int i) {
    float[] v = new float[DIM];
    v[i] = 1;
    return v;
  }

  /** cos·a + sin·b for orthonormal a, b: cosine {@code cos} with a. */
  static float[] mix(float[] a, float[] b, float cos) {
    float sin = (float) Math.sqrt(1 - cos * cos);
    float[] v = new float[DIM];
    for (int i = 0; i < DIM; i++) {
      v[i] = cos * a[i] + sin * b[i];
    }
    return v;
  }
}
