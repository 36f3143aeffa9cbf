package dev.mstream.records;

/** A record that carries a text to embed and receives its vector. */
public interface Embeddable {

  /** The text to embed, or null when this record needs no vector (a delete). */
  String textToEmbed();

  void attachVector(float[] vector, double embedMillis);

  /**
   * The embed operator is about to emit this record, which waited {@code batchWaitMillis} in its
   * micro-batch before the model ran. Records that keep no timings ignore it.
   */
  default void embedded(double batchWaitMillis) {}
}
