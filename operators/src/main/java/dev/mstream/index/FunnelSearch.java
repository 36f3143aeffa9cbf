package dev.mstream.index;

import dev.mstream.index.vector.VectorUtil;
import dev.mstream.records.PartialResult;
import dev.mstream.records.ScoredHit;
import dev.mstream.records.SearchRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.annotation.VisibleForTesting;

/**
 * A query against a subtask that has fitted its projection: shortlist {@code candidates} documents'
 * worth of chunks on the first {@code dims} prefix coordinates of the {@link PrefixArena}, then
 * rerank them exactly with full vectors read from keyed state by point lookups.
 *
 * <p>The arena holds chunks, the answer is documents: each shortlisted chunk's document is read
 * once, all its chunks are scored exactly and aggregated ({@link DocumentRanking}), and a document
 * is returned once. When chunks of few documents fill the shortlist, it is widened until it names
 * {@code k} documents (or the whole namespace).
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

  /**
   * Fills {@code partial}'s hits, dims used, candidates scanned and index size.
   *
   * @param documents live documents of the query's namespace (the arena counts chunks)
   */
  void search(PrefixArena arena, int documents, SearchRequest request, PartialResult partial)
      throws Exception {
    int inNamespace = arena.size(request.namespace);
    // A query for the full dimension wants exact answers: rerank the whole namespace.
    boolean exact = request.dims >= settings.dimension();
    int dims = exact ? arena.prefixDims() : adaptiveDims.dimsFor(request, arena.prefixDims());
    int candidates =
        exact
            ? inNamespace
            : chunkBudget(
                Math.max(
                    request.k,
                    request.candidates > 0 ? request.candidates : settings.defaultCandidates()),
                inNamespace,
                documents);

    long scanStart = System.nanoTime();
    int wanted = Math.min(request.k, documents);
    PrefixArena.Shortlist shortlist;
    List<String> ids;
    while (true) {
      shortlist =
          arena.shortlist(request.namespace, request.filter, request.vector, dims, candidates);
      ids = documentsOf(arena, shortlist);
      if (ids.size() >= wanted || shortlist.size() < candidates || candidates >= inNamespace) {
        break;
      }
      candidates = (int) Math.min(inNamespace, 2L * candidates); // chunks of few documents
    }
    long rerankStart = System.nanoTime();
    metrics.shortlistScanned((rerankStart - scanStart) / 1000);
    partial.timings.scanMillis = (rerankStart - scanStart) / 1e6;

    partial.dimsUsed = exact ? settings.dimension() : dims;
    partial.indexSize = documents;
    if (settings.rerank() || exact) {
      rerank(ids, request, partial);
    } else {
      partial.hits = prefixScores(arena, shortlist, request);
      partial.candidatesScanned = shortlist.size();
    }
    partial.timings.rerankMillis = (System.nanoTime() - rerankStart) / 1e6;
  }

  /**
   * {@code candidates} counts documents to rerank; the arena holds chunks. The shortlist holds as
   * many chunks as that many documents have on average here, so that chunking a collection does not
   * shrink the share of the namespace a query shortlists. (On a chunked SciFact slice, 1.6 chunks
   * per document, this alone did not make the 64-dim funnel at 100 candidates exact; 200 did: see
   * BeirEvaluationITCase.)
   */
  @VisibleForTesting
  static int chunkBudget(int candidates, int chunksInNamespace, int documents) {
    if (documents <= 0 || chunksInNamespace <= documents) {
      return candidates;
    }
    long chunks = ((long) candidates * chunksInNamespace + documents - 1) / documents;
    return (int) Math.min(chunksInNamespace, chunks);
  }

  /** The shortlisted chunks' documents, each once, in shortlist order. */
  private static List<String> documentsOf(PrefixArena arena, PrefixArena.Shortlist shortlist) {
    Set<String> ids = new LinkedHashSet<>();
    for (int i = 0; i < shortlist.size(); i++) {
      ids.add(ChunkKeys.documentOf(arena.idOf(shortlist.slots()[i])));
    }
    return new ArrayList<>(ids);
  }

  /**
   * Exact scores of every chunk of the shortlisted documents, from their full vectors in keyed
   * state (one point lookup per document), aggregated per document.
   */
  private void rerank(List<String> ids, SearchRequest request, PartialResult partial)
      throws Exception {
    DocumentRanking ranking = new DocumentRanking(request.aggregation, request.chunkTopM);
    Map<String, StoredDocument> found = new HashMap<>();
    long[] scored = new long[1];
    float[] query = request.vector;
    state.forEach(
        ids,
        (id, doc) -> {
          float[][] chunks = doc.chunkVectors();
          for (int i = 0; i < chunks.length; i++) {
            ranking.offer(id, i, VectorUtil.dot(chunks[i], query));
          }
          scored[0] += chunks.length;
          found.put(id, doc);
        });
    metrics.reranked(ids.size());
    partial.hits = RankedHits.of(ranking.top(request.k), found);
    partial.candidatesScanned = scored[0];
  }

  /**
   * The shortlist's approximate prefix scores, aggregated per document without reading keyed state:
   * for measuring what reranking adds.
   */
  private static List<ScoredHit> prefixScores(
      PrefixArena arena, PrefixArena.Shortlist shortlist, SearchRequest request) {
    DocumentRanking ranking = new DocumentRanking(request.aggregation, request.chunkTopM);
    for (int i = 0; i < shortlist.size(); i++) {
      String key = arena.idOf(shortlist.slots()[i]);
      ranking.offer(ChunkKeys.documentOf(key), ChunkKeys.chunkOf(key), shortlist.scores()[i]);
    }
    List<ScoredHit> hits = new ArrayList<>();
    for (DocumentRanking.Ranked r : ranking.top(request.k)) {
      ScoredHit hit = new ScoredHit(r.docId(), r.score(), new HashMap<>());
      hit.chunk = r.bestChunk();
      hits.add(hit);
    }
    return hits;
  }
}
