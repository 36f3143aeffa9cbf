package dev.mstream.index;

import dev.mstream.records.PartialResult;
import dev.mstream.records.ScoredHit;
import dev.mstream.records.SearchRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    if (restored != null) {
      index = newIndex(restored);
    }
    List<String> stale = new ArrayList<>();
    state.forEachPrefix(
        (id, e) -> {
          if (index != null
              && e.projectionVersion() == index.fit().version()
              && e.codes().length == index.fit().codeBytes()) {
            index.putEncoded(id, e.namespace(), e.attributes(), e.codes(), e.list());
          } else {
            stale.add(id);
          }
        });
    if (index == null && stale.size() >= settings.fitSample()) {
      // Restored with no usable fit (the prefix or layout settings changed): fit on a sample of
      // the stored full vectors, here, before the subtask starts; nothing is re-embedded.
      List<float[]> sample = new ArrayList<>();
      state.forEach(stale.subList(0, settings.fitSample()), (id, doc) -> sample.add(doc.vector()));
      long fitStart = System.nanoTime();
      IndexFit fit = fitter.fit(sample.toArray(new float[0][]), stale.size());
      fitted(fit, fitStart);
      index = newIndex(fit);
    }
    if (index == null) {
      warmup = new VectorArena(settings.dimension(), Math.max(WARMUP_MIN_CAPACITY, stale.size()));
      state.forEach(
          stale, (id, doc) -> warmup.put(id, doc.namespace(), doc.attributes(), doc.vector()));
      maybeStartFirstFit();
    } else {
      drift = new DriftMeter(index.fit());
      if (!stale.isEmpty()) {
        state.forEach(stale, (id, doc) -> encodeAndStore(index, id, doc));
      }
      // A fit from an older state knows no size: count it as fitted on what it now holds.
      fittedOn = index.fit().fittedOn() > 0 ? index.fit().fittedOn() : index.size();
    }
    rebuildMillis = (System.nanoTime() - start) / 1_000_000;
    if (size() > 0) {
      LOG.info(
          "Rebuilt the index of subtask {} from keyed state: {} documents ({} re-encoded) in {} ms,"
              + " {}",
          subtask,
          size(),
          index == null ? 0 : stale.size(),
          rebuildMillis,
          index == null ? "exact warm-up (no fit yet)" : index.fit());
    }
  }

  /**
   * Indexes a document whose full record is already in keyed state; must run under its key, as it
   * writes the document's prefix entry.
   */
  void add(String id, StoredDocument doc) throws Exception {
    if (index == null) {
      // Version 0 and no codes: "encode me once a fit exists" (see PrefixEntry).
      state.putPrefix(new PrefixEntry(doc.namespace(), doc.attributes(), 0, null, -1));
      warmup.put(id, doc.namespace(), doc.attributes(), doc.vector());
      maybeStartFirstFit();
      if (firstFit != null && firstFit.isDone()) {
        swapInFirstFit(firstFit.join()); // a fitter on the caller's thread (tests) is done
        firstFit = null;
      }
      return;
    }
    PrefixIndex.Encoded e = index.encode(doc.vector());
    index.putEncoded(id, doc.namespace(), doc.attributes(), e.code(), e.centroid());
    drift.add(e);
    if (refit != null && refit.next() != null) {
      // Migrating: the new index gets the document too, and its entry the new code.
      encodeAndStore(refit.next(), id, doc);
    } else {
      state.putPrefix(
          new PrefixEntry(
              doc.namespace(), doc.attributes(), index.fit().version(), e.code(), e.centroid()));
    }
    maybeStartRefit();
  }

  void remove(String id) {
    if (index != null) {
      index.remove(id);
      if (refit != null && refit.next() != null) {
        refit.next().remove(id);
      }
    } else {
      warmup.remove(id);
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

  /** Answers a query before the first fit: exactly, from the warm-up's full vectors. */
  void searchWarmup(SearchRequest request, PartialResult partial) {
    SearchHits exact = warmup.search(request.namespace, request.filter, request.vector, request.k);
    partial.hits = toHits(exact);
    partial.dimsUsed = settings.dimension();
    partial.candidatesScanned = exact.scanned();
    partial.indexSize = warmup.size(request.namespace);
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

  long size() {
    return index != null ? index.size() : warmup.size();
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
   * comparison; empty when consistent. Every stored document must be in the index once, its prefix
   * entry made under the index's fit (or the new one, mid-migration) with the code and list that
   * fit gives its stored full vector, and the index must hold nothing else.
   */
  List<String> inconsistencies() throws Exception {
    List<String> out = new ArrayList<>();
    Map<String, PrefixEntry> entries = new HashMap<>();
    state.forEachPrefix((id, e) -> entries.put(id, e));
    if (entries.size() != size()) {
      out.add(entries.size() + " prefix entries in keyed state, " + size() + " in memory");
    }
    PrefixIndex next = refit == null ? null : refit.next();
    state.forEach(
        new ArrayList<>(entries.keySet()),
        (id, doc) -> {
          PrefixEntry e = entries.get(id);
          if (index == null) {
            if (!warmup.contains(id)) {
              out.add(id + ": stored, not in the warm-up");
            }
            return;
          }
          if (!index.contains(id)) {
            out.add(id + ": stored, not in the index");
            return;
          }
          if (!e.namespace().equals(doc.namespace()) || !e.attributes().equals(doc.attributes())) {
            out.add(id + ": prefix entry of another namespace or attributes than its document");
          }
          IndexFit fit =
              next != null && e.projectionVersion() == next.fit().version()
                  ? next.fit()
                  : index.fit();
          if (e.projectionVersion() != fit.version()) {
            out.add(id + ": prefix entry of fit " + Long.toHexString(e.projectionVersion()));
            return;
          }
          PrefixIndex.Encoded want = fit.encode(doc.vector());
          if (!java.util.Arrays.equals(e.codes(), want.code()) || e.list() != want.centroid()) {
            out.add(id + ": stored code or list is not its vector's under " + fit);
          }
          PrefixIndex holder = fit == index.fit() ? index : next;
          if (!java.util.Arrays.equals(holder.codeOf(id), want.code())) {
            out.add(id + ": in-memory code is not its vector's");
          }
          if (holder instanceof InvertedFileArena ivf && ivf.centroidOf(id) != want.centroid()) {
            out.add(id + ": in list " + ivf.centroidOf(id) + ", nearest is " + want.centroid());
          }
        });
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
                  "Subtask {} fitted its {} on {} documents in {} ms (off the task thread)",
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
    state.forEach(warmup.ids(), (id, doc) -> encodeAndStore(fresh, id, doc));
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
    List<String> ids = new ArrayList<>(budget);
    int from = refit.cursor();
    int end = Math.min(index.slotCount(), from + budget);
    for (int slot = from; slot < end; slot++) {
      String id = index.liveIdAt(slot);
      if (id != null && !next.contains(id)) {
        ids.add(id);
      }
    }
    state.forEach(ids, (id, doc) -> encodeAndStore(next, id, doc));
    refit.advance(end - from);
    if (refit.cursor() >= index.slotCount()) {
      LOG.info(
          "Subtask {} swapped in its refitted index ({}): {} documents, {} lists, in {} ms",
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

  /** Under the document's key: encode under {@code target}'s fit, store the entry, add it. */
  private void encodeAndStore(PrefixIndex target, String id, StoredDocument doc) throws Exception {
    PrefixIndex.Encoded e = target.encode(doc.vector());
    state.putPrefix(
        new PrefixEntry(
            doc.namespace(), doc.attributes(), target.fit().version(), e.code(), e.centroid()));
    target.putEncoded(id, doc.namespace(), doc.attributes(), e.code(), e.centroid());
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
