package dev.mstream.records;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.annotation.Internal;

/** One document in a ranked answer (a Flink POJO). */
@Internal
public class ScoredHit {

  public String docId;
  public float score;
  public Map<String, String> attributes = new HashMap<>();

  public ScoredHit() {}

  public ScoredHit(String docId, float score, Map<String, String> attributes) {
    this.docId = docId;
    this.score = score;
    this.attributes = attributes;
  }

  /** Best first; ties broken by id so that merged answers are deterministic. */
  public static int bestFirst(ScoredHit a, ScoredHit b) {
    int c = Float.compare(b.score, a.score);
    return c != 0 ? c : a.docId.compareTo(b.docId);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ScoredHit h
        && Objects.equals(docId, h.docId)
        && score == h.score
        && Objects.equals(attributes, h.attributes);
  }

  @Override
  public int hashCode() {
    return Objects.hash(docId, score);
  }

  @Override
  public String toString() {
    return docId + ":" + score;
  }
}
