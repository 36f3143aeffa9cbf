package dev.mstream.index;

import dev.mstream.index.vector.VectorUtil;
import dev.mstream.records.PartialResult;
import dev.mstream.records.ScoredHit;
import dev.mstream.records.SearchRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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

  /** The fit the calibrator's estimates are for: a refit makes them stale. */
  private long calibratedFit;

  /** Fills {@code partial}'s hits and what the search spent. */
  Answer search(PrefixIndex index, SearchRequest request, PartialResult partial) throws Exception {
    if (index.fit().version() != calibratedFit) {
      calibratedFit = index.fit().version();
      calibrator.reset();
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
      int candidates = Math.max(request.k, wanted);
      plan =
          new SearchPlan(
              choice.dims(), choice.probes(), candidates * settings.survivors(), candidates);
    }

    long scanStart = System.nanoTime();
    Shortlist shortlist = index.shortlist(request.namespace, request.filter, request.vector, plan);
    metrics.shortlistScanned((System.nanoTime() - scanStart) / 1000, shortlist);

    partial.hits =
        settings.rerank() || exact
            ? rerank(index, shortlist, request.vector, request.k)
            : prefixScores(index, shortlist, request.k);
    partial.dimsUsed = exact ? settings.dimension() : plan.dims();
    partial.candidatesScanned = shortlist.size();
    partial.probesUsed = shortlist.probes();
    partial.codesScanned = shortlist.scanned();
    partial.indexSize = inNamespace;
    partial.budgetReduced = reduced;
    partial.estimatedRecall = calibrator.measuredRecall();
    boolean served = !exact && !ownBudget && reduced == null;
    return new Answer(plan, served ? budget : null, partial.hits);
  }

  /**
   * Whether {@code request} is measured: it asked for its recall, or it is in the sampled share.
   */
  boolean measured(SearchRequest request) {
    return request.measureRecall || calibrator.sampled(request.queryId);
  }

  /**
   * Measures a query's recall: the exhaustive search's local top-k is the reference; the answer
   * (and, when calibrating, one step fewer probes and one fewer candidates) is compared with it.
   * Fills {@code partial}'s recall and reference hits when it is given (the query asked).
   */
  void measure(PrefixIndex index, SearchRequest request, Answer answer, PartialResult partial)
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
            index,
            index.shortlist(request.namespace, request.filter, request.vector, exhaustive),
            request.vector,
            request.k);
    double recall = recall(reference, answer.hits(), request.k);
    double fewerProbes = -1;
    double fewerCandidates = -1;
    if (answer.budget() != null && calibrator.calibrating()) {
      fewerProbes = recallAt(index, request, calibrator.fewerProbes(), reference);
      fewerCandidates = recallAt(index, request, calibrator.fewerCandidates(), reference);
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
      SearchRequest request,
      RecallCalibrator.Budget budget,
      List<ScoredHit> reference)
      throws Exception {
    if (budget == null) {
      return -1;
    }
    int candidates = Math.max(request.k, budget.candidates());
    SearchPlan plan =
        new SearchPlan(
            budget.dims(), budget.probes(), candidates * settings.survivors(), candidates);
    List<ScoredHit> hits =
        rerank(
            index,
            index.shortlist(request.namespace, request.filter, request.vector, plan),
            request.vector,
            request.k);
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
   * Exact scores of the shortlisted documents from their full vectors in keyed state; the best
   * {@code k}, equal scores in id order (as the merger ranks them), whatever order the shortlist
   * came in.
   */
  private List<ScoredHit> rerank(PrefixIndex index, Shortlist shortlist, float[] query, int k)
      throws Exception {
    int n = shortlist.size();
    List<String> ids = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ids.add(index.idOf(shortlist.slots()[i]));
    }
    List<ScoredHit> all = new ArrayList<>(n);
    state.forEach(
        ids,
        (id, doc) ->
            all.add(new ScoredHit(id, VectorUtil.dot(doc.vector(), query), doc.attributes())));
    metrics.reranked(n);
    all.sort(ScoredHit::bestFirst);
    List<ScoredHit> hits = new ArrayList<>(Math.min(k, all.size()));
    for (int i = 0; i < Math.min(k, all.size()); i++) {
      ScoredHit h = all.get(i);
      hits.add(new ScoredHit(h.docId, h.score, new HashMap<>(h.attributes)));
    }
    return hits;
  }

  /** The shortlist's own order and approximate scores: for measuring what reranking adds. */
  private static List<ScoredHit> prefixScores(PrefixIndex index, Shortlist shortlist, int k) {
    List<ScoredHit> hits = new ArrayList<>();
    for (int i = 0; i < Math.min(k, shortlist.size()); i++) {
      hits.add(
          new ScoredHit(index.idOf(shortlist.slots()[i]), shortlist.scores()[i], new HashMap<>()));
    }
    return hits;
  }
}
