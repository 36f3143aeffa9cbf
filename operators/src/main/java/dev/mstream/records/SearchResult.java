package dev.mstream.records;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.annotation.Internal;

/** The one answer to a query, before it is encoded as a QueryResult (a Flink POJO). */
@Internal
public class SearchResult {

  public enum Status {
    OK,
    PARTIAL,
    ERROR
  }

  public String queryId;
  public Status status;
  public String error;
  public List<ScoredHit> hits = new ArrayList<>();
  public int dimsUsed;
  public long candidatesScanned;
  public long indexSize;
  public int subtasksAnswered;
  public int subtasksExpected;
  public double embedMillis;
  public double searchMillis;
  public long totalMillis;

  /** Most posting lists probed by a subtask. */
  public int probesUsed;

  /** Prefix codes scored over all subtasks. */
  public long codesScanned;

  /** What the load-adaptive policy lowered (any subtask), or null. */
  public String budgetReduced;

  /** The query's recall against an exhaustive search, when it asked; null otherwise. */
  public Double recall;

  /** Mean of the subtasks' measured recall, when known; null otherwise. */
  public Double estimatedRecall;

  /** The stages of the index subtask whose answer came last; all 0 for an ERROR result. */
  public QueryTimings timings = new QueryTimings();

  public SearchResult() {}

  public static SearchResult error(String queryId, String error, long totalMillis) {
    SearchResult r = new SearchResult();
    r.queryId = queryId;
    r.status = Status.ERROR;
    r.error = error;
    r.totalMillis = totalMillis;
    return r;
  }
}
