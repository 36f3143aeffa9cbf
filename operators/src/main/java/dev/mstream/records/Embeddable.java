package dev.mstream.records;

import org.apache.flink.annotation.Internal;

/** A record that carries a text to embed and receives its vector. */
@Internal
public interface Embeddable {

  /** The text to embed, or null when this record needs no vector (a delete). */
  String textToEmbed();

  void attachVector(float[] vector, double embedMillis);
}
