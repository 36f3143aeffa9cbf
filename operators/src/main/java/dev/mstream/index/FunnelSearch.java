package dev.mstream.index;

import dev.mstream.index.vector.VectorUtil;
import dev.mstream.records.PartialResult;
import dev.mstream.records.ScoredHit;
import dev.mstream.records.SearchRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.annotation.VisibleForTesting;

/**
 * A query against a subtask past its warm-up, as a cascade (MRL's funnel, AdANNS's stages): the
 * {@link PrefixIndex} scores the codes of the probed lists on the first {@code dims} coordinates
 * and rescores the survivors on its whole prefix; the best {@code candidates} are reranked exactly
 * with full vectors read from keyed state by point lookups.
 *
 * <p>The budget (probes, candidates, dims) is the query's own where it names one, else the {@link
 * RecallCalibrator}'s (or the configured defaults), lowered under load by {@link AdaptiveDims}.
 * Measured queries ({@link #measure}) are searched again exhaustively after their answer is out.
 *
 * <p>The index holds chunks (each an entry of its own list), the answer is documents: each
 * shortlisted chunk's document is read once, all its chunks are scored exactly and aggregated
 * ({@link DocumentRanking}), and a document is returned once. When chunks of few documents fill the
 * shortlist, it is widened until it names {@code k} documents (or the whole namespace).
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
  private final RecallCalibrator calibrator;
  private final IndexMetrics metrics;

  FunnelSearch(
      IndexSettings settings,
      DocumentState state,
      AdaptiveDims adaptiveDims,
      RecallCalibrator calibrator,
      IndexMetrics metrics) {
    this.settings = settings;
    this.state = state;
    this.adaptiveDims = adaptiveDims;
    this.calibrator = calibrator;
    this.metrics = metrics;
  }

  /** What {@link #search} decided, for {@link #measure}. */
  record Answer(SearchPlan plan, RecallCalibrator.Budget budget, List<ScoredHit> hits) {}

  /** The reranked documents and how many chunks were scored exactly. */
  private record Reranked(List<ScoredHit> hits, long chunksScored) {}

  /** The fit the calibrator's estimates are for: a refit makes them stale. */
  private long calibratedFit;

  /**
   * Fills {@code partial}'s hits and what the search spent.
   *
   * @param documents live documents of the query's namespace (the index counts chunks)
   */
  Answer search(PrefixIndex index, int documents, SearchRequest request, PartialResult partial)
      throws Exception {
    if (index.fit().version() != calibratedFit) {
      calibratedFit = index.fit().version();
      calibrator.reset(index.fit().fittedProbes(), index.fit().fittedCandidates());
    }
    calibrator.listLength(index.lists() == 0 ? 1 : index.size() / (double) index.lists());
    int inNamespace = index.size(request.namespace);
    // A query for the full dimension wants exact answers: rerank the whole namespace.
    boolean exact = request.dims >= settings.dimension();
    RecallCalibrator.Budget budget = calibrator.current();
    SearchPlan plan;
    String reduced = null;
    boolean ownBudget = request.dims > 0 || request.probes > 0 || request.candidates > 0;
    if (exact) {
      plan = SearchPlan.exhaustive(index.prefixDims(), inNamespace);
    } else {
      int defaultDims = calibrator.calibrating() ? budget.dims() : settings.defaultDims();
      int defaultProbes = calibrator.calibrating() ? budget.probes() : settings.defaultProbes();
      AdaptiveDims.Choice choice =
          adaptiveDims.choose(request, defaultDims, defaultProbes, index.prefixDims());
      reduced = choice.reduced();
      int wanted =
          request.candidates > 0
              ? request.candidates
              : calibrator.calibrating() ? budget.candidates() : settings.defaultCandidates();
      plan =
          plan(choice.dims(), choice.probes(), Math.max(request.k, wanted), inNamespace, documents);
    }

    long scanStart = System.nanoTime();
    Shortlisted found = shortlistDocuments(index, request, plan, inNamespace, documents);
    long rerankStart = System.nanoTime();
    metrics.shortlistScanned((rerankStart - scanStart) / 1000, found.shortlist());
    partial.timings.scanMillis = (rerankStart - scanStart) / 1e6;

    if (settings.rerank() || exact) {
      Reranked reranked = rerank(found.ids(), request);
      partial.hits = reranked.hits();
      partial.candidatesScanned = reranked.chunksScored();
    } else {
      partial.hits = prefixScores(index, found.shortlist(), request);
      partial.candidatesScanned = found.shortlist().size();
    }
    partial.timings.rerankMillis = (System.nanoTime() - rerankStart) / 1e6;
    partial.dimsUsed = exact ? settings.dimension() : plan.dims();
    partial.probesUsed = found.shortlist().probes();
    partial.codesScanned = found.shortlist().scanned();
    partial.indexSize = documents;
    partial.budgetReduced = reduced;
    partial.estimatedRecall = calibrator.measuredRecall();
    boolean served = !exact && !ownBudget && reduced == null;
    return new Answer(found.plan(), served ? budget : null, partial.hits);
  }

  /** A search plan for {@code candidates} documents' worth of chunks. */
  private SearchPlan plan(int dims, int probes, int candidates, int inNamespace, int documents) {
    int chunks = chunkBudget(candidates, inNamespace, documents);
    return new SearchPlan(dims, probes, chunks * settings.survivors(), chunks);
  }

  /** A shortlist and the documents of its chunks, each once, in shortlist order. */
  private record Shortlisted(Shortlist shortlist, List<String> ids, SearchPlan plan) {}

  /**
   * Shortlists chunks under {@code plan}; when chunks of fewer than {@code k} documents fill it,
   * widens the candidates (not the probes: the lists stay the query's budget) until they name
   * {@code k} documents, the shortlist is not full, or it covers the namespace.
   */
  private Shortlisted shortlistDocuments(
      PrefixIndex index, SearchRequest request, SearchPlan plan, int inNamespace, int documents) {
    int wanted = Math.min(request.k, documents);
    while (true) {
      Shortlist shortlist =
          index.shortlist(request.namespace, request.filter, request.vector, plan);
      List<String> ids = documentsOf(index, shortlist);
      if (ids.size() >= wanted
          || shortlist.size() < plan.candidates()
          || plan.candidates() >= inNamespace) {
        return new Shortlisted(shortlist, ids, plan);
      }
      int candidates = (int) Math.min(inNamespace, 2L * plan.candidates());
      plan =
          new SearchPlan(
              plan.dims(),
              plan.probes(),
              (int) Math.min(Integer.MAX_VALUE, (long) candidates * settings.survivors()),
              candidates);
    }
  }

  /**
   * {@code candidates} counts documents to rerank; the index holds chunks. The shortlist holds as
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
  private static List<String> documentsOf(PrefixIndex index, Shortlist shortlist) {
    Set<String> ids = new LinkedHashSet<>();
    for (int i = 0; i < shortlist.size(); i++) {
      ids.add(ChunkKeys.documentOf(index.idOf(shortlist.slots()[i])));
    }
    return new ArrayList<>(ids);
  }

  /**
   * Whether {@code request} is measured: it asked for its recall, or it is in the sampled share.
   */
  boolean measured(SearchRequest request) {
    return request.measureRecall || calibrator.sampled(request.queryId);
  }

  /**
   * Measures a query's recall: the exhaustive search's local top-k documents are the reference; the
   * answer (and, when calibrating, one step fewer probes and one fewer candidates) is compared with
   * it. Fills {@code partial}'s recall and reference hits when it is given (the query asked).
   *
   * @param documents live documents of the query's namespace
   */
  void measure(
      PrefixIndex index, int documents, SearchRequest request, Answer answer, PartialResult partial)
      throws Exception {
    int inNamespace = index.size(request.namespace);
    if (inNamespace == 0 || request.dims >= settings.dimension()) {
      if (partial != null) {
        partial.recall = 1.0;
        partial.referenceHits = new ArrayList<>(answer.hits());
      }
      return;
    }
    int referenceCandidates =
        Math.min(
            inNamespace,
            Math.max(RecallCalibrator.REFERENCE_CANDIDATES, 4 * answer.plan().candidates()));
    SearchPlan exhaustive =
        new SearchPlan(
            index.prefixDims(), Integer.MAX_VALUE, referenceCandidates, referenceCandidates);
    List<ScoredHit> reference =
        rerank(
                shortlistDocuments(index, request, exhaustive, inNamespace, documents).ids(),
                request)
            .hits();
    double recall = recall(reference, answer.hits(), request.k);
    double fewerProbes = -1;
    double fewerCandidates = -1;
    if (answer.budget() != null && calibrator.calibrating()) {
      fewerProbes =
          recallAt(index, documents, request, calibrator.fewerProbes(), reference, inNamespace);
      fewerCandidates =
          recallAt(index, documents, request, calibrator.fewerCandidates(), reference, inNamespace);
    }
    calibrator.record(answer.budget(), recall, fewerProbes, fewerCandidates);
    metrics.recallMeasured();
    if (partial != null) {
      partial.recall = recall;
      partial.referenceHits = reference;
      partial.estimatedRecall = calibrator.measuredRecall();
    }
  }

  /** Recall of {@code budget} against {@code reference}; -1 for no budget. */
  private double recallAt(
      PrefixIndex index,
      int documents,
      SearchRequest request,
      RecallCalibrator.Budget budget,
      List<ScoredHit> reference,
      int inNamespace)
      throws Exception {
    if (budget == null) {
      return -1;
    }
    SearchPlan plan =
        plan(
            budget.dims(),
            budget.probes(),
            Math.max(request.k, budget.candidates()),
            inNamespace,
            documents);
    List<ScoredHit> hits =
        rerank(shortlistDocuments(index, request, plan, inNamespace, documents).ids(), request)
            .hits();
    return recall(reference, hits, request.k);
  }

  /** Share of the reference's top-k among the hits (1 when the reference is empty). */
  static double recall(List<ScoredHit> reference, List<ScoredHit> hits, int k) {
    int n = Math.min(k, reference.size());
    if (n == 0) {
      return 1.0;
    }
    Set<String> found = new HashSet<>();
    for (int i = 0; i < Math.min(k, hits.size()); i++) {
      found.add(hits.get(i).docId);
    }
    int hit = 0;
    for (int i = 0; i < n; i++) {
      if (found.contains(reference.get(i).docId)) {
        hit++;
      }
    }
    return hit / (double) n;
  }

  /**
   * Exact scores of every chunk of the shortlisted documents, from their full vectors in keyed
   * state (one point lookup per document), aggregated per document; equal scores in id order (as
   * the merger ranks them), whatever order the shortlist came in.
   */
  private Reranked rerank(List<String> ids, SearchRequest request) throws Exception {
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
    return new Reranked(RankedHits.of(ranking.top(request.k), found), scored[0]);
  }

  /**
   * The shortlist's approximate prefix scores, aggregated per document without reading keyed state:
   * for measuring what reranking adds.
   */
  private static List<ScoredHit> prefixScores(
      PrefixIndex index, Shortlist shortlist, SearchRequest request) {
    DocumentRanking ranking = new DocumentRanking(request.aggregation, request.chunkTopM);
    for (int i = 0; i < shortlist.size(); i++) {
      String key = index.idOf(shortlist.slots()[i]);
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
