package dev.mstream.embed;

/** How token vectors of the last hidden state become one text vector. */
public enum Pooling {
  /** Average of the token vectors, padding excluded through the attention mask. */
  MEAN,
  /** The vector of the first token ([CLS]). */
  CLS
}
