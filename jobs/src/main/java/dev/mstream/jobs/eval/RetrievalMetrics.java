package dev.mstream.jobs.eval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Ranking metrics as BEIR reports them (through pytrec_eval / trec_eval, and BEIR's own MRR):
 *
 * <ul>
 *   <li>A run is re-sorted by score, descending, ties by document id descending (trec_eval's
 *       order); the ranks a system reports do not matter.
 *   <li>nDCG@k: gain = the graded relevance from the qrels, discount log2(rank + 1); the ideal DCG
 *       sorts this query's judged relevances (all of them, not only the retrieved ones).
 *   <li>recall@k: relevant documents (relevance &gt; 0) in the top k over all relevant documents.
 *   <li>MRR@k: 1 / rank of the first relevant document in the top k, 0 if none.
 *   <li>Averages are over the queries that have at least one relevant document; a query with no
 *       result counts as 0.
 *   <li>BEIR by default drops a hit whose document id equals the query id ({@code
 *       ignore_identical_ids=True}); {@link #evaluate} does the same when asked.
 * </ul>
 */
public final class RetrievalMetrics {

  /** One retrieved document and its score. */
  public record Scored(String docId, double score) {}

  /** Averages over {@code queries} evaluated queries. */
  public record Summary(
      int queries,
      Map<Integer, Double> ndcg,
      Map<Integer, Double> recall,
      Map<Integer, Double> mrr) {

    public double ndcg(int k) {
      return require(ndcg, k, "ndcg");
    }

    public double recall(int k) {
      return require(recall, k, "recall");
    }

    public double mrr(int k) {
      return require(mrr, k, "mrr");
    }

    private static double require(Map<Integer, Double> m, int k, String what) {
      Double v = m.get(k);
      if (v == null) {
        throw new IllegalArgumentException(
            what + "@" + k + " was not computed; k in " + m.keySet());
      }
      return v;
    }
  }

  private RetrievalMetrics() {}

  /**
   * @param qrels query id → (document id → graded relevance)
   * @param runs query id → retrieved documents (any order; missing = nothing retrieved)
   * @param ks cut-offs, e.g. 10 and 100
   * @param ignoreIdenticalIds drop hits whose document id equals the query id (BEIR's default)
   */
  public static Summary evaluate(
      Map<String, Map<String, Integer>> qrels,
      Map<String, List<Scored>> runs,
      List<Integer> ks,
      boolean ignoreIdenticalIds) {
    Map<Integer, Double> ndcg = new LinkedHashMap<>();
    Map<Integer, Double> recall = new LinkedHashMap<>();
    Map<Integer, Double> mrr = new LinkedHashMap<>();
    for (int k : ks) {
      ndcg.put(k, 0.0);
      recall.put(k, 0.0);
      mrr.put(k, 0.0);
    }
    int evaluated = 0;
    for (Map.Entry<String, Map<String, Integer>> e : qrels.entrySet()) {
      Map<String, Integer> judged = e.getValue();
      if (judged.values().stream().noneMatch(r -> r > 0)) {
        continue;
      }
      evaluated++;
      List<String> ranking = rank(runs.getOrDefault(e.getKey(), List.of()));
      if (ignoreIdenticalIds) {
        ranking.removeIf(id -> id.equals(e.getKey()));
      }
      for (int k : ks) {
        ndcg.merge(k, ndcg(ranking, judged, k), Double::sum);
        recall.merge(k, recall(ranking, judged, k), Double::sum);
        mrr.merge(k, reciprocalRank(ranking, judged, k), Double::sum);
      }
    }
    int n = Math.max(evaluated, 1);
    for (int k : ks) {
      ndcg.computeIfPresent(k, (kk, v) -> v / n);
      recall.computeIfPresent(k, (kk, v) -> v / n);
      mrr.computeIfPresent(k, (kk, v) -> v / n);
    }
    return new Summary(evaluated, ndcg, recall, mrr);
  }

  /** Document ids by score descending, ties by id descending, as trec_eval orders a run. */
  public static List<String> rank(List<Scored> hits) {
    List<Scored> sorted = new ArrayList<>(hits);
    sorted.sort(
        Comparator.comparingDouble(Scored::score)
            .reversed()
            .thenComparing(Scored::docId, Comparator.reverseOrder()));
    List<String> ids = new ArrayList<>(sorted.size());
    for (Scored s : sorted) {
      ids.add(s.docId());
    }
    return ids;
  }

  public static double ndcg(List<String> ranking, Map<String, Integer> judged, int k) {
    double dcg = 0;
    for (int i = 0; i < Math.min(k, ranking.size()); i++) {
      int rel = judged.getOrDefault(ranking.get(i), 0);
      if (rel > 0) {
        dcg += rel / log2(i + 2);
      }
    }
    List<Integer> ideal = new ArrayList<>(judged.values());
    ideal.sort(Comparator.reverseOrder());
    double idcg = 0;
    for (int i = 0; i < Math.min(k, ideal.size()); i++) {
      if (ideal.get(i) > 0) {
        idcg += ideal.get(i) / log2(i + 2);
      }
    }
    return idcg == 0 ? 0 : dcg / idcg;
  }

  public static double recall(List<String> ranking, Map<String, Integer> judged, int k) {
    long relevant = judged.values().stream().filter(r -> r > 0).count();
    if (relevant == 0) {
      return 0;
    }
    int found = 0;
    for (int i = 0; i < Math.min(k, ranking.size()); i++) {
      if (judged.getOrDefault(ranking.get(i), 0) > 0) {
        found++;
      }
    }
    return (double) found / relevant;
  }

  public static double reciprocalRank(List<String> ranking, Map<String, Integer> judged, int k) {
    for (int i = 0; i < Math.min(k, ranking.size()); i++) {
      if (judged.getOrDefault(ranking.get(i), 0) > 0) {
        return 1.0 / (i + 1);
      }
    }
    return 0;
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }

  /**
   * Recall@{@code k} of {@code run} against {@code reference}'s top {@code k} (ids in rank order,
   * per query id): the mean share of the reference's top-k ids that the run's top k also holds,
   * over the queries the reference answered with at least one id; NaN when there are none.
   */
  public static double recallAgainst(
      Map<String, List<String>> run, Map<String, List<String>> reference, int k) {
    double sum = 0;
    int n = 0;
    for (Map.Entry<String, List<String>> e : reference.entrySet()) {
      List<String> truth = e.getValue().subList(0, Math.min(k, e.getValue().size()));
      if (truth.isEmpty()) {
        continue;
      }
      List<String> mine = run.getOrDefault(e.getKey(), List.of());
      Set<String> found = new HashSet<>(mine.subList(0, Math.min(k, mine.size())));
      int hit = 0;
      for (String id : truth) {
        hit += found.contains(id) ? 1 : 0;
      }
      sum += hit / (double) truth.size();
      n++;
    }
    return n == 0 ? Double.NaN : sum / n;
  }
}
