package dev.mstream.embed;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * A profile's {@code tokenizer.json} opened without truncation or padding, for counting and placing
 * tokens. The embedder opens its own instance (truncating at the profile's max tokens); this one
 * sees whole documents.
 *
 * <p>The Hugging Face tokenizers library reports token spans in Unicode code points; they are
 * turned into Java {@code char} indexes here, so that a surrogate pair (an emoji, a rare CJK
 * character) counts as the two {@code char}s it takes in a {@link String}.
 *
 * <p>Single owner of the native tokenizer handle; {@link #close()} may be called more than once.
 */
public final class HuggingFaceTextTokenizer implements TextTokenizer {

  private final HuggingFaceTokenizer tokenizer;
  private boolean closed;

  private HuggingFaceTextTokenizer(HuggingFaceTokenizer tokenizer) {
    this.tokenizer = tokenizer;
  }

  /**
   * @throws EmbeddingException naming the profile when its tokenizer cannot be loaded
   */
  public static HuggingFaceTextTokenizer open(ModelProfile profile) {
    Map<String, String> settings =
        Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false");
    ModelFile file = ModelFile.tokenizer(profile);
    try {
      Path path = file.path();
      if (path != null) {
        return new HuggingFaceTextTokenizer(HuggingFaceTokenizer.newInstance(path, settings));
      }
      try (InputStream in = file.open()) {
        return new HuggingFaceTextTokenizer(HuggingFaceTokenizer.newInstance(in, settings));
      }
    } catch (IOException | RuntimeException e) {
      throw new EmbeddingException(
          "model profile '" + profile.name() + "': cannot load the tokenizer: " + e.getMessage(),
          e);
    }
  }

  /** A factory that opens {@code profile}'s tokenizer where it runs. */
  public static TextTokenizerFactory factory(ModelProfile profile) {
    return () -> open(profile);
  }

  @Override
  public TokenSpans tokenize(String text) {
    if (closed) {
      throw new IllegalStateException("tokenizer is closed");
    }
    Encoding e = tokenizer.encode(text, true, false);
    CharSpan[] spans = e.getCharTokenSpans();
    long[] special = e.getSpecialTokenMask();
    int count = 0;
    for (int i = 0; i < spans.length; i++) {
      if (spans[i] != null && special[i] == 0) {
        count++;
      }
    }
    int[] starts = new int[count];
    int[] ends = new int[count];
    CodePointCursor cursor = new CodePointCursor(text);
    int t = 0;
    for (int i = 0; i < spans.length; i++) {
      if (spans[i] != null && special[i] == 0) {
        starts[t] = cursor.charIndex(spans[i].getStart());
        ends[t] = cursor.charIndex(spans[i].getEnd());
        t++;
      }
    }
    return new TokenSpans(starts, ends, spans.length - count);
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      tokenizer.close();
    }
  }

  /** Lets tests see that close() released the native handle. */
  boolean released() {
    return tokenizer.isReleased();
  }

  /**
   * Code point index → char index, for indexes that mostly move forward: each step walks from the
   * last one, so converting every span of a text costs one pass over it.
   */
  private static final class CodePointCursor {
    private final String text;
    private int codePoint;
    private int charIndex;

    CodePointCursor(String text) {
      this.text = text;
    }

    int charIndex(int targetCodePoint) {
      charIndex = Character.offsetByCodePoints(text, charIndex, targetCodePoint - codePoint);
      codePoint = targetCodePoint;
      return charIndex;
    }
  }
}
