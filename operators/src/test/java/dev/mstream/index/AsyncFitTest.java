package dev.mstream.index;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mstream.records.PartialResult;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fits run on the operator's fit executor: with a fit that does not finish until the test lets it,
 * the subtask keeps taking documents and answering queries (exactly, from the warm-up; then with
 * the previous fit during a refit), and the fit is swapped in at a record boundary once done. A
 * refit racing with upserts, updates and deletes ends with exactly the live documents, each in the
 * list of its nearest centroid under the new fit, its prefix entry rewritten.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class AsyncFitTest {

  private static final int DIM = 32;

  /** Latches by name: the fitter is serializable, latches are not. */
  static final Map<String, CountDownLatch> GATES = new ConcurrentHashMap<>();

  /** The product's fitter, held until its gate opens. */
  record GatedFitter(IndexFitter inner, String gate) implements IndexFitter {
    @Override
    public IndexFit fit(float[][] sample, long documents) {
      try {
        if (!GATES.get(gate).await(2, TimeUnit.MINUTES)) {
          throw new IllegalStateException("gate " + gate + " never opened");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      return inner.fit(sample, documents);
    }
  }

  private static IndexSettings settings(double growth) {
    return IndexSettings.builder("m", DIM)
        .prefixDims(16)
        .fitSample(50)
        .defaultDims(16)
        .defaultCandidates(1000)
        .defaultProbes(1000)
        .lists(6)
        .exactBelow(0)
        .refitGrowth(growth)
        .refitDrift(0)
        .targetRecall(0)
        .recallSampleRate(0)
        .build();
  }

  @Test
  void queriesAreAnsweredWhileTheFirstFitIsHeldAndItIsSwappedInAtARecordBoundary()
      throws Exception {
    GATES.put("first", new CountDownLatch(1));
    IndexSettings s = settings(0);
    Random rnd = new Random(1);
    float[][] pool = TestVectors.correlated(rnd, 2000, DIM);
    try (IndexHarness h =
        IndexHarness.open(
            s,
            new GatedFitter(IndexFitter.of(s), "first"),
            false,
            128,
            1,
            0,
            null,
            new HashMap<>())) {
      for (int i = 0; i < 120; i++) {
        h.upsert("d" + i, pool[i]);
      }
      assertThat(h.operator().fitting()).isTrue();
      assertThat(h.operator().hasProjection()).isFalse();
      for (int i = 0; i < 20; i++) {
        float[] q = pool[1000 + i];
        PartialResult p = h.query(q, 10, 0, 0);
        assertThat(IndexHarness.ids(p.hits)).isEqualTo(IndexHarness.exact(h.vectors, q, 10));
        assertThat(p.dimsUsed).isEqualTo(DIM); // exact warm-up search
      }
      h.upsert("d5", pool[500]); // updates and deletes go on meanwhile
      h.delete("d6");

      GATES.get("first").countDown();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!h.operator().hasProjection() && System.nanoTime() < end) {
        Thread.sleep(20);
        h.tick(); // a record boundary
      }
      assertThat(h.operator().hasProjection()).isTrue();
      assertThat(h.operator().arena().size()).isEqualTo(h.vectors.size());
      for (int i = 0; i < 20; i++) {
        float[] q = pool[1100 + i];
        PartialResult p = h.query(q, 10, 0, 0);
        assertThat(IndexHarness.ids(p.hits)).isEqualTo(IndexHarness.exact(h.vectors, q, 10));
        assertThat(p.dimsUsed).isEqualTo(16);
      }
      assertThat(h.operator().inconsistencies()).isEmpty();
    }
  }

  @Test
  void aRefitRacingWithIngestEndsWithExactlyTheLiveDocumentsInTheNewLists() throws Exception {
    GATES.put("refit", new CountDownLatch(0)); // the first fit passes
    IndexSettings s = settings(2.0);
    Random rnd = new Random(2);
    float[][] pool = TestVectors.correlated(rnd, 6000, DIM);
    GatedFitter fitter = new GatedFitter(IndexFitter.of(s), "refit");
    try (IndexHarness h = IndexHarness.open(s, fitter, false, 128, 1, 0, null, new HashMap<>())) {
      int next = 0;
      while (!h.operator().hasProjection()) {
        h.upsert("d" + next, pool[next]);
        next++;
        h.tick();
        Thread.sleep(1);
      }
      IndexFit first = h.operator().arena().fit();
      GATES.put("refit", new CountDownLatch(1)); // hold the refit's fit
      // Grow past twice the first fit: the refit starts, samples, and then waits for its fit.
      while (h.operator().arena().size() < 2.2 * Math.max(first.fittedOn(), s.fitSample())) {
        h.upsert("d" + next, pool[next]);
        next++;
      }
      for (int i = 0; i < 50 && h.operator().arena().fit() == first; i++) {
        h.tick();
      }
      assertThat(h.operator().fitting()).isTrue();
      int churn = 0;
      boolean released = false;
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while ((h.operator().fitting() || !released) && System.nanoTime() < end) {
        // Upserts, updates (new vectors: other lists) and deletes while the refit runs.
        String id = "d" + rnd.nextInt(next + 50);
        if (rnd.nextInt(4) == 0) {
          h.delete(id);
        } else {
          h.upsert(id, pool[rnd.nextInt(pool.length)]);
        }
        if (++churn % 25 == 0) {
          float[] q = pool[rnd.nextInt(pool.length)];
          PartialResult p = h.query(q, 10, 0, 0);
          assertThat(IndexHarness.ids(p.hits)).isEqualTo(IndexHarness.exact(h.vectors, q, 10));
        }
        if (churn == 300) {
          GATES.get("refit").countDown();
          released = true;
        }
        h.tick();
      }
      assertThat(h.operator().fitting()).as("refit finished").isFalse();
      IndexFit refitted = h.operator().arena().fit();
      assertThat(refitted).isNotEqualTo(first);
      assertThat(h.operator().arena().size()).isEqualTo(h.vectors.size());
      InvertedFileArena ivf = (InvertedFileArena) h.operator().arena();
      ivf.checkInvariants();
      for (Map.Entry<String, float[]> e : h.vectors.entrySet()) {
        assertThat(ivf.centroidOf(e.getKey())).isEqualTo(refitted.encode(e.getValue()).centroid());
      }
      assertThat(h.operator().inconsistencies()).isEmpty();
    }
  }

  /**
   * As above with chunked documents: every chunk is an entry of its own list; updates that grow and
   * shrink a document, and deletes, race with the refit's sampling and migration. At the end the
   * new index holds exactly the live chunks, each in its nearest list, each document's prefix entry
   * one code and one list per chunk; queries return each document once, ranked by its best chunk,
   * as exact search over the model does.
   */
  @Test
  void aRefitRacingWithChunkedIngestEndsWithExactlyTheLiveChunksInTheNewLists() throws Exception {
    GATES.put("chunks", new CountDownLatch(0)); // the first fit passes
    IndexSettings s = settings(2.0);
    Random rnd = new Random(5);
    float[][] pool = TestVectors.correlated(rnd, 6000, DIM);
    GatedFitter fitter = new GatedFitter(IndexFitter.of(s), "chunks");
    try (IndexHarness h = IndexHarness.open(s, fitter, false, 128, 1, 0, null, new HashMap<>())) {
      int next = 0;
      while (!h.operator().hasProjection()) {
        h.upsertChunks("d" + next, chunks(rnd, pool));
        next++;
        h.tick();
        Thread.sleep(1);
      }
      IndexFit first = h.operator().arena().fit();
      GATES.put("chunks", new CountDownLatch(1)); // hold the refit's fit
      while (h.operator().arena().size() < 2.2 * Math.max(first.fittedOn(), s.fitSample())) {
        h.upsertChunks("d" + next, chunks(rnd, pool));
        next++;
      }
      for (int i = 0; i < 50 && h.operator().arena().fit() == first; i++) {
        h.tick();
      }
      assertThat(h.operator().fitting()).isTrue();
      int churn = 0;
      boolean released = false;
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while ((h.operator().fitting() || !released) && System.nanoTime() < end) {
        String id = "d" + rnd.nextInt(next + 50);
        if (rnd.nextInt(4) == 0) {
          h.delete(id);
        } else {
          h.upsertChunks(id, chunks(rnd, pool)); // 1 to 5 chunks: grows or shrinks
        }
        if (++churn % 25 == 0) {
          float[] q = pool[rnd.nextInt(pool.length)];
          PartialResult p = h.query(q, 10, 0, 0);
          assertThat(IndexHarness.ids(p.hits)).doesNotHaveDuplicates();
          assertThat(IndexHarness.ids(p.hits)).isEqualTo(h.exactDocuments(q, 10));
        }
        if (churn == 300) {
          GATES.get("chunks").countDown();
          released = true;
        }
        h.tick();
      }
      assertThat(h.operator().fitting()).as("refit finished").isFalse();
      IndexFit refitted = h.operator().arena().fit();
      assertThat(refitted).isNotEqualTo(first);
      assertThat(h.operator().arena().size()).isEqualTo(h.chunks());
      InvertedFileArena ivf = (InvertedFileArena) h.operator().arena();
      ivf.checkInvariants();
      for (Map.Entry<String, float[][]> e : h.chunked.entrySet()) {
        for (int i = 0; i < e.getValue().length; i++) {
          assertThat(ivf.centroidOf(ChunkKeys.key(e.getKey(), i)))
              .isEqualTo(refitted.encode(e.getValue()[i]).centroid());
        }
        assertThat(ivf.contains(ChunkKeys.key(e.getKey(), e.getValue().length))).isFalse();
      }
      assertThat(h.operator().inconsistencies()).isEmpty();
    }
  }

  private static float[][] chunks(Random rnd, float[][] pool) {
    float[][] c = new float[1 + rnd.nextInt(5)][];
    for (int i = 0; i < c.length; i++) {
      c[i] = pool[rnd.nextInt(pool.length)];
    }
    return c;
  }
}
