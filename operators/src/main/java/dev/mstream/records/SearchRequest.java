package dev.mstream.records;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.annotation.Internal;

/** A validated query on its way to every index subtask (a Flink POJO). */
@Internal
public class SearchRequest implements Embeddable {

  public String queryId;
  public String namespace;
  public String text;
  public int k;

  /** Requested shortlist prefix length; 0 means the default. */
  public int dims;

  /** Requested shortlist size; 0 means the default. */
  public int candidates;

  /** Requested posting lists to probe (inverted-file layout); 0 means the default. */
  public int probes;

  /** Measure this query's recall against an exhaustive search and report it. */
  public boolean measureRecall;

  public Map<String, String> filter = new HashMap<>();

  /** How documents are scored from their chunks. */
  public ChunkAggregation aggregation = ChunkAggregation.MAX;

  /** Chunks summed per document by {@link ChunkAggregation#SUM}. */
  public int chunkTopM = ChunkAggregation.DEFAULT_TOP_M;

  /** When the query was sent (epoch millis), for end-to-end latency. */
  public long eventTime;

  /**
   * The query vector: the producer's own (set by the decoder, already normalised), or the embedded
   * text (set by the embed operator).
   */
  public float[] vector;

  public double embedMillis;

  /** Where the query's time goes, stage by stage. */
  public QueryTimings timings = new QueryTimings();

  public SearchRequest() {}

  /** Null once there is a vector: a query that brought its own is not embedded. */
  @Override
  public String textToEmbed() {
    return vector == null ? text : null;
  }

  @Override
  public void attachVector(float[] vector, double embedMillis) {
    this.vector = vector;
    this.embedMillis = embedMillis;
  }

  @Override
  public void embedded(double batchWaitMillis) {
    timings.embedded(batchWaitMillis);
  }

  @Override
  public String toString() {
    return "SearchRequest{" + queryId + " ns=" + namespace + " k=" + k + "}";
  }
}
