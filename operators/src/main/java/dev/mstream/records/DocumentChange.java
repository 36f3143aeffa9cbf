package dev.mstream.records;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.annotation.Internal;

/**
 * One decoded document event on its way to the index: an upsert (with its text, and after the embed
 * operator its vector) or a delete. A Flink POJO: public fields, no-arg constructor.
 */
@Internal
public class DocumentChange implements Embeddable {

  public enum Kind {
    UPSERT,
    DELETE
  }

  public String id;
  public String namespace;
  public Kind kind;

  /** The text given to the model (title and text joined with a space); null for deletes. */
  public String text;

  public Map<String, String> attributes = new HashMap<>();

  /** Source event time (epoch millis), used for freshness metrics. */
  public long eventTime;

  /** Null until embedded, and always null for deletes. */
  public float[] vector;

  public DocumentChange() {}

  public static DocumentChange upsert(
      String id, String namespace, String text, Map<String, String> attributes, long eventTime) {
    DocumentChange c = new DocumentChange();
    c.id = id;
    c.namespace = namespace;
    c.kind = Kind.UPSERT;
    c.text = text;
    c.attributes = new HashMap<>(attributes);
    c.eventTime = eventTime;
    return c;
  }

  public static DocumentChange delete(String id, long eventTime) {
    DocumentChange c = new DocumentChange();
    c.id = id;
    c.kind = Kind.DELETE;
    c.eventTime = eventTime;
    return c;
  }

  @Override
  public String textToEmbed() {
    return kind == Kind.UPSERT ? text : null;
  }

  @Override
  public void attachVector(float[] vector, double embedMillis) {
    this.vector = vector;
  }

  @Override
  public String toString() {
    return "DocumentChange{" + kind + " " + id + " ns=" + namespace + "}";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DocumentChange c
        && Objects.equals(id, c.id)
        && Objects.equals(namespace, c.namespace)
        && kind == c.kind
        && Objects.equals(text, c.text)
        && Objects.equals(attributes, c.attributes)
        && eventTime == c.eventTime
        && java.util.Arrays.equals(vector, c.vector);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, kind, eventTime);
  }
}
