package dev.mstream.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A user's own model through a profile file: {@code mstream.model=/path/profile.yaml}. */
class ModelProfileFileTest {

  @TempDir Path dir;

  @BeforeEach
  void modelFiles() throws IOException {
    // Placeholders: loading a profile checks that the files exist, it does not open them.
    Files.writeString(dir.resolve("model.onnx"), "not really onnx");
    Files.writeString(dir.resolve("tokenizer.json"), "{}");
  }

  private Path write(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return file;
  }

  private static final String COMPLETE_YAML =
      String.join(
          "\n",
          "name: nomic-embed-text-v1.5",
          "onnxModel: model.onnx",
          "tokenizer: tokenizer.json",
          "pooling: mean",
          "maxTokens: 512",
          "dimension: 768",
          "queryPrefix: 'search_query: '",
          "documentPrefix: 'search_document: '",
          "matryoshka: true",
          "matryoshkaDims: [64, 128, 256, 512, 768]",
          "queryDims: 128",
          "queryCandidates: 200",
          "chunkTokens: 384",
          "chunkOverlapTokens: 48",
          "");

  @Test
  void yamlProfileWithEverySetting() throws IOException {
    ModelProfile p = ModelProfileFile.load(write("nomic.yaml", COMPLETE_YAML));
    assertThat(p.name()).isEqualTo("nomic-embed-text-v1.5");
    assertThat(p.onnxModel()).isEqualTo(dir.resolve("model.onnx").toAbsolutePath().toString());
    assertThat(p.tokenizer()).isEqualTo(dir.resolve("tokenizer.json").toAbsolutePath().toString());
    assertThat(p.pooling()).isEqualTo(Pooling.MEAN);
    assertThat(p.maxTokens()).isEqualTo(512);
    assertThat(p.dimension()).isEqualTo(768);
    assertThat(p.prefix(TextRole.QUERY)).isEqualTo("search_query: ");
    assertThat(p.prefix(TextRole.DOCUMENT)).isEqualTo("search_document: ");
    assertThat(p.matryoshka()).isTrue();
    assertThat(p.matryoshkaDims()).containsExactly(64, 128, 256, 512, 768);
    assertThat(p.normalize()).isTrue();
    assertThat(p.batchDependent()).isFalse();
    assertThat(p.queryDims()).isEqualTo(128);
    assertThat(p.queryCandidates()).isEqualTo(200);
    assertThat(p.chunkTokens()).isEqualTo(384);
    assertThat(p.chunkOverlapTokens()).isEqualTo(48);
  }

  @Test
  void jsonProfileWithDefaultsAndNameFromTheFile() throws IOException {
    Path file =
        write(
            "my-bge.json",
            "{\"onnxModel\": \"model.onnx\", \"tokenizer\": \"tokenizer.json\","
                + " \"pooling\": \"CLS\", \"maxTokens\": 512, \"dimension\": 384}");
    ModelProfile p = ModelProfiles.resolve(file.toString());
    assertThat(p.name()).isEqualTo("my-bge");
    assertThat(p.pooling()).isEqualTo(Pooling.CLS);
    assertThat(p.queryPrefix()).isEmpty();
    assertThat(p.documentPrefix()).isEmpty();
    assertThat(p.matryoshkaDims()).containsExactly(384);
    assertThat(p.queryDims()).isZero();
    assertThat(p.queryCandidates()).isZero();
    assertThat(p.chunkTokens()).isZero();
    assertThat(p.chunkOverlapTokens()).isEqualTo(-1);
  }

  @Test
  void missingRequiredSettingIsNamed() throws IOException {
    Path file = write("p.yaml", COMPLETE_YAML.replace("dimension: 768\n", ""));
    assertThatThrownBy(() -> ModelProfiles.resolve(file.toString()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("missing required setting 'dimension'");
  }

  @Test
  void unknownSettingIsNamedSoTyposDoNotPassSilently() throws IOException {
    Path file =
        write("p.yaml", COMPLETE_YAML.replace("pooling: mean", "pooling: mean\npoolng: cls"));
    assertThatThrownBy(() -> ModelProfileFile.load(file))
        .hasMessageContaining("unknown setting 'poolng'")
        .hasMessageContaining("pooling");
  }

  @Test
  void wrongTypesAndValuesAreNamed() throws IOException {
    assertThatThrownBy(
            () ->
                ModelProfileFile.load(
                    write("a.yaml", COMPLETE_YAML.replace("maxTokens: 512", "maxTokens: many"))))
        .hasMessageContaining("setting 'maxTokens' must be integer")
        .hasMessageContaining("'many'");
    assertThatThrownBy(
            () ->
                ModelProfileFile.load(
                    write("b.yaml", COMPLETE_YAML.replace("pooling: mean", "pooling: max"))))
        .hasMessageContaining("setting 'pooling' is 'max'; expected mean or cls");
    assertThatThrownBy(
            () ->
                ModelProfileFile.load(
                    write("c.yaml", COMPLETE_YAML.replace("matryoshka: true", "matryoshka: 1"))))
        .hasMessageContaining("setting 'matryoshka' must be true or false");
    assertThatThrownBy(
            () ->
                ModelProfileFile.load(
                    write("d.yaml", COMPLETE_YAML.replace("[64, 128", "[128, 64"))))
        .hasMessageContaining("'matryoshkaDims' must be strictly ascending");
    assertThatThrownBy(
            () ->
                ModelProfileFile.load(
                    write("e.yaml", COMPLETE_YAML.replace("maxTokens: 512", "maxTokens: 0"))))
        .hasMessageContaining("'maxTokens' must be > 0");
    assertThatThrownBy(
            () ->
                ModelProfileFile.load(
                    write("f.yaml", COMPLETE_YAML.replace("queryDims: 128", "queryDims: 1024"))))
        .hasMessageContaining("'queryDims' must be in 1..768");
    assertThatThrownBy(
            () ->
                ModelProfileFile.load(
                    write(
                        "g.yaml",
                        COMPLETE_YAML.replace("queryCandidates: 200", "queryCandidates: -5"))))
        .hasMessageContaining("'queryCandidates' must be > 0");
  }

  @Test
  void missingModelFileIsNamedWithTheResolvedPath() throws IOException {
    Path file =
        write("p.yaml", COMPLETE_YAML.replace("onnxModel: model.onnx", "onnxModel: gone.onnx"));
    assertThatThrownBy(() -> ModelProfileFile.load(file))
        .hasMessageContaining("setting 'onnxModel'")
        .hasMessageContaining(dir.resolve("gone.onnx").toString())
        .hasMessageContaining("does not exist");
  }

  @Test
  void notAProfileAtAll() throws IOException {
    assertThatThrownBy(() -> ModelProfileFile.load(write("x.json", "{\"name\": ")))
        .hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> ModelProfileFile.load(write("y.yaml", "- just\n- a list\n")))
        .hasMessageContaining("expected a mapping of settings");
    assertThatThrownBy(() -> ModelProfiles.resolve(dir.resolve("absent.yml").toString()))
        .hasMessageContaining("the file does not exist");
  }

  /**
   * The real thing: the bundled int8 MiniLM's files copied out of their jar and described by a
   * profile file give the same vectors as the built-in profile.
   */
  @Test
  void profileFileRunsAModelLikeTheBuiltInOne() throws IOException {
    ModelProfile builtIn = ModelProfiles.builtIn("all-minilm-l6-v2-q");
    copyResource(builtIn.onnxModel(), dir.resolve("minilm.onnx"));
    copyResource(builtIn.tokenizer(), dir.resolve("minilm-tokenizer.json"));
    Path file =
        write(
            "minilm.yml",
            String.join(
                "\n",
                "onnxModel: minilm.onnx",
                "tokenizer: minilm-tokenizer.json",
                "pooling: mean",
                "maxTokens: 256",
                "dimension: 384",
                "batchDependent: true",
                ""));
    ModelProfile fromFile = ModelProfiles.resolve(file.toString());
    List<String> texts = List.of("A cat sits on the mat.", "Stock markets fell sharply today.");
    EmbedderOptions options = EmbedderOptions.defaults().withIntraOpThreads(1);
    float[][] expected;
    float[][] actual;
    try (OnnxEmbeddingModel model = OnnxEmbeddingModel.open(builtIn, options)) {
      expected = model.embed(texts, TextRole.DOCUMENT);
    }
    try (OnnxEmbeddingModel model = OnnxEmbeddingModel.open(fromFile, options)) {
      actual = model.embed(texts, TextRole.DOCUMENT);
    }
    for (int i = 0; i < texts.size(); i++) {
      assertThat(Vectors.cosine(actual[i], expected[i])).isCloseTo(1.0, within(1e-6));
    }
  }

  @Test
  void wrongDimensionInAProfileFileIsNamedWhenTheModelOpens() throws IOException {
    ModelProfile builtIn = ModelProfiles.builtIn("all-minilm-l6-v2-q");
    copyResource(builtIn.onnxModel(), dir.resolve("minilm.onnx"));
    copyResource(builtIn.tokenizer(), dir.resolve("minilm-tokenizer.json"));
    Path file =
        write(
            "wrong.yaml",
            "{onnxModel: minilm.onnx, tokenizer: minilm-tokenizer.json, pooling: mean,"
                + " maxTokens: 256, dimension: 768}\n");
    ModelProfile p = ModelProfiles.resolve(file.toString());
    assertThatThrownBy(() -> OnnxEmbeddingModel.open(p).close())
        .isInstanceOf(EmbeddingException.class)
        .hasMessageContaining("'dimension' is 768")
        .hasMessageContaining("384");
  }

  private static void copyResource(String name, Path target) throws IOException {
    try (InputStream in = ModelProfileFileTest.class.getClassLoader().getResourceAsStream(name)) {
      assertThat(in).as("resource " + name).isNotNull();
      Files.copy(in, target);
    }
  }
}
