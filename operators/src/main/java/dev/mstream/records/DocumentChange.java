package dev.mstream.records;

import dev.mstream.chunk.ChunkTexts;
import java.util.HashMap;
import java.util.List;
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

  /**
   * Null until embedded, and always null for deletes and for unchanged texts; the first chunk's
   * vector when chunked.
   */
  public float[] vector;

  /** Chars of title at the start of {@link #text} (title, space, document text); 0: no title. */
  public int titleLength;

  /**
   * Null: the document is embedded as one text ({@link #text}). Else two entries per chunk, its
   * {@code [start, end)} in Unicode code points of the document's own text ({@link #body()}).
   */
  public int[] chunks;

  /** Put in front of every chunk's text when it is embedded (the title and a space), or null. */
  public String chunkHead;

  /** After embedding: one vector per chunk (just {@link #vector} when not chunked). */
  public float[][] vectors;

  /**
   * True when the embed operator skipped this upsert's texts: the same model embedded the same
   * texts (every chunk's) for this id last time, and the index reuses the vectors it holds (no
   * {@link #vector}).
   */
  public boolean textUnchanged;

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

  /**
   * An upsert of a document with a title: its {@link #text} is the title, a space and the body
   * (just one of them when the other is empty), the BEIR/MTEB convention.
   */
  public static DocumentChange upsert(
      String id,
      String namespace,
      String title,
      String body,
      Map<String, String> attributes,
      long eventTime) {
    boolean hasTitle = title != null && !title.isBlank();
    String text;
    if (!hasTitle) {
      text = body == null ? "" : body;
    } else {
      text = body == null || body.isEmpty() ? title : title + " " + body;
    }
    DocumentChange c = upsert(id, namespace, text, attributes, eventTime);
    c.titleLength = hasTitle ? title.length() : 0;
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
    return kind == Kind.UPSERT && !textUnchanged ? text : null;
  }

  @Override
  public void markTextUnchanged() {
    if (kind != Kind.UPSERT) {
      throw new IllegalStateException("only an upsert has a text: " + this);
    }
    textUnchanged = true;
  }

  @Override
  public void attachVector(float[] vector, double embedMillis) {
    this.vector = vector;
    this.vectors = null;
  }

  /** The document's own text: {@link #text} without the title. */
  public String body() {
    return ChunkTexts.body(text, titleLength);
  }

  /** Chunks this document is embedded as (1 when not chunked); 0 for deletes. */
  @Override
  public int textCount() {
    return kind != Kind.UPSERT || textUnchanged ? 0 : chunks == null ? 1 : chunks.length / 2;
  }

  @Override
  public List<String> textsToEmbed() {
    if (kind != Kind.UPSERT || textUnchanged) {
      return List.of();
    }
    return chunks == null ? List.of(text) : ChunkTexts.of(body(), chunks, chunkHead);
  }

  @Override
  public void attachVectors(float[][] vectors, double embedMillis) {
    if (vectors.length != textCount()) {
      throw new IllegalArgumentException(
          "document '"
              + id
              + "' has "
              + textCount()
              + " chunks but got "
              + vectors.length
              + " vectors");
    }
    this.vector = vectors[0];
    this.vectors = vectors.length == 1 ? null : vectors;
  }

  /** The vector of every chunk, in order: {@link #vectors}, or just {@link #vector}. */
  public float[][] chunkVectors() {
    return vectors != null ? vectors : vector == null ? null : new float[][] {vector};
  }

  @Override
  public String toString() {
    return "DocumentChange{"
        + kind
        + " "
        + id
        + " ns="
        + namespace
        + (textUnchanged ? " text unchanged" : "")
        + "}";
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
        && java.util.Arrays.equals(vector, c.vector)
        && titleLength == c.titleLength
        && java.util.Arrays.equals(chunks, c.chunks)
        && Objects.equals(chunkHead, c.chunkHead)
        && java.util.Arrays.deepEquals(vectors, c.vectors)
        && textUnchanged == c.textUnchanged;
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, kind, eventTime);
  }
}
