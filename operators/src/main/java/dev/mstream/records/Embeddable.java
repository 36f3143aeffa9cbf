package dev.mstream.records;

import java.util.List;
import org.apache.flink.annotation.Internal;

/**
 * A record that carries a text to embed and receives its vector; or, split into chunks, several
 * texts and one vector each.
 */
@Internal
public interface Embeddable {

  /**
   * The text to embed, or null when this record needs no vector (a delete, or a query that brings
   * its own).
   */
  String textToEmbed();

  void attachVector(float[] vector, double embedMillis);

  /** How many texts {@link #textsToEmbed} returns, without building them. */
  default int textCount() {
    return textToEmbed() == null ? 0 : 1;
  }

  /** The texts to embed, one per chunk; empty when this record needs no vector. */
  default List<String> textsToEmbed() {
    String text = textToEmbed();
    return text == null ? List.of() : List.of(text);
  }

  /** The vectors of {@link #textsToEmbed}, in its order. */
  default void attachVectors(float[][] vectors, double embedMillis) {
    if (vectors.length != 1) {
      throw new IllegalArgumentException("expected one vector, got " + vectors.length);
    }
    attachVector(vectors[0], embedMillis);
  }

  /**
   * Called by the document embed operator instead of {@link #attachVector} when the same model
   * embedded these same texts (every chunk's) for this id last time, so the index still holds their
   * vectors: from then on {@link #textsToEmbed()} is empty, and the index reuses the vectors it
   * stores. Only documents support it.
   */
  default void markTextUnchanged() {
    throw new UnsupportedOperationException(
        getClass().getSimpleName() + " cannot reuse a stored vector");
  }

  /**
   * The embed operator is about to emit this record, which waited {@code batchWaitMillis} in its
   * micro-batch before the model ran. Records that keep no timings ignore it.
   */
  default void embedded(double batchWaitMillis) {}
}
