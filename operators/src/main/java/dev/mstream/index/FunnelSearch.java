package dev.mstream.index;

import dev.mstream.index.vector.VectorUtil;
import dev.mstream.records.PartialResult;
import dev.mstream.records.ScoredHit;
import dev.mstream.records.SearchRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * A query against a subtask that has fitted its projection: shortlist {@code candidates} on the
 * first {@code dims} prefix coordinates of the {@link PrefixArena}, then rerank them exactly with
 * full vectors read from keyed state by point lookups.
 *
 * <p>Reads keyed state only through {@link DocumentState#forEach}, which restores the query's key;
 * it never writes state (a write would land on whatever key was current, silently).
 */
final class FunnelSearch {

  // ------------------------------------------------------------------------
  //  configuration
  // ------------------------------------------------------------------------

  private final IndexSettings settings;

  // ------------------------------------------------------------------------
  //  collaborators (keyed state is read only)
  // ------------------------------------------------------------------------

  private final DocumentState state;
  private final AdaptiveDims adaptiveDims;
  private final IndexMetrics metrics;

  FunnelSearch(
      IndexSettings settings,
      DocumentState state,
      AdaptiveDims adaptiveDims,
      IndexMetrics metrics) {
    this.settings = settings;
    this.state = state;
    this.adaptiveDims = adaptiveDims;
    this.metrics = metrics;
  }

  /** Fills {@code partial}'s hits, dims used, candidates scanned and index size. */
  void search(PrefixArena arena, SearchRequest request, PartialResult partial) throws Exception {
    int inNamespace = arena.size(request.namespace);
    // A query for the full dimension wants exact answers: rerank the whole namespace.
    boolean exact = request.dims >= settings.dimension();
    int dims = exact ? arena.prefixDims() : adaptiveDims.dimsFor(request, arena.prefixDims());
    int candidates =
        exact
            ? inNamespace
            : Math.max(
                request.k,
                request.candidates > 0 ? request.candidates : settings.defaultCandidates());

    long scanStart = System.nanoTime();
    PrefixArena.Shortlist shortlist =
        arena.shortlist(request.namespace, request.filter, request.vector, dims, candidates);
    long rerankStart = System.nanoTime();
    metrics.shortlistScanned((rerankStart - scanStart) / 1000);

    partial.hits =
        settings.rerank() || exact
            ? rerank(arena, shortlist, request.vector, request.k)
            : prefixScores(arena, shortlist, request.k);
    partial.timings.scanMillis = (rerankStart - scanStart) / 1e6;
    partial.timings.rerankMillis = (System.nanoTime() - rerankStart) / 1e6;
    partial.dimsUsed = exact ? settings.dimension() : dims;
    partial.candidatesScanned = shortlist.size();
    partial.indexSize = inNamespace;
  }

  /** Exact scores of the shortlisted documents from their full vectors in keyed state. */
  private List<ScoredHit> rerank(
      PrefixArena arena, PrefixArena.Shortlist shortlist, float[] query, int k) throws Exception {
    int n = shortlist.size();
    List<String> ids = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ids.add(arena.idOf(shortlist.slots()[i]));
    }
    NeighborQueue best = new NeighborQueue(Math.max(1, k));
    List<String> foundIds = new ArrayList<>(n);
    List<StoredDocument> found = new ArrayList<>(n);
    state.forEach(
        ids,
        (id, doc) -> {
          best.offer(found.size(), VectorUtil.dot(doc.vector(), query));
          foundIds.add(id);
          found.add(doc);
        });
    metrics.reranked(n);
    float[] scores = new float[best.size()];
    int[] order = best.drainBestFirst(scores);
    List<ScoredHit> hits = new ArrayList<>(order.length);
    for (int i = 0; i < order.length; i++) {
      hits.add(
          new ScoredHit(
              foundIds.get(order[i]), scores[i], new HashMap<>(found.get(order[i]).attributes())));
    }
    hits.sort(ScoredHit::bestFirst); // equal scores in id order, as the merger ranks them
    return hits;
  }

  /** The shortlist's own order and approximate scores: for measuring what reranking adds. */
  private static List<ScoredHit> prefixScores(
      PrefixArena arena, PrefixArena.Shortlist shortlist, int k) {
    List<ScoredHit> hits = new ArrayList<>();
    for (int i = 0; i < Math.min(k, shortlist.size()); i++) {
      hits.add(
          new ScoredHit(arena.idOf(shortlist.slots()[i]), shortlist.scores()[i], new HashMap<>()));
    }
    return hits;
  }
}
