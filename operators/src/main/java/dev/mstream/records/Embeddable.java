package dev.mstream.records;

/** A record that carries a text to embed and receives its vector. */
public interface Embeddable {

  /** The text to embed, or null when this record needs no vector (a delete). */
  String textToEmbed();

  void attachVector(float[] vector, double embedMillis);

  /**
   * Called by the document embed operator instead of {@link #attachVector} when the same model
   * embedded this same text for this id last time, so the index still holds its vector: from then
   * on {@link #textToEmbed()} returns null, and the index reuses the vector it stores. Only
   * documents support it.
   */
  default void markTextUnchanged() {
    throw new UnsupportedOperationException(
        getClass().getSimpleName() + " cannot reuse a stored vector");
  }
}
