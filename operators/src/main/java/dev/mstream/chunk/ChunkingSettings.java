package dev.mstream.chunk;

import static org.apache.flink.util.Preconditions.checkArgument;

import java.io.Serializable;

/**
 * How documents longer than one model window are split. Checked on construction and by {@link
 * #windowFor}; messages name the job option behind each value.
 *
 * @param enabled split long documents (mstream.chunk.enabled); false: embed the start of each
 *     document only, truncated at the model's max tokens, as before chunking existed
 * @param windowTokens most tokens per chunk, special tokens, document prefix and title included
 *     (mstream.chunk.max-tokens); 0 = the model profile's max tokens
 * @param overlapTokens most tokens a chunk repeats from the end of the one before
 *     (mstream.chunk.overlap-tokens); below half the window
 * @param maxChunks most chunks per document (mstream.chunk.max-chunks)
 * @param overLimit what happens to a document that needs more (mstream.chunk.over-limit)
 */
public record ChunkingSettings(
    boolean enabled, int windowTokens, int overlapTokens, int maxChunks, OverChunkLimit overLimit)
    implements Serializable {

  /** Smallest window accepted: below it, titles and special tokens leave little room for text. */
  public static final int MIN_WINDOW_TOKENS = 16;

  public ChunkingSettings {
    checkArgument(
        windowTokens == 0 || windowTokens >= MIN_WINDOW_TOKENS,
        "mstream.chunk.max-tokens must be 0 (the model's max tokens) or >= %s, was %s",
        MIN_WINDOW_TOKENS,
        windowTokens);
    checkArgument(
        overlapTokens >= 0, "mstream.chunk.overlap-tokens must be >= 0, was %s", overlapTokens);
    checkArgument(maxChunks >= 1, "mstream.chunk.max-chunks must be >= 1, was %s", maxChunks);
    checkArgument(overLimit != null, "mstream.chunk.over-limit must be set");
  }

  /** Chunking off: every document is one text, truncated by the model as before. */
  public static ChunkingSettings disabled() {
    return new ChunkingSettings(false, 0, 0, 1, OverChunkLimit.TRUNCATE);
  }

  /**
   * The window used with a model whose inputs hold {@code modelMaxTokens}: the configured one,
   * never more than the model takes.
   *
   * @throws IllegalArgumentException when the overlap is not below half of it
   */
  public int windowFor(int modelMaxTokens) {
    int window = windowTokens == 0 ? modelMaxTokens : Math.min(windowTokens, modelMaxTokens);
    checkArgument(
        2 * overlapTokens < window,
        "mstream.chunk.overlap-tokens=%s must be below half the chunk window of %s tokens"
            + " (mstream.chunk.max-tokens, at most the model's max tokens %s)",
        overlapTokens,
        window,
        modelMaxTokens);
    return window;
  }
}
