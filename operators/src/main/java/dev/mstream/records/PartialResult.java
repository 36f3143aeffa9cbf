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

  /** Copied from the request so the merger can fill in the timings. */
  public long queryEventTime;

  public double embedMillis;

  /** The request's timings, with this subtask's queue, scan and rerank filled in. */
  public QueryTimings timings = new QueryTimings();

  public PartialResult() {}
}
