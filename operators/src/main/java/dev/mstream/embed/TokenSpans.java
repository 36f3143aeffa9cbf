package dev.mstream.embed;

import java.util.Objects;

/**
 * How a model's tokenizer splits one text, with nothing truncated: the {@code [start, end)} offsets
 * of every token in the text, as Java {@code char} (UTF-16) indexes, and how many special tokens
 * ({@code [CLS]}, {@code [SEP]}...) the model adds around it. The special tokens have no span and
 * are not among the tokens.
 *
 * @param starts start of each token, non-decreasing
 * @param ends end (exclusive) of each token
 * @param specialTokens tokens the model adds that do not come from the text
 */
public record TokenSpans(int[] starts, int[] ends, int specialTokens) {

  public TokenSpans {
    Objects.requireNonNull(starts, "starts");
    Objects.requireNonNull(ends, "ends");
    if (starts.length != ends.length) {
      throw new IllegalArgumentException(
          starts.length + " token starts but " + ends.length + " token ends");
    }
  }

  /** Tokens that come from the text. */
  public int size() {
    return starts.length;
  }

  /** What the model would be fed: the text's tokens and the special tokens. */
  public int modelTokens() {
    return starts.length + specialTokens;
  }
}
