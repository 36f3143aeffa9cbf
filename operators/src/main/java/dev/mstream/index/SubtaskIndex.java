package dev.mstream.index;

import dev.mstream.records.PartialResult;
import dev.mstream.records.ScoredHit;
import dev.mstream.records.SearchRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-memory index of one subtask, rebuilt from keyed state on every start: until the subtask
 * has seen {@code fitSample} documents, an exact {@link VectorArena} of those few full vectors (the
 * warm-up); from then on a {@link PrefixArena} of prefix codes under a fitted projection.
 *
 * <p>Exactly one of the two exists after {@link #rebuild}; the warm-up is dropped when the
 * projection is fitted, and the arena is never replaced afterwards. Every code in the arena is also
 * in the document's {@link PrefixEntry}, tagged with the projection's version, so that a restore
 * can reuse codes without reading full vectors.
 */
final class SubtaskIndex {

  /** The operator's logger: these are the operator's start-up and fit messages. */
  private static final Logger LOG = LoggerFactory.getLogger(VectorIndexOperator.class);

  private static final int ARENA_INITIAL_CAPACITY = 1024;
  private static final int WARMUP_MIN_CAPACITY = 16;

  // ------------------------------------------------------------------------
  //  configuration
  // ------------------------------------------------------------------------

  private final IndexSettings settings;
  private final int subtask;

  // ------------------------------------------------------------------------
  //  checkpointed state (owned by the operator)
  // ------------------------------------------------------------------------

  private final DocumentState state;

  // ------------------------------------------------------------------------
  //  state that is not checkpointed (rebuilt from keyed state)
  // ------------------------------------------------------------------------

  /** Null until the projection is fitted. */
  private PrefixArena arena;

  /** Exact, on-heap copy of the first documents; null once the projection is fitted. */
  private VectorArena warmup;

  private long rebuildMillis;

  SubtaskIndex(IndexSettings settings, int subtask, DocumentState state) {
    this.settings = settings;
    this.subtask = subtask;
    this.state = state;
  }

  /**
   * Refills the in-memory index from keyed state: codes made with {@code restored} go straight into
   * the arena (tens of bytes read per document); anything else is re-encoded from its full vector,
   * and its prefix entry rewritten.
   *
   * @param restored the projection from operator state, or null (new job, rescaled in, or prefix
   *     settings changed)
   */
  void rebuild(Projection restored) throws Exception {
    long start = System.nanoTime();
    if (restored != null) {
      arena = newArena(restored);
    }
    List<String> stale = new ArrayList<>();
    state.forEachPrefix(
        (id, e) -> {
          if (arena != null && e.projectionVersion() == arena.projection().version()) {
            arena.putEncoded(id, e.namespace(), e.attributes(), e.codes());
          } else {
            stale.add(id);
          }
        });
    if (arena == null && stale.size() >= settings.fitSample()) {
      // Restored without a usable projection (rescaled in, or the prefix settings changed):
      // refit on a sample of the stored full vectors, nothing is re-embedded.
      List<float[]> sample = new ArrayList<>();
      state.forEach(stale.subList(0, settings.fitSample()), (id, doc) -> sample.add(doc.vector()));
      arena = newArena(fit(sample.toArray(new float[0][])));
    }
    if (arena == null) {
      warmup = new VectorArena(settings.dimension(), Math.max(WARMUP_MIN_CAPACITY, stale.size()));
      state.forEach(
          stale, (id, doc) -> warmup.put(id, doc.namespace(), doc.attributes(), doc.vector()));
    } else if (!stale.isEmpty()) {
      state.forEach(stale, this::encodeAndStore);
    }
    rebuildMillis = (System.nanoTime() - start) / 1_000_000;
    if (size() > 0) {
      LOG.info(
          "Rebuilt the index of subtask {} from keyed state: {} documents ({} re-encoded) in {} ms,"
              + " {}",
          subtask,
          size(),
          stale.size(),
          rebuildMillis,
          arena == null ? "exact warm-up (no projection yet)" : arena.projection());
    }
  }

  /**
   * Indexes a document whose full record is already in keyed state; must run under its key, as it
   * writes the document's prefix entry.
   */
  void add(String id, StoredDocument doc) throws Exception {
    if (arena != null) {
      encodeAndStore(id, doc);
      return;
    }
    // Version 0 and no codes: "encode me once a projection exists" (see PrefixEntry).
    state.putPrefix(new PrefixEntry(doc.namespace(), doc.attributes(), 0, null));
    warmup.put(id, doc.namespace(), doc.attributes(), doc.vector());
    if (warmup.size() >= settings.fitSample()) {
      fitProjection();
    }
  }

  void remove(String id) {
    if (arena != null) {
      arena.remove(id);
    } else {
      warmup.remove(id);
    }
  }

  /** Answers a query before the projection is fitted: exactly, from the warm-up's full vectors. */
  void searchWarmup(SearchRequest request, PartialResult partial) {
    SearchHits exact = warmup.search(request.namespace, request.filter, request.vector, request.k);
    partial.hits = toHits(exact);
    partial.dimsUsed = settings.dimension();
    partial.candidatesScanned = exact.scanned();
    partial.indexSize = warmup.size(request.namespace);
  }

  /** Whether the projection is fitted: queries go through the funnel. */
  boolean hasProjection() {
    return arena != null;
  }

  /** Null until the projection is fitted. */
  PrefixArena arena() {
    return arena;
  }

  /** The fitted projection, or null. */
  Projection projection() {
    return arena == null ? null : arena.projection();
  }

  long size() {
    return arena != null ? arena.size() : warmup.size();
  }

  long arenaBytes() {
    return arena == null ? 0L : arena.heapBytes();
  }

  long rebuildMillis() {
    return rebuildMillis;
  }

  /** Under the document's key: encode with the arena's projection, store, add to the arena. */
  private void encodeAndStore(String id, StoredDocument doc) throws Exception {
    byte[] codes = arena.encode(doc.vector());
    state.putPrefix(
        new PrefixEntry(doc.namespace(), doc.attributes(), arena.projection().version(), codes));
    arena.putEncoded(id, doc.namespace(), doc.attributes(), codes);
  }

  /** Fits the projection on the warm-up documents and moves them into the arena. */
  private void fitProjection() throws Exception {
    long start = System.nanoTime();
    List<String> ids = warmup.ids();
    float[][] sample = new float[ids.size()][];
    for (int i = 0; i < sample.length; i++) {
      sample[i] = warmup.vectorOf(ids.get(i));
    }
    Projection projection = fit(sample);
    arena = newArena(projection);
    state.forEach(ids, this::encodeAndStore);
    warmup = null;
    LOG.info(
        "Subtask {} fitted its {} on {} documents in {} ms",
        subtask,
        projection,
        sample.length,
        (System.nanoTime() - start) / 1_000_000);
  }

  private PrefixArena newArena(Projection projection) {
    return new PrefixArena(projection, settings.encoding(), ARENA_INITIAL_CAPACITY);
  }

  private Projection fit(float[][] sample) {
    return settings.rotate()
        ? Projection.fitPca(sample, settings.prefixDims())
        : Projection.identity(settings.dimension(), settings.prefixDims(), sample);
  }

  private static List<ScoredHit> toHits(SearchHits local) {
    List<ScoredHit> hits = new ArrayList<>(local.size());
    for (int i = 0; i < local.size(); i++) {
      Map<String, String> attrs = local.attributes()[i];
      hits.add(
          new ScoredHit(
              local.ids()[i],
              local.scores()[i],
              attrs == null ? new HashMap<>() : new HashMap<>(attrs)));
    }
    return hits;
  }
}
