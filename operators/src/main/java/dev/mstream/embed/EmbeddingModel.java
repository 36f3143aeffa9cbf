package dev.mstream.embed;

import java.util.List;

/**
 * A text embedding model. Owns its native resources (ONNX session, tokenizer) until {@link
 * #close()}. Not thread-safe: one instance per operator subtask.
 */
public interface EmbeddingModel extends AutoCloseable {

  ModelProfile profile();

  /**
   * Which vector space this model's vectors live in. By default read from the profile's files
   * ({@link ModelIdentity#of}); a model that is not made of them (a test's fake) says what it is.
   */
  default ModelIdentity identity() {
    return ModelIdentity.of(profile());
  }

  /** Length of every returned vector. */
  default int dimension() {
    return profile().dimension();
  }

  /**
   * Embeds texts in one batch (the implementation may split it). Every returned vector is
   * L2-normalised, so the inner product of two vectors is their cosine similarity.
   */
  float[][] embed(List<String> texts, TextRole role);

  /** Texts truncated at the profile's max tokens since this model was opened. */
  long truncatedTexts();

  @Override
  void close();
}
