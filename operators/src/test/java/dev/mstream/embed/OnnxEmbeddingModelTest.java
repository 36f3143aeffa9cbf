package dev.mstream.embed;

import static dev.mstream.embed.Vectors.cosine;
import static dev.mstream.embed.Vectors.norm;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The bundled int8 all-MiniLM-L6-v2 end to end: tokenizer, ONNX Runtime, pooling. */
class OnnxEmbeddingModelTest {
  private static final String SHORT = "A man is playing a guitar.";
  private static final String LONG =
      "The committee met on Tuesday afternoon to review the quarterly budget, the hiring plan for"
          + " the new research group, and a long list of proposals about office space, travel"
          + " policy, and the schedule for the annual conference that will be held next spring.";

  private static OnnxEmbeddingModel model;

  @BeforeAll
  static void open() {
    model =
        OnnxEmbeddingModel.open(
            ModelProfiles.defaultProfile(), EmbedderOptions.defaults().withIntraOpThreads(2));
  }

  @AfterAll
  static void close() {
    model.close();
  }

  private static float[] one(String text) {
    return model.embed(List.of(text), TextRole.DOCUMENT)[0];
  }

  @Test
  void runsOnCpuWithTheDefaultProfile() {
    assertThat(model.executionProvider()).isEqualTo("CPU");
    assertThat(model.profile().name()).isEqualTo("all-minilm-l6-v2-q");
    assertThat(model.dimension()).isEqualTo(384);
  }

  @Test
  void paraphrasesAreCloserThanUnrelatedSentences() {
    float[][] v =
        model.embed(
            List.of(SHORT, "Someone plays the guitar.", "The stock market fell sharply today."),
            TextRole.DOCUMENT);
    double paraphrase = cosine(v[0], v[1]);
    double unrelated = cosine(v[0], v[2]);
    assertThat(paraphrase).isGreaterThan(unrelated + 0.3);
    assertThat(paraphrase).isGreaterThan(0.6);
  }

  @Test
  void vectorsAreUnitLengthFullDimensionAndInInputOrder() {
    // distinct token counts, so both input orders sort into the same sub-batches of two
    List<String> texts =
        List.of(
            LONG,
            "Hi.",
            SHORT,
            LONG + " And then some more words at the end.",
            "Markets fell.",
            "");
    List<String> reversed = new ArrayList<>(texts);
    Collections.reverse(reversed);
    try (EmbeddingModel small =
        OnnxEmbeddingModel.open(
            ModelProfiles.defaultProfile(),
            EmbedderOptions.defaults().withIntraOpThreads(2).withMaxBatchSize(2))) {
      float[][] forward = small.embed(texts, TextRole.DOCUMENT);
      float[][] backward = small.embed(reversed, TextRole.DOCUMENT);
      assertThat(forward).hasNumberOfRows(texts.size());
      int n = texts.size();
      for (int i = 0; i < n; i++) {
        assertThat(forward[i]).hasSize(384);
        assertThat(norm(forward[i])).isCloseTo(1.0, within(1e-5));
        assertThat(cosine(forward[i], backward[n - 1 - i]))
            .as("text %d gets the same vector whatever its input position", i)
            .isGreaterThan(0.9999);
        float[] alone = one(texts.get(i));
        for (int j = 0; j < n; j++) {
          if (j != i) {
            assertThat(cosine(forward[i], alone))
                .as("vector %d is closer to its own text than to text %d", i, j)
                .isGreaterThan(cosine(forward[j], alone));
          }
        }
      }
    }
  }

  @Test
  void emptyInputGivesNoVectors() {
    assertThat(model.embed(List.of(), TextRole.QUERY)).isEmpty();
  }

  @Test
  void nullTextIsRejectedWithItsIndex() {
    assertThatThrownBy(() -> model.embed(Arrays.asList("a", null), TextRole.QUERY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("text 1");
  }

  @Test
  void textsLongerThanMaxTokensAreTruncatedAndCounted() {
    long before = model.truncatedTexts();
    String veryLong = "word ".repeat(600);
    String evenLonger = "word ".repeat(1200);
    float[][] v = model.embed(List.of(veryLong, SHORT, evenLonger), TextRole.DOCUMENT);
    assertThat(model.truncatedTexts() - before).isEqualTo(2);
    // both are cut to the same first 256 tokens
    assertThat(cosine(v[0], v[2])).isGreaterThan(0.9999);

    model.embed(List.of("word ".repeat(254)), TextRole.DOCUMENT);
    assertThat(model.truncatedTexts() - before).as("254 words + [CLS] + [SEP] fit").isEqualTo(2);
  }

  @Test
  void rolePrefixesAreAddedToTheText() {
    ModelProfile prefixed =
        ModelProfiles.defaultProfile().toBuilder()
            .name("minilm-with-prefixes")
            .queryPrefix("query: ")
            .documentPrefix("passage: ")
            .build();
    try (OnnxEmbeddingModel withPrefixes =
        OnnxEmbeddingModel.open(prefixed, EmbedderOptions.defaults().withIntraOpThreads(2))) {
      float[] query = withPrefixes.embed(List.of(SHORT), TextRole.QUERY)[0];
      float[] doc = withPrefixes.embed(List.of(SHORT), TextRole.DOCUMENT)[0];
      assertThat(cosine(query, one("query: " + SHORT))).isGreaterThan(0.9999);
      assertThat(cosine(doc, one("passage: " + SHORT))).isGreaterThan(0.9999);
      assertThat(cosine(query, doc)).isLessThan(0.9999);
    }
  }

  @Test
  void clsPoolingDiffersFromMeanPooling() {
    ModelProfile cls =
        ModelProfiles.defaultProfile().toBuilder().name("minilm-cls").pooling(Pooling.CLS).build();
    try (OnnxEmbeddingModel clsModel =
        OnnxEmbeddingModel.open(cls, EmbedderOptions.defaults().withIntraOpThreads(2))) {
      float[] v = clsModel.embed(List.of(SHORT), TextRole.DOCUMENT)[0];
      assertThat(norm(v)).isCloseTo(1.0, within(1e-5));
      assertThat(cosine(v, one(SHORT))).isLessThan(0.99);
    }
  }
}
