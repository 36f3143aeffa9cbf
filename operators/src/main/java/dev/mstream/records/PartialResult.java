package dev.mstream.records;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.annotation.Internal;

/** One index subtask's local top-k for one query (a Flink POJO). */
@Internal
public class PartialResult {

  public String queryId;
  public int subtask;

  /** How many partials make a complete answer: the index operator's parallelism. */
  public int subtasks;

  public List<ScoredHit> hits = new ArrayList<>();
  public int k;
  public int dimsUsed;
  public long candidatesScanned;
  public long indexSize;
  public double searchMillis;

  /** Posting lists probed (0: the flat layout, or an exact scan of a small namespace). */
  public int probesUsed;

  /** Prefix codes scored, over all in-memory stages. */
  public long codesScanned;

  /** What the load-adaptive policy lowered for this query, or null. */
  public String budgetReduced;

  /**
   * This subtask's recall of its local top-k against an exhaustive search, when measured; -1
   * otherwise.
   */
  public double recall = -1;

  /** The exhaustive search's local top-k, when the query asked for its recall (for the merger). */
  public List<ScoredHit> referenceHits;

  /** The subtask's current measured recall of the settings it answers with; -1 unknown. */
  public double estimatedRecall = -1;

  /** Copied from the request so the merger can fill in the timings. */
  public long queryEventTime;

  public double embedMillis;

  /** The request's timings, with this subtask's queue, scan and rerank filled in. */
  public QueryTimings timings = new QueryTimings();

  public PartialResult() {}
}
