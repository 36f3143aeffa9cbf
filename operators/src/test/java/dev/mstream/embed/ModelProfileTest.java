package dev.mstream.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelProfileTest {

  private static ModelProfile.Builder valid() {
    return ModelProfile.builder("x")
        .onnxModel("x.onnx")
        .tokenizer("x-tokenizer.json")
        .maxTokens(128)
        .dimension(8);
  }

  @Test
  void builtInMiniLmProfilesMatchSentenceTransformers() {
    for (String name : List.of("all-minilm-l6-v2-q", "all-minilm-l6-v2")) {
      ModelProfile p = ModelProfiles.builtIn(name);
      assertThat(p.name()).isEqualTo(name);
      assertThat(p.onnxModel()).isEqualTo(name + ".onnx");
      assertThat(p.tokenizer()).isEqualTo(name + "-tokenizer.json");
      assertThat(p.pooling()).isEqualTo(Pooling.MEAN);
      assertThat(p.maxTokens()).isEqualTo(256);
      assertThat(p.queryPrefix()).isEmpty();
      assertThat(p.documentPrefix()).isEmpty();
      assertThat(p.dimension()).isEqualTo(384);
      assertThat(p.normalize()).isTrue();
      assertThat(p.matryoshka()).isFalse();
      assertThat(p.matryoshkaDims()).containsExactly(16, 32, 64, 128, 256, 384);
    }
    assertThat(ModelProfiles.DEFAULT).isEqualTo("all-minilm-l6-v2-q");
    assertThat(ModelProfiles.defaultProfile().name()).isEqualTo(ModelProfiles.DEFAULT);
    assertThat(ModelProfiles.names()).first().isEqualTo(ModelProfiles.DEFAULT);
  }

  @Test
  void unknownBuiltInListsKnownNames() {
    assertThatThrownBy(() -> ModelProfiles.builtIn("bert-huge"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'bert-huge'")
        .hasMessageContaining("all-minilm-l6-v2-q")
        .hasMessageContaining("all-minilm-l6-v2");
  }

  @Test
  void defaultsAreMeanPoolingNormalisedNoPrefixesFullDimension() {
    ModelProfile p = valid().build();
    assertThat(p.pooling()).isEqualTo(Pooling.MEAN);
    assertThat(p.normalize()).isTrue();
    assertThat(p.matryoshka()).isFalse();
    assertThat(p.prefix(TextRole.QUERY)).isEmpty();
    assertThat(p.prefix(TextRole.DOCUMENT)).isEmpty();
    assertThat(p.matryoshkaDims()).containsExactly(8);
  }

  @Test
  void prefixFollowsRole() {
    ModelProfile p = valid().queryPrefix("query: ").documentPrefix("passage: ").build();
    assertThat(p.prefix(TextRole.QUERY)).isEqualTo("query: ");
    assertThat(p.prefix(TextRole.DOCUMENT)).isEqualTo("passage: ");
  }

  @Test
  void missingNameIsNamed() {
    assertThatThrownBy(() -> valid().name(" ").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'name'");
  }

  @Test
  void missingOrInvalidSettingsAreNamedWithTheProfile() {
    expectProblem(valid().onnxModel(null), "'onnxModel'");
    expectProblem(valid().tokenizer(""), "'tokenizer'");
    expectProblem(valid().pooling(null), "'pooling'");
    expectProblem(valid().maxTokens(0), "'maxTokens' must be > 0");
    expectProblem(valid().queryPrefix(null), "'queryPrefix'");
    expectProblem(valid().documentPrefix(null), "'documentPrefix'");
    expectProblem(valid().dimension(0), "'dimension' must be > 0");
    expectProblem(valid().matryoshkaDims(List.of()), "'matryoshkaDims'");
    expectProblem(valid().matryoshkaDims(List.of(4, 16)), "'matryoshkaDims'");
    expectProblem(valid().matryoshkaDims(List.of(0, 8)), "'matryoshkaDims'");
    expectProblem(valid().matryoshkaDims(List.of(4, 2, 8)), "'matryoshkaDims'");
    expectProblem(valid().chunkTokens(-1), "'chunkTokens'");
    expectProblem(valid().chunkTokens(100_000), "'chunkTokens'");
    expectProblem(valid().chunkOverlapTokens(-2), "'chunkOverlapTokens'");
  }

  @Test
  void theConstructorChecksAsTheBuilderDoes() {
    // Java serialization of a record goes through its canonical constructor, so bytes that bypass
    // the builder are checked too.
    assertThatThrownBy(
            () ->
                new ModelProfile(
                    "x",
                    "x.onnx",
                    "t.json",
                    Pooling.MEAN,
                    128,
                    "",
                    "",
                    8,
                    true,
                    false,
                    false,
                    List.of(16),
                    0,
                    0,
                    0,
                    -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("model profile 'x': 'matryoshkaDims' entries must be in 1..8 (was 16)");
  }

  private static void expectProblem(ModelProfile.Builder builder, String setting) {
    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("model profile 'x': ")
        .hasMessageContaining(setting);
  }

  @Test
  void matryoshkaDimsAreCopied() {
    ArrayList<Integer> dims = new ArrayList<>(List.of(4, 8));
    ModelProfile p = valid().matryoshkaDims(dims).build();
    dims.add(16);
    assertThat(p.matryoshkaDims()).containsExactly(4, 8);
    assertThatThrownBy(() -> p.matryoshkaDims().add(2))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void toBuilderRoundTripsAndDerivesVariants() {
    ModelProfile p = ModelProfiles.defaultProfile();
    assertThat(p.toBuilder().build()).isEqualTo(p).hasSameHashCodeAs(p);
    ModelProfile cls = p.toBuilder().name("cls").pooling(Pooling.CLS).build();
    assertThat(cls.pooling()).isEqualTo(Pooling.CLS);
    assertThat(cls.dimension()).isEqualTo(p.dimension());
    assertThat(cls).isNotEqualTo(p);
  }

  @Test
  void survivesJavaSerialization() throws Exception {
    ModelProfile p = ModelProfiles.defaultProfile();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(p);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      assertThat(in.readObject()).isEqualTo(p);
    }
  }
}
