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

  /** When the query was sent (epoch millis), for end-to-end latency. */
  public long eventTime;

  public float[] vector;
  public double embedMillis;

  public SearchRequest() {}

  @Override
  public String textToEmbed() {
    return text;
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
