package dev.mstream.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening from files, failing clearly on bad profiles, and releasing native handles. */
class OnnxEmbeddingModelLifecycleTest {
  private static final EmbedderOptions TWO_THREADS =
      EmbedderOptions.defaults().withIntraOpThreads(2);

  @Test
  void closeReleasesHandlesAndIsIdempotent() {
    OnnxEmbeddingModel model = OnnxEmbeddingModel.open(ModelProfiles.defaultProfile(), TWO_THREADS);
    assertThat(model.embed(List.of("hello"), TextRole.QUERY)).hasNumberOfRows(1);
    model.close();
    assertThat(model.tokenizerHandle().isReleased()).isTrue();
    assertThatThrownBy(() -> model.sessionHandle().getInputInfo())
        .isInstanceOf(IllegalStateException.class);
    model.close();
    assertThatThrownBy(() -> model.embed(List.of("hello"), TextRole.QUERY))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void opensModelAndTokenizerFromFiles(@TempDir Path dir) throws Exception {
    ModelProfile bundled = ModelProfiles.defaultProfile();
    Path onnx = copyResource(bundled.onnxModel(), dir);
    Path tokenizer = copyResource(bundled.tokenizer(), dir);
    ModelProfile fromFiles =
        bundled.toBuilder()
            .name("minilm-from-files")
            .onnxModel(onnx.toString())
            .tokenizer(tokenizer.toString())
            .build();
    try (OnnxEmbeddingModel a = OnnxEmbeddingModel.open(fromFiles, TWO_THREADS);
        OnnxEmbeddingModel b = OnnxEmbeddingModel.open(bundled, TWO_THREADS)) {
      float[] va = a.embed(List.of("files and resources agree"), TextRole.DOCUMENT)[0];
      float[] vb = b.embed(List.of("files and resources agree"), TextRole.DOCUMENT)[0];
      assertThat(Vectors.cosine(va, vb)).isGreaterThan(0.9999);
    }
  }

  @Test
  void missingModelFileNamesTheSetting() {
    ModelProfile p =
        ModelProfiles.defaultProfile().toBuilder().onnxModel("no/such/model.onnx").build();
    assertThatThrownBy(() -> OnnxEmbeddingModel.open(p, TWO_THREADS))
        .isInstanceOf(EmbeddingException.class)
        .hasMessageContaining("'onnxModel'")
        .hasMessageContaining("no/such/model.onnx");
  }

  @Test
  void missingTokenizerNamesTheSetting() {
    ModelProfile p =
        ModelProfiles.defaultProfile().toBuilder().tokenizer("no-such-tokenizer.json").build();
    assertThatThrownBy(() -> OnnxEmbeddingModel.open(p, TWO_THREADS))
        .isInstanceOf(EmbeddingException.class)
        .hasMessageContaining("'tokenizer'")
        .hasMessageContaining("no-such-tokenizer.json");
  }

  @Test
  void dimensionThatDisagreesWithTheModelIsRejectedAtOpen() {
    ModelProfile p =
        ModelProfiles.defaultProfile().toBuilder()
            .dimension(768)
            .matryoshkaDims(List.of(768))
            .build();
    assertThatThrownBy(() -> OnnxEmbeddingModel.open(p, TWO_THREADS))
        .isInstanceOf(EmbeddingException.class)
        .hasMessageContaining("'dimension' is 768")
        .hasMessageContaining("384");
  }

  private static Path copyResource(String name, Path dir) throws Exception {
    Path target = dir.resolve(name);
    try (InputStream in = OnnxEmbeddingModelLifecycleTest.class.getResourceAsStream("/" + name)) {
      assertThat(in).as("resource %s", name).isNotNull();
      Files.copy(in, target);
    }
    return target;
  }
}
