package dev.mstream.index;

import dev.mstream.records.PartialResult;
import dev.mstream.records.SearchRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-memory index of one subtask, rebuilt from keyed state on every start: until the subtask
 * has seen {@code fitSample} vectors, an exact {@link VectorArena} of those few full vectors (the
 * warm-up); from then on a {@link PrefixArena} of prefix codes under a fitted projection.
 *
 * <p>Exactly one of the two exists after {@link #rebuild}; the warm-up is dropped when the
 * projection is fitted, and the arena is never replaced afterwards. Every code in the arena is also
 * in the document's {@link PrefixEntry}, tagged with the projection's version, so that a restore
 * can reuse codes without reading full vectors.
 *
 * <p>Both hold one entry per chunk, keyed by {@link ChunkKeys}: a document of {@code n} chunks has
 * {@code n} entries, all added, replaced and removed together with the document.
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

  /** Live documents per namespace (the arenas count chunks). */
  private DocumentCounts documents = new DocumentCounts();

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
    documents = new DocumentCounts();
    if (restored != null) {
      arena = newArena(restored);
    }
    List<String> stale = new ArrayList<>();
    state.forEachPrefix(
        (id, e) -> {
          if (arena != null && e.projectionVersion() == arena.projection().version()) {
            putCodes(id, e);
            documents.add(e.namespace());
          } else {
            stale.add(id);
          }
        });
    if (arena == null && stale.size() >= settings.fitSample()) {
      // Restored without a usable projection (rescaled in, or the prefix settings changed):
      // refit on a sample of the stored full vectors, nothing is re-embedded.
      List<float[]> sample = new ArrayList<>();
      state.forEach(
          stale.subList(0, settings.fitSample()),
          (id, doc) -> {
            for (float[] v : doc.chunkVectors()) {
              if (sample.size() < settings.fitSample()) {
                sample.add(v);
              }
            }
          });
      arena = newArena(fit(sample.toArray(new float[0][])));
    }
    if (arena == null) {
      warmup = new VectorArena(settings.dimension(), Math.max(WARMUP_MIN_CAPACITY, stale.size()));
      state.forEach(
          stale,
          (id, doc) -> {
            putWarmup(id, doc);
            documents.add(doc.namespace());
          });
      if (warmup.size() >= settings.fitSample()) {
        fitProjection();
      }
    } else if (!stale.isEmpty()) {
      state.forEach(
          stale,
          (id, doc) -> {
            encodeAndStore(id, doc);
            documents.add(doc.namespace());
          });
    }
    rebuildMillis = (System.nanoTime() - start) / 1_000_000;
    if (size() > 0) {
      LOG.info(
          "Rebuilt the index of subtask {} from keyed state: {} documents, {} chunks ({} documents"
              + " re-encoded) in {} ms, {}",
          subtask,
          documents.total(),
          size(),
          stale.size(),
          rebuildMillis,
          arena == null ? "exact warm-up (no projection yet)" : arena.projection());
    }
  }

  /**
   * Indexes a document whose full record is already in keyed state; must run under its key, as it
   * writes the document's prefix entry.
   *
   * @param previous the version it replaces, or null: its chunks beyond the new ones are removed
   */
  void add(String id, StoredDocument doc, StoredDocument previous) throws Exception {
    if (previous != null) {
      removeChunks(id, doc.chunkCount(), previous.chunkCount());
      documents.remove(previous.namespace());
    }
    documents.add(doc.namespace());
    if (arena != null) {
      encodeAndStore(id, doc);
      return;
    }
    // Version 0 and no codes: "encode me once a projection exists" (see PrefixEntry).
    state.putPrefix(new PrefixEntry(doc.namespace(), doc.attributes(), 0, null));
    putWarmup(id, doc);
    if (warmup.size() >= settings.fitSample()) {
      fitProjection();
    }
  }

  /** Removes every chunk of a document ({@code stored} is its last version in keyed state). */
  void remove(String id, StoredDocument stored) {
    removeChunks(id, 0, stored.chunkCount());
    documents.remove(stored.namespace());
  }

  private void removeChunks(String id, int from, int to) {
    for (int i = from; i < to; i++) {
      String key = ChunkKeys.key(id, i);
      if (arena != null) {
        arena.remove(key);
      } else {
        warmup.remove(key);
      }
    }
  }

  /**
   * Answers a query before the projection is fitted: exactly, from the warm-up's full vectors,
   * every chunk of the namespace scored; the best documents' records are then read for their hits.
   */
  void searchWarmup(SearchRequest request, PartialResult partial) throws Exception {
    SearchHits exact =
        warmup.search(
            request.namespace,
            request.filter,
            request.vector,
            Math.max(1, warmup.size(request.namespace)));
    DocumentRanking ranking = new DocumentRanking(request.aggregation, request.chunkTopM);
    for (int i = 0; i < exact.size(); i++) {
      String key = exact.ids()[i];
      ranking.offer(ChunkKeys.documentOf(key), ChunkKeys.chunkOf(key), exact.scores()[i]);
    }
    List<DocumentRanking.Ranked> top = ranking.top(request.k);
    List<String> ids = new ArrayList<>(top.size());
    top.forEach(r -> ids.add(r.docId()));
    Map<String, StoredDocument> docs = new HashMap<>();
    state.forEach(ids, docs::put);
    partial.hits = RankedHits.of(top, docs);
    partial.dimsUsed = settings.dimension();
    partial.candidatesScanned = exact.scanned();
    partial.indexSize = documents.of(request.namespace);
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

  /** Entries (chunks) in the arena or warm-up. */
  long size() {
    return arena != null ? arena.size() : warmup.size();
  }

  /** Live documents. */
  long documentCount() {
    return documents.total();
  }

  /** Live documents of one namespace. */
  int documentCount(String namespace) {
    return documents.of(namespace);
  }

  long arenaBytes() {
    return arena == null ? 0L : arena.heapBytes();
  }

  long rebuildMillis() {
    return rebuildMillis;
  }

  /**
   * Under the document's key: encode every chunk with the arena's projection, store the codes in
   * one prefix entry (chunk after chunk), add each chunk to the arena.
   */
  private void encodeAndStore(String id, StoredDocument doc) throws Exception {
    int n = doc.chunkCount();
    byte[] first = arena.encode(doc.vector());
    byte[] codes = first;
    if (n > 1) {
      codes = new byte[n * first.length];
      System.arraycopy(first, 0, codes, 0, first.length);
      for (int i = 1; i < n; i++) {
        byte[] c = arena.encode(doc.chunkVectors()[i]);
        System.arraycopy(c, 0, codes, i * first.length, first.length);
      }
    }
    PrefixEntry entry =
        new PrefixEntry(doc.namespace(), doc.attributes(), arena.projection().version(), codes);
    state.putPrefix(entry);
    putCodes(id, entry);
  }

  /** Adds every chunk of a prefix entry (codes of one chunk after another) to the arena. */
  private void putCodes(String id, PrefixEntry e) {
    byte[] codes = e.codes();
    int perChunk = arena.prefixDims() * arena.encoding().bytesPerDim();
    if (codes.length == perChunk) {
      arena.putEncoded(id, e.namespace(), e.attributes(), codes);
      return;
    }
    if (codes.length == 0 || codes.length % perChunk != 0) {
      throw new IllegalStateException(
          "prefix entry of '"
              + id
              + "' has "
              + codes.length
              + " bytes of codes, not a multiple of "
              + perChunk);
    }
    for (int i = 0; i < codes.length / perChunk; i++) {
      arena.putEncoded(
          ChunkKeys.key(id, i),
          e.namespace(),
          e.attributes(),
          Arrays.copyOfRange(codes, i * perChunk, (i + 1) * perChunk));
    }
  }

  private void putWarmup(String id, StoredDocument doc) {
    for (int i = 0; i < doc.chunkCount(); i++) {
      warmup.put(ChunkKeys.key(id, i), doc.namespace(), doc.attributes(), doc.chunkVectors()[i]);
    }
  }

  /** Fits the projection on the warm-up's vectors and moves their documents into the arena. */
  private void fitProjection() throws Exception {
    long start = System.nanoTime();
    List<String> keys = warmup.ids();
    float[][] sample = new float[keys.size()][];
    Set<String> ids = new LinkedHashSet<>();
    for (int i = 0; i < sample.length; i++) {
      sample[i] = warmup.vectorOf(keys.get(i));
      ids.add(ChunkKeys.documentOf(keys.get(i)));
    }
    Projection projection = fit(sample);
    arena = newArena(projection);
    state.forEach(new ArrayList<>(ids), this::encodeAndStore);
    warmup = null;
    LOG.info(
        "Subtask {} fitted its {} on {} vectors of {} documents in {} ms",
        subtask,
        projection,
        sample.length,
        ids.size(),
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
}
