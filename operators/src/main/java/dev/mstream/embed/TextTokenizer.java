package dev.mstream.embed;

/**
 * A model's own tokenizer, used to count and place tokens (for chunking), never truncating. Owns
 * native resources until {@link #close()}; not thread-safe: one instance per operator subtask.
 */
public interface TextTokenizer extends AutoCloseable {

  /** The tokens of {@code text} as the model would see them, with their positions in it. */
  TokenSpans tokenize(String text);

  @Override
  void close();
}
