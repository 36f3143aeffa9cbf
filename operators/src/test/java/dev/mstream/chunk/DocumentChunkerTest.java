package dev.mstream.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mstream.embed.HuggingFaceTextTokenizer;
import dev.mstream.embed.ModelProfile;
import dev.mstream.embed.ModelProfiles;
import dev.mstream.embed.TokenSpans;
import dev.mstream.records.DocumentChange;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Splitting documents with the bundled MiniLM tokenizer (256 tokens): what stays whole, that every
 * chunk fits the model as embedded, and that chunk offsets (code points) point at the right
 * characters of texts full of multi-byte UTF-8 and surrogate pairs.
 */
class DocumentChunkerTest {

  private static final ModelProfile MINILM = ModelProfiles.defaultProfile();
  private static final ChunkingSettings DEFAULTS =
      new ChunkingSettings(true, 0, 32, 256, OverChunkLimit.TRUNCATE);

  private final HuggingFaceTextTokenizer counter = HuggingFaceTextTokenizer.open(MINILM);
  private DocumentChunker chunker;

  @AfterEach
  void close() {
    counter.close();
    if (chunker != null) {
      chunker.close();
    }
  }

  private DocumentChunker open(ChunkingSettings settings, String prefix) throws Exception {
    chunker =
        new DocumentChunker(
            settings, MINILM.maxTokens(), prefix, HuggingFaceTextTokenizer.factory(MINILM));
    chunker.open();
    return chunker;
  }

  @Test
  void aDocumentThatFitsOneWindowStaysWholeAndOneMoreWordSplitsIt() throws Exception {
    DocumentChunker c = open(DEFAULTS, "");
    // "word" is one token; with [CLS] and [SEP], 254 words take exactly the 256-token window.
    String fits = ("word ".repeat(254)).trim();
    assertThat(counter.tokenize(fits).modelTokens()).isEqualTo(256);
    assertThat(c.split(fits, 0)).isEqualTo(DocumentChunks.WHOLE);
    DocumentChunks split = c.split(fits + " word", 0);
    assertThat(split.count()).isEqualTo(2);
    assertThat(split.head()).isNull();
    assertThat(c.split("short", 0)).isSameAs(DocumentChunks.WHOLE);
  }

  @Test
  void everyChunkFitsTheWindowAsEmbeddedWithPrefixAndTitle() throws Exception {
    String prefix = "passage: ";
    DocumentChunker c = open(DEFAULTS, prefix);
    DocumentChange doc =
        DocumentChange.upsert(
            "d", "ns", "A title of several words", longText(new Random(1), 3000), Map.of(), 0);
    DocumentChunks chunks = c.split(doc.text, doc.titleLength);
    assertThat(chunks.count()).isGreaterThan(5);
    assertThat(chunks.head()).isEqualTo("A title of several words ");
    List<String> texts = ChunkTexts.of(doc.body(), chunks.ranges(), chunks.head());
    for (String t : texts) {
      assertThat(t).startsWith("A title of several words ");
      assertThat(counter.tokenize(prefix + t).modelTokens()).isLessThanOrEqualTo(256);
    }
  }

  @Test
  void aLongTitleIsShortenedToHalfTheWindowInEveryChunk() throws Exception {
    DocumentChunker c = open(new ChunkingSettings(true, 64, 8, 100, OverChunkLimit.TRUNCATE), "");
    String title = "title ".repeat(100).trim();
    DocumentChange doc = DocumentChange.upsert("d", "ns", title, "body ".repeat(100), Map.of(), 0);
    DocumentChunks chunks = c.split(doc.text, doc.titleLength);
    assertThat(counter.tokenize(chunks.head()).size()).isEqualTo(30); // 32 - [CLS], [SEP]
    for (String t : ChunkTexts.of(doc.body(), chunks.ranges(), chunks.head())) {
      assertThat(counter.tokenize(t).modelTokens()).isLessThanOrEqualTo(64);
    }
  }

  @Test
  void stopsAtMaxChunksAndSaysSo() throws Exception {
    DocumentChunker c = open(new ChunkingSettings(true, 0, 0, 3, OverChunkLimit.DEAD_LETTER), "");
    DocumentChunks chunks = c.split(longText(new Random(2), 2000), 0);
    assertThat(chunks.count()).isEqualTo(3);
    assertThat(chunks.leftOver()).isTrue();
  }

  /**
   * The property test: random texts of words in several scripts (accented Latin, Greek, Cyrillic,
   * CJK, emoji and mathematical letters outside the BMP), with sentence and paragraph breaks. For
   * every chunk, the code point offsets select, Python-style from the text's code points, exactly
   * the text the chunk is embedded with; every token of the text is inside some chunk.
   */
  @Test
  void offsetsInCodePointsSelectTheChunkTextAndChunksCoverEveryToken() throws Exception {
    DocumentChunker c = open(new ChunkingSettings(true, 48, 8, 1000, OverChunkLimit.TRUNCATE), "");
    Random random = new Random(42);
    int chunked = 0;
    for (int round = 0; round < 200; round++) {
      String title = random.nextBoolean() ? null : word(random) + " " + word(random);
      String body = longText(random, random.nextInt(200));
      DocumentChange doc = DocumentChange.upsert("d", "ns", title, body, Map.of(), 0);
      DocumentChunks chunks = c.split(doc.text, doc.titleLength);
      if (chunks.ranges() == null) {
        assertThat(counter.tokenize(doc.text).modelTokens()).isLessThanOrEqualTo(48);
        continue;
      }
      chunked++;
      int[] codePoints = body.codePoints().toArray();
      List<String> texts = ChunkTexts.of(body, chunks.ranges(), chunks.head());
      String head = chunks.head() == null ? "" : chunks.head();
      for (int i = 0; i < chunks.count(); i++) {
        int start = chunks.ranges()[2 * i];
        int end = chunks.ranges()[2 * i + 1];
        String byCodePoints = new String(codePoints, start, end - start);
        assertThat(head + byCodePoints).as("chunk %d of %s", i, body).isEqualTo(texts.get(i));
        assertThat(counter.tokenize(texts.get(i)).modelTokens()).isLessThanOrEqualTo(48);
      }
      assertThat(chunks.ranges()[0]).isZero();
      assertThat(chunks.ranges()[chunks.ranges().length - 1]).isEqualTo(codePoints.length);
      TokenSpans tokens = counter.tokenize(body);
      int[] cpStarts = CodePoints.codePointsOf(body, tokens.starts());
      int[] cpEnds = CodePoints.codePointsOf(body, tokens.ends());
      for (int t = 0; t < tokens.size(); t++) {
        boolean inSome = false;
        for (int i = 0; i < chunks.count() && !inSome; i++) {
          inSome = chunks.ranges()[2 * i] <= cpStarts[t] && cpEnds[t] <= chunks.ranges()[2 * i + 1];
        }
        assertThat(inSome)
            .as(
                "token %d (%s) of %s in %s",
                t,
                body.substring(tokens.starts()[t], tokens.ends()[t]),
                body,
                Arrays.toString(chunks.ranges()))
            .isTrue();
      }
    }
    assertThat(chunked).isGreaterThan(100);
  }

  @Test
  void overlapMustStayBelowHalfTheWindow() {
    assertThatThrownBy(
            () ->
                new DocumentChunker(
                    new ChunkingSettings(true, 64, 32, 10, OverChunkLimit.TRUNCATE),
                    256,
                    "",
                    HuggingFaceTextTokenizer.factory(MINILM)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mstream.chunk.overlap-tokens=32");
  }

  private static final String[][] SCRIPTS = {
    {"alpha", "river", "stone", "engine", "maple", "signal"},
    {"café", "naïve", "Grüße", "façade", "señor", "élan"},
    {"λόγος", "δέντρο", "θάλασσα", "книга", "город", "время"},
    {"日本語", "東京", "漢字", "中文", "文章", "言葉"},
    {"😀", "🪆x", "a😀b", "𝔘𝔫𝔦", "𠀋字", "🎉🎉"},
  };

  private static String word(Random random) {
    String[] script = SCRIPTS[random.nextInt(SCRIPTS.length)];
    return script[random.nextInt(script.length)];
  }

  /** About {@code words} words in sentences of up to 12, with a paragraph break now and then. */
  private static String longText(Random random, int words) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < words; i++) {
      b.append(word(random));
      int r = random.nextInt(24);
      b.append(
          r == 0 ? ".\n\n" : r < 3 ? ". " : r == 3 ? "。" : r == 4 ? ", " : r == 5 ? "\n" : " ");
    }
    return b.toString();
  }
}
