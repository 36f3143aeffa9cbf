package dev.mstream.chunk;

import static org.apache.flink.util.Preconditions.checkArgument;
import static org.apache.flink.util.Preconditions.checkNotNull;

import dev.mstream.embed.TextTokenizer;
import dev.mstream.embed.TextTokenizerFactory;
import dev.mstream.embed.TokenSpans;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;

/**
 * Decides how a document is split, counting tokens with the model's own tokenizer on exactly the
 * text the embedder will see: the model's document prefix, then the title and a space, then the
 * text. A document whose tokens (special tokens included) fit one window stays one chunk, embedded
 * as a whole, exactly as without chunking. A longer one is cut into windows ({@link Chunker}) of
 * the text, each embedded with the title in front, so that every chunk still says what it belongs
 * to.
 *
 * <p>Serializable recipe: operators carry it to the task managers and {@link #open()} it there,
 * which opens the tokenizer; {@link #close()} releases it.
 */
public final class DocumentChunker implements Serializable, AutoCloseable {

  private static final long serialVersionUID = 1L;

  // ------------------------------------------------------------------------
  //  configuration
  // ------------------------------------------------------------------------

  private final ChunkingSettings settings;
  private final int window;
  private final String documentPrefix;
  private final TextTokenizerFactory tokenizers;

  // ------------------------------------------------------------------------
  //  not serialized (opened where it runs)
  // ------------------------------------------------------------------------

  private transient TextTokenizer tokenizer;

  /** Special tokens the model adds around every text, counted once at open. */
  private transient int specialTokens;

  /**
   * @param modelMaxTokens the model profile's max tokens (what one input holds)
   * @param documentPrefix the profile's document prefix, which the embedder puts in front
   * @throws IllegalArgumentException naming the option when the settings do not fit the model
   */
  public DocumentChunker(
      ChunkingSettings settings,
      int modelMaxTokens,
      String documentPrefix,
      TextTokenizerFactory tokenizers) {
    this.settings = checkNotNull(settings, "settings");
    checkArgument(settings.enabled(), "chunking is disabled (mstream.chunk.enabled=false)");
    this.window = settings.windowFor(modelMaxTokens);
    this.documentPrefix = documentPrefix == null ? "" : documentPrefix;
    this.tokenizers = checkNotNull(tokenizers, "tokenizers");
  }

  /**
   * @throws IllegalArgumentException when the model's document prefix alone takes half the window
   */
  public void open() throws Exception {
    tokenizer = tokenizers.create();
    specialTokens = tokenizer.tokenize("").specialTokens();
    int prefixTokens = tokenizer.tokenize(documentPrefix).size();
    checkArgument(
        2 * (specialTokens + prefixTokens) <= window,
        "a chunk window of %s tokens (mstream.chunk.max-tokens) leaves too little room next to the"
            + " model's %s special tokens and %s tokens of document prefix",
        window,
        specialTokens,
        prefixTokens);
  }

  public ChunkingSettings settings() {
    return settings;
  }

  /** Most tokens per chunk, special tokens, prefix and title included. */
  public int window() {
    return window;
  }

  /**
   * @param text the document as the embedder would see it without chunking: the title, a space and
   *     the document's text, or just one of them
   * @param titleLength chars of title at the start of {@code text}; 0 without a title
   */
  public DocumentChunks split(String text, int titleLength) {
    String input = documentPrefix.isEmpty() ? text : documentPrefix + text;
    // A token covers at least one byte of the text (a SentencePiece tokenizer may add one more, the
    // space it puts in front), so a text with fewer UTF-8 bytes than the window has room for needs
    // no tokenizing to know that it fits.
    if (utf8Length(input) + specialTokens + 1 <= window) {
      return DocumentChunks.WHOLE;
    }
    TokenSpans spans = tokenizer.tokenize(input);
    if (spans.modelTokens() <= window) {
      return DocumentChunks.WHOLE;
    }
    int bodyStart = titleLength == 0 ? 0 : Math.min(text.length(), titleLength + 1);
    int prefixEnd = documentPrefix.length();
    int bodyFrom = prefixEnd + bodyStart;
    int first = 0; // the first token that covers the text rather than prefix and title
    while (first < spans.size() && spans.ends()[first] <= bodyFrom) {
      first++;
    }
    // Title tokens beyond half the window are left out of the head: chunks keep room for text.
    int head = first;
    while (head > 0 && specialTokens + head > window / 2 && spans.ends()[head - 1] > prefixEnd) {
      head--;
    }
    int titleEnd = head == first ? titleLength : spans.ends()[head - 1] - prefixEnd;
    String headText = titleLength > 0 && titleEnd > 0 ? text.substring(0, titleEnd) + " " : null;

    String body = text.substring(bodyStart);
    int n = spans.size() - first;
    int[] starts = new int[n];
    int[] ends = new int[n];
    for (int i = 0; i < n; i++) {
      starts[i] = Math.max(0, spans.starts()[first + i] - bodyFrom);
      ends[i] = Math.max(starts[i], spans.ends()[first + i] - bodyFrom);
    }
    Chunker.Plan plan =
        Chunker.plan(
            body,
            starts,
            ends,
            window - specialTokens - head,
            settings.overlapTokens(),
            settings.maxChunks());
    return new DocumentChunks(
        CodePoints.codePointsOf(body, plan.ranges()), headText, plan.leftOver());
  }

  @Override
  public void close() {
    if (tokenizer != null) {
      tokenizer.close();
      tokenizer = null;
    }
  }

  private static int utf8Length(String s) {
    int ascii = 0;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return s.getBytes(StandardCharsets.UTF_8).length;
      }
      ascii++;
    }
    return ascii;
  }

  @Override
  public String toString() {
    return "DocumentChunker{window="
        + window
        + ", "
        + settings
        + ", prefix='"
        + documentPrefix
        + "'}";
  }
}
