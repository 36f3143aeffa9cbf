package dev.mstream.records;

/** A record that carries a text to embed and receives its vector. */
public interface Embeddable {

  /**
   * The text to embed, or null when this record needs no vector (a delete, or a query that brings
   * its own).
   */
  String textToEmbed();

  void attachVector(float[] vector, double embedMillis);
}
