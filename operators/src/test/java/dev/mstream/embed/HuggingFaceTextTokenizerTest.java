package dev.mstream.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Token spans of the bundled MiniLM tokenizer, in Java chars, and the handle's lifecycle. */
class HuggingFaceTextTokenizerTest {

  @Test
  void spansAreJavaCharIndexesEvenAfterSurrogatePairsAndMultiByteCharacters() {
    // 😀 is two chars (a surrogate pair) and 4 UTF-8 bytes; é and 日 are one char, 2 and 3 bytes.
    String text = "héllo 😀 wörld 日本 end.";
    try (HuggingFaceTextTokenizer t =
        HuggingFaceTextTokenizer.open(ModelProfiles.defaultProfile())) {
      TokenSpans spans = t.tokenize(text);
      assertThat(spans.specialTokens()).isEqualTo(2); // [CLS] and [SEP]
      StringBuilder pieces = new StringBuilder();
      for (int i = 0; i < spans.size(); i++) {
        pieces.append('|').append(text, spans.starts()[i], spans.ends()[i]);
      }
      assertThat(pieces.toString()).isEqualTo("|héllo|😀|wörld|日|本|end|.");
      assertThat(spans.modelTokens()).isEqualTo(spans.size() + 2);
    }
  }

  @Test
  void neverTruncates() {
    String text = "word ".repeat(2000);
    try (HuggingFaceTextTokenizer t =
        HuggingFaceTextTokenizer.open(ModelProfiles.defaultProfile())) {
      assertThat(t.tokenize(text).size()).isEqualTo(2000);
    }
  }

  @Test
  void closeReleasesTheHandleAndIsIdempotent() {
    HuggingFaceTextTokenizer t = HuggingFaceTextTokenizer.open(ModelProfiles.defaultProfile());
    t.close();
    assertThat(t.released()).isTrue();
    t.close();
    assertThatThrownBy(() -> t.tokenize("x")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aMissingTokenizerNamesTheProfileAndSetting() {
    ModelProfile p =
        ModelProfiles.defaultProfile().toBuilder().name("broken").tokenizer("no/such.json").build();
    assertThatThrownBy(() -> HuggingFaceTextTokenizer.open(p))
        .isInstanceOf(EmbeddingException.class)
        .hasMessageContaining("'broken'")
        .hasMessageContaining("'tokenizer'");
  }
}
