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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-memory index of one subtask, rebuilt from keyed state on every start: until the subtask
 * has fitted, an exact {@link VectorArena} of its first documents (the warm-up); from then on a
 * {@link PrefixIndex} (the inverted file, or the flat arena) under an {@link IndexFit}.
 *
 * <p>Fits run on the fit executor, never on the task thread: the first one on a copy of the
 * warm-up's vectors while the warm-up keeps answering exactly, later ones ({@link Refit}: when the
 * subtask has grown by {@code refitGrowth}, or its documents have drifted past {@code refitDrift})
 * while the current index keeps answering. A finished fit is swapped in by {@link #poll} at a
 * record boundary. Every code in the index is also in the document's {@link PrefixEntry}, tagged
 * with the fit's version, so that a restore reuses codes and lists without reading full vectors.
 *
 * <p>Both hold one entry per chunk, keyed by {@link ChunkKeys}: a document of {@code n} chunks has
 * {@code n} entries, each in the list of its own nearest centroid, all added, replaced and removed
 * together with the document (in the current index and, mid-refit, in the next one). A document's
 * prefix entry holds every chunk's code and list.
 */
final class SubtaskIndex {

  /** The operator's logger: these are the operator's start-up and fit messages. */
  private static final Logger LOG = LoggerFactory.getLogger(VectorIndexOperator.class);

  private static final int WARMUP_MIN_CAPACITY = 16;

  /** Sample of a refit: enough points per list for k-means, capped for the fit's cost. */
  static final int REFIT_POINTS_PER_LIST = 64;

  static final int MAX_REFIT_SAMPLE = 65_536;

  // ------------------------------------------------------------------------
  //  configuration
  // ------------------------------------------------------------------------

  private final IndexSettings settings;
  private final int subtask;
  private final IndexFitter fitter;
  private final Executor fitExecutor;

  // ------------------------------------------------------------------------
  //  checkpointed state (owned by the operator)
  // ------------------------------------------------------------------------

  private final DocumentState state;

  // ------------------------------------------------------------------------
  //  state that is not checkpointed (rebuilt from keyed state)
  // ------------------------------------------------------------------------

  /** Null until the first fit is swapped in. */
  private PrefixIndex index;

  /** Exact, on-heap copy of the first documents; null once the first fit is swapped in. */
  private VectorArena warmup;

  /** The first fit while it runs. */
  private CompletableFuture<IndexFit> firstFit;

  private long firstFitStart;

  /** A refit in progress, or null. */
  private Refit refit;

  private DriftMeter drift;

  /** Live documents per namespace (the indexes count chunks). */
  private DocumentCounts documents = new DocumentCounts();

  /** Documents the current fit was made for (the growth refit compares). */
  private long fittedOn;

  private long rebuildMillis;
  private long fits;
  private long lastFitMillis;

  SubtaskIndex(
      IndexSettings settings,
      int subtask,
      DocumentState state,
      IndexFitter fitter,
      Executor fitExecutor) {
    this.settings = settings;
    this.subtask = subtask;
    this.state = state;
    this.fitter = fitter;
    this.fitExecutor = fitExecutor;
  }

  /**
   * Refills the in-memory index from keyed state: codes made under {@code restored} go straight in,
   * with their lists (tens of bytes read per document); anything else is re-encoded from its full
   * vector, and its prefix entry rewritten.
   *
   * @param restored the fit from operator state, or null (new job, settings changed)
   */
  void rebuild(IndexFit restored) throws Exception {
    long start = System.nanoTime();
    documents = new DocumentCounts();
    if (restored != null) {
      index = newIndex(restored);
    }
    List<String> stale = new ArrayList<>();
    state.forEachPrefix(
        (id, e) -> {
          int chunks = index == null ? -1 : e.chunks(index.fit().codeBytes());
          // Under an inverted file an entry needs a list per chunk (older formats may have none:
          // those are re-encoded, so that every stored entry names its chunks' lists).
          boolean usable =
              chunks > 0
                  && e.projectionVersion() == index.fit().version()
                  && (!index.fit().isInvertedFile() || e.lists().length == chunks);
          if (usable) {
            putChunks(index, id, e, chunks);
            documents.add(e.namespace());
          } else {
            stale.add(id);
          }
        });
    if (index == null && stale.size() >= settings.fitSample()) {
      // Restored with no usable fit (the prefix or layout settings changed): fit on a sample of
      // the stored full vectors, here, before the subtask starts; nothing is re-embedded.
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
      long fitStart = System.nanoTime();
      IndexFit fit = fitter.fit(sample.toArray(new float[0][]), stale.size());
      fitted(fit, fitStart);
      index = newIndex(fit);
    }
    if (index == null) {
      warmup = new VectorArena(settings.dimension(), Math.max(WARMUP_MIN_CAPACITY, stale.size()));
      state.forEach(
          stale,
          (id, doc) -> {
            putWarmup(id, doc);
            documents.add(doc.namespace());
          });
      maybeStartFirstFit();
    } else {
      drift = new DriftMeter(index.fit());
      if (!stale.isEmpty()) {
        state.forEach(
            stale,
            (id, doc) -> {
              encodeAndStore(index, id, doc);
              documents.add(doc.namespace());
            });
      }
      // A fit from an older state knows no size: count it as fitted on what it now holds.
      fittedOn = index.fit().fittedOn() > 0 ? index.fit().fittedOn() : index.size();
    }
    rebuildMillis = (System.nanoTime() - start) / 1_000_000;
    if (size() > 0) {
      LOG.info(
          "Rebuilt the index of subtask {} from keyed state: {} documents, {} chunks ({} documents"
              + " re-encoded) in {} ms, {}",
          subtask,
          documents.total(),
          size(),
          index == null ? 0 : stale.size(),
          rebuildMillis,
          index == null ? "exact warm-up (no fit yet)" : index.fit());
    }
  }

  /**
   * Indexes a document whose full record is already in keyed state; must run under its key, as it
   * writes the document's prefix entry.
   *
   * @param previous the version it replaces, or null: its chunks beyond the new ones are removed
   *     (from their lists, in the current index and in a refit's next one)
   */
  void add(String id, StoredDocument doc, StoredDocument previous) throws Exception {
    if (previous != null) {
      removeChunks(id, doc.chunkCount(), previous.chunkCount());
      documents.remove(previous.namespace());
    }
    documents.add(doc.namespace());
    if (index == null) {
      // Version 0 and no codes: "encode me once a fit exists" (see PrefixEntry).
      state.putPrefix(new PrefixEntry(doc.namespace(), doc.attributes(), 0, null));
      putWarmup(id, doc);
      maybeStartFirstFit();
      if (firstFit != null && firstFit.isDone()) {
        swapInFirstFit(firstFit.join()); // a fitter on the caller's thread (tests) is done
        firstFit = null;
      }
      return;
    }
    if (refit != null && refit.next() != null) {
      // Migrating: the current index gets the chunks under its fit, the new index too, and the
      // entry the new codes.
      encodeAndPut(index, id, doc, true);
      encodeAndStore(refit.next(), id, doc);
    } else {
      state.putPrefix(encodeAndPut(index, id, doc, true));
    }
    maybeStartRefit();
  }

  /** Removes every chunk of a document ({@code stored} is its last version in keyed state). */
  void remove(String id, StoredDocument stored) {
    removeChunks(id, 0, stored.chunkCount());
    documents.remove(stored.namespace());
  }

  /** Removes chunks {@code from..to-1} of a document from wherever they are held. */
  private void removeChunks(String id, int from, int to) {
    PrefixIndex next = refit == null ? null : refit.next();
    for (int i = from; i < to; i++) {
      String key = ChunkKeys.key(id, i);
      if (index != null) {
        index.remove(key);
        if (next != null) {
          next.remove(key);
        }
      } else {
        warmup.remove(key);
      }
    }
  }

  /**
   * At a record boundary: swaps in a finished fit, and advances a refit by at most {@code budget}
   * documents sampled or migrated (each a keyed-state read).
   */
  void poll(int budget) throws Exception {
    if (firstFit != null && firstFit.isDone()) {
      swapInFirstFit(firstFit.join());
      firstFit = null;
    }
    if (refit == null) {
      return;
    }
    switch (refit.phase()) {
      case SAMPLING -> {
        refit.sample(index, state, budget);
        if (refit.sampled()) {
          refit.fit(fitter, index.size(), fitExecutor);
        }
      }
      case FITTING -> {
        IndexFit fit = refit.fitted();
        if (fit != null) {
          fitted(fit, refit.startNanos());
          refit.migrateInto(newIndex(fit));
        }
      }
      case MIGRATING -> migrate(budget);
    }
  }

  /** Whether a fit or refit is under way (the operator keeps polling while it is). */
  boolean busy() {
    return firstFit != null || refit != null;
  }

  /**
   * Answers a query before the first fit: exactly, from the warm-up's full vectors, every chunk of
   * the namespace scored; the best documents' records are then read for their hits.
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

  /** Whether the first fit is in: queries go through the funnel. */
  boolean hasProjection() {
    return index != null;
  }

  /** Null until the first fit is swapped in. */
  PrefixIndex index() {
    return index;
  }

  /** The fit in use, or null. */
  IndexFit fit() {
    return index == null ? null : index.fit();
  }

  /** Entries (chunks) in the index or warm-up. */
  long size() {
    return index != null ? index.size() : warmup.size();
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
    return index == null ? 0L : index.heapBytes();
  }

  long rebuildMillis() {
    return rebuildMillis;
  }

  long fits() {
    return fits;
  }

  long lastFitMillis() {
    return lastFitMillis;
  }

  double drift() {
    return drift == null ? 0 : drift.value();
  }

  /**
   * What disagrees between the in-memory index and keyed state, for tests and the recovery
   * comparison; empty when consistent. Every chunk of every stored document must be in the index
   * once, its document's prefix entry made under the index's fit (or the new one, mid-migration)
   * with the code and list that fit gives the chunk's stored full vector, one code and one list per
   * chunk; the index must hold nothing else (no chunk of a shrunk or deleted document), and the
   * per-namespace document counts must be the stored documents'.
   */
  List<String> inconsistencies() throws Exception {
    List<String> out = new ArrayList<>();
    Map<String, PrefixEntry> entries = new HashMap<>();
    state.forEachPrefix((id, e) -> entries.put(id, e));
    PrefixIndex next = refit == null ? null : refit.next();
    long[] chunks = new long[1];
    DocumentCounts stored = new DocumentCounts();
    state.forEach(
        new ArrayList<>(entries.keySet()),
        (id, doc) -> {
          PrefixEntry e = entries.get(id);
          int n = doc.chunkCount();
          chunks[0] += n;
          stored.add(doc.namespace());
          if (!e.namespace().equals(doc.namespace()) || !e.attributes().equals(doc.attributes())) {
            out.add(id + ": prefix entry of another namespace or attributes than its document");
          }
          if (index == null) {
            for (int i = 0; i < n; i++) {
              if (!warmup.contains(ChunkKeys.key(id, i))) {
                out.add(id + ": chunk " + i + " stored, not in the warm-up");
              }
            }
            return;
          }
          IndexFit fit =
              next != null && e.projectionVersion() == next.fit().version()
                  ? next.fit()
                  : index.fit();
          if (e.projectionVersion() != fit.version()) {
            out.add(id + ": prefix entry of fit " + Long.toHexString(e.projectionVersion()));
            return;
          }
          if (e.chunks(fit.codeBytes()) != n || (fit.isInvertedFile() && e.lists().length != n)) {
            out.add(
                id
                    + ": prefix entry of "
                    + e.codes().length
                    + " code bytes and "
                    + e.lists().length
                    + " lists for "
                    + n
                    + " chunks");
            return;
          }
          PrefixIndex holder = fit == index.fit() ? index : next;
          for (int i = 0; i < n; i++) {
            String key = ChunkKeys.key(id, i);
            if (!index.contains(key)) {
              out.add(id + ": chunk " + i + " stored, not in the index");
              continue;
            }
            PrefixIndex.Encoded want = fit.encode(doc.chunkVectors()[i]);
            if (!Arrays.equals(e.codeOf(i, fit.codeBytes()), want.code())
                || e.listOf(i) != want.centroid()) {
              out.add(
                  id + ": chunk " + i + ": stored code or list is not its vector's under " + fit);
            }
            if (!holder.contains(key)) {
              out.add(id + ": chunk " + i + " not in the index of its entry's fit");
              continue;
            }
            if (!Arrays.equals(holder.codeOf(key), want.code())) {
              out.add(id + ": chunk " + i + ": in-memory code is not its vector's");
            }
            if (holder instanceof InvertedFileArena ivf && ivf.centroidOf(key) != want.centroid()) {
              out.add(
                  id
                      + ": chunk "
                      + i
                      + " in list "
                      + ivf.centroidOf(key)
                      + ", nearest is "
                      + want.centroid());
            }
          }
        });
    if (chunks[0] != size()) {
      out.add(chunks[0] + " chunks of stored documents, " + size() + " entries in memory");
    }
    if (entries.size() != documents.total()) {
      out.add(entries.size() + " prefix entries in keyed state, " + documents.total() + " counted");
    }
    Set<String> namespaces = stored.namespaces();
    namespaces.addAll(documents.namespaces());
    for (String namespace : namespaces) {
      if (stored.of(namespace) != documents.of(namespace)) {
        out.add(
            "namespace '"
                + namespace
                + "': "
                + stored.of(namespace)
                + " stored documents, "
                + documents.of(namespace)
                + " counted");
      }
    }
    for (PrefixIndex i : new PrefixIndex[] {index, next}) {
      if (i instanceof InvertedFileArena ivf) {
        try {
          ivf.checkInvariants();
        } catch (IllegalStateException x) {
          out.add(x.getMessage());
        }
      }
    }
    return out;
  }

  /** Cancels a running fit (the operator is closing). */
  void close() {
    if (firstFit != null) {
      firstFit.cancel(true);
    }
    if (refit != null) {
      refit.cancel();
    }
  }

  // ------------------------------------------------------------------------
  //  internals
  // ------------------------------------------------------------------------

  private void maybeStartFirstFit() {
    if (firstFit != null || warmup.size() < settings.fitSample()) {
      return;
    }
    List<String> ids = warmup.ids();
    float[][] sample = new float[ids.size()][];
    for (int i = 0; i < sample.length; i++) {
      sample[i] = warmup.vectorOf(ids.get(i)); // copies: the warm-up keeps changing
    }
    long documents = sample.length;
    long start = System.nanoTime();
    firstFit =
        CompletableFuture.supplyAsync(
            () -> {
              IndexFit fit = fitter.fit(sample, documents);
              LOG.info(
                  "Subtask {} fitted its {} on {} vectors in {} ms (off the task thread)",
                  subtask,
                  fit,
                  sample.length,
                  (System.nanoTime() - start) / 1_000_000);
              return fit;
            },
            fitExecutor);
    firstFitStart = start;
  }

  /** Moves the warm-up into an index under {@code fit}: codes from the in-memory vectors. */
  private void swapInFirstFit(IndexFit fit) throws Exception {
    fitted(fit, firstFitStart);
    PrefixIndex fresh = newIndex(fit);
    Set<String> ids = new LinkedHashSet<>();
    for (String key : warmup.ids()) {
      ids.add(ChunkKeys.documentOf(key));
    }
    state.forEach(new ArrayList<>(ids), (id, doc) -> encodeAndStore(fresh, id, doc));
    index = fresh;
    fittedOn = fit.fittedOn();
    drift = new DriftMeter(fit);
    warmup = null;
  }

  private void fitted(IndexFit fit, long startNanos) {
    fits++;
    lastFitMillis = (System.nanoTime() - startNanos) / 1_000_000;
  }

  private void maybeStartRefit() {
    if (refit != null || settings.layout() != IndexLayout.IVF) {
      return; // the flat arena keeps its first projection
    }
    IndexFit fit = index.fit();
    long base = Math.max(fittedOn, settings.fitSample());
    String reason = null;
    if (settings.refitGrowth() > 0 && index.size() >= settings.refitGrowth() * base) {
      reason = "grown from " + fittedOn + " to " + index.size() + " documents";
    } else if (settings.refitDrift() > 0
        && drift.samples() >= settings.fitSample()
        && drift.value() > settings.refitDrift()) {
      reason = String.format("drift %.3f > %.3f", drift.value(), settings.refitDrift());
    }
    if (reason == null) {
      return;
    }
    int lists = settings.listsFor(index.size());
    int wanted =
        (int)
            Math.min(
                index.size(),
                Math.max(
                    settings.fitSample(),
                    Math.min(MAX_REFIT_SAMPLE, REFIT_POINTS_PER_LIST * lists)));
    LOG.info("Subtask {} refits its index: {}; sampling {} documents", subtask, reason, wanted);
    refit = new Refit(reason, wanted, index.size() ^ fit.version());
  }

  private void migrate(int budget) throws Exception {
    PrefixIndex next = refit.next();
    Set<String> ids = new LinkedHashSet<>();
    int from = refit.cursor();
    int end = Math.min(index.slotCount(), from + budget);
    for (int slot = from; slot < end; slot++) {
      String key = index.liveIdAt(slot);
      if (key != null) {
        // A chunk's slot: its document moves with all its chunks, once.
        String id = ChunkKeys.documentOf(key);
        if (!next.contains(ChunkKeys.key(id, 0))) {
          ids.add(id);
        }
      }
    }
    state.forEach(new ArrayList<>(ids), (id, doc) -> encodeAndStore(next, id, doc));
    refit.advance(end - from);
    if (refit.cursor() >= index.slotCount()) {
      LOG.info(
          "Subtask {} swapped in its refitted index ({}): {} chunks, {} lists, in {} ms",
          subtask,
          refit.reason(),
          next.size(),
          next.lists(),
          (System.nanoTime() - refit.startNanos()) / 1_000_000);
      index = next;
      fittedOn = next.fit().fittedOn();
      drift = new DriftMeter(next.fit());
      refit = null;
    }
  }

  /**
   * Under the document's key: encode every chunk under {@code target}'s fit, store the codes and
   * lists in one prefix entry (chunk after chunk), add each chunk to {@code target}.
   */
  private void encodeAndStore(PrefixIndex target, String id, StoredDocument doc) throws Exception {
    state.putPrefix(encodeAndPut(target, id, doc, false));
  }

  /**
   * Encodes every chunk under {@code target}'s fit and adds it to its list; returns the prefix
   * entry that holds them (not stored: the caller decides).
   *
   * @param measureDrift whether the chunks count for the drift measure (new input, not a move)
   */
  private PrefixEntry encodeAndPut(
      PrefixIndex target, String id, StoredDocument doc, boolean measureDrift) {
    float[][] vectors = doc.chunkVectors();
    int n = vectors.length;
    int codeBytes = target.fit().codeBytes();
    byte[] codes = new byte[n * codeBytes];
    int[] lists = new int[n];
    for (int i = 0; i < n; i++) {
      PrefixIndex.Encoded e = target.encode(vectors[i]);
      System.arraycopy(e.code(), 0, codes, i * codeBytes, codeBytes);
      lists[i] = e.centroid();
      target.putEncoded(
          ChunkKeys.key(id, i), doc.namespace(), doc.attributes(), e.code(), e.centroid());
      if (measureDrift) {
        drift.add(e);
      }
    }
    return new PrefixEntry(
        doc.namespace(),
        doc.attributes(),
        target.fit().version(),
        codes,
        target.fit().isInvertedFile() ? lists : PrefixEntry.NO_LISTS); // flat: no lists
  }

  /** Adds the {@code chunks} chunks of a stored prefix entry to {@code target}. */
  private static void putChunks(PrefixIndex target, String id, PrefixEntry e, int chunks) {
    int codeBytes = target.fit().codeBytes();
    if (chunks == 1) {
      target.putEncoded(
          ChunkKeys.key(id, 0), e.namespace(), e.attributes(), e.codes(), e.listOf(0));
      return;
    }
    for (int i = 0; i < chunks; i++) {
      target.putEncoded(
          ChunkKeys.key(id, i), e.namespace(), e.attributes(), e.codeOf(i, codeBytes), e.listOf(i));
    }
  }

  private void putWarmup(String id, StoredDocument doc) {
    for (int i = 0; i < doc.chunkCount(); i++) {
      warmup.put(ChunkKeys.key(id, i), doc.namespace(), doc.attributes(), doc.chunkVectors()[i]);
    }
  }

  private PrefixIndex newIndex(IndexFit fit) {
    if (fit.isInvertedFile()) {
      return new InvertedFileArena(fit, splitAt(fit));
    }
    return new PrefixArena(fit, 1024);
  }

  /** A namespace is split into lists once it has a few documents per list and the exact bound. */
  private int splitAt(IndexFit fit) {
    return Math.max(settings.exactBelow(), 2 * fit.centroids().count());
  }
}
