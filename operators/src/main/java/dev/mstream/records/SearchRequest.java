package dev.mstream.records;

import java.util.HashMap;
import java.util.Map;

/** A validated query on its way to every index subtask (a Flink POJO). */
public class SearchRequest implements Embeddable {

  public String queryId;
  public String namespace;
  public String text;
  public int k;

  /** Requested shortlist prefix length; 0 means the default. */
  public int dims;

  /** Requested shortlist size; 0 means the default. */
  public int candidates;

  public Map<String, String> filter = new HashMap<>();

  /** When the query was sent (epoch millis), for end-to-end latency. */
  public long eventTime;

  /**
   * The query vector: the producer's own (set by the decoder, already normalised), or the embedded
   * text (set by the embed operator).
   */
  public float[] vector;

  public double embedMillis;

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
  public String toString() {
    return "SearchRequest{" + queryId + " ns=" + namespace + " k=" + k + "}";
  }
}
