package dev.mstream.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The model fingerprint: what changes it, what does not, and that it is stable. */
class ModelIdentityTest {

  private static final Logger LOG = LoggerFactory.getLogger(ModelIdentityTest.class);

  private static final ModelProfile INT8 = ModelProfiles.builtIn("all-minilm-l6-v2-q");
  private static final ModelProfile FP32 = ModelProfiles.builtIn("all-minilm-l6-v2");

  /**
   * The fingerprint of the default model, pinned: an index built today must be recognised by every
   * later build. It changes only with the model jar (a new jar is a new model) or {@link
   * ModelIdentity#FORMAT}, and then every index built before is refused on restore, on purpose.
   */
  private static final String DEFAULT_FINGERPRINT = "6a262893f20f50d3";

  @TempDir Path dir;

  @Test
  void builtInModelsHaveStableDistinctFingerprints() {
    long start = System.nanoTime();
    ModelIdentity int8 = ModelIdentity.of(INT8);
    LOG.info("fingerprint of {} in {} ms", int8, Math.round((System.nanoTime() - start) / 1e6));
    start = System.nanoTime();
    assertThat(ModelIdentity.of(INT8)).isEqualTo(int8);
    LOG.info("again in {} ms", Math.round((System.nanoTime() - start) / 1e6));
    assertThat(int8.name()).isEqualTo("all-minilm-l6-v2-q");
    assertThat(int8.fingerprint()).matches("[0-9a-f]{16}").isEqualTo(DEFAULT_FINGERPRINT);
    start = System.nanoTime();
    ModelIdentity fp32 = ModelIdentity.of(FP32);
    LOG.info("fingerprint of {} in {} ms", fp32, Math.round((System.nanoTime() - start) / 1e6));
    assertThat(fp32.sameModel(int8)).isFalse();
  }

  @Test
  void everySettingThatChangesVectorsChangesTheFingerprint() {
    String base = ModelIdentity.of(INT8).fingerprint();
    List<UnaryOperator<ModelProfile.Builder>> changes =
        List.of(
            b -> b.pooling(Pooling.CLS),
            b -> b.maxTokens(128),
            b -> b.queryPrefix("query: "),
            b -> b.documentPrefix("passage: "),
            b -> b.normalize(false),
            b -> b.dimension(256).matryoshkaDims(List.of(256)),
            b -> b.onnxModel(FP32.onnxModel()));
    for (UnaryOperator<ModelProfile.Builder> change : changes) {
      ModelProfile changed = change.apply(INT8.toBuilder()).build();
      assertThat(ModelIdentity.of(changed).fingerprint()).as(changed.toString()).isNotEqualTo(base);
    }
  }

  @Test
  void labelsAndIndexUsageDoNotChangeTheFingerprint() {
    String base = ModelIdentity.of(INT8).fingerprint();
    List<UnaryOperator<ModelProfile.Builder>> labels =
        List.of(
            b -> b.name("my-minilm"),
            b -> b.matryoshka(true),
            b -> b.matryoshkaDims(List.of(64, 384)),
            b -> b.queryDims(64).queryCandidates(300),
            b -> b.batchDependent(false));
    for (UnaryOperator<ModelProfile.Builder> label : labels) {
      ModelProfile relabelled = label.apply(INT8.toBuilder()).build();
      assertThat(ModelIdentity.of(relabelled).fingerprint())
          .as(relabelled.toString())
          .isEqualTo(base);
    }
  }

  @Test
  void aProfileFileOverTheSameFilesIsTheSameModelAndOneChangedByteIsNot() throws IOException {
    Path onnx = copyResource(INT8.onnxModel());
    Path tokenizer = copyResource(INT8.tokenizer());
    Path profile = dir.resolve("mine.yaml");
    Files.writeString(
        profile,
        String.join(
            "\n",
            "onnxModel: " + onnx.getFileName(),
            "tokenizer: " + tokenizer.getFileName(),
            "pooling: mean",
            "maxTokens: 256",
            "dimension: 384",
            ""));
    ModelIdentity fromFile = ModelIdentity.of(ModelProfiles.resolve(profile.toString()));
    assertThat(fromFile.name()).isEqualTo("mine");
    assertThat(fromFile.sameModel(ModelIdentity.of(INT8))).isTrue();

    byte[] bytes = Files.readAllBytes(onnx);
    bytes[bytes.length / 2] ^= 1;
    Files.write(onnx, bytes);
    assertThat(ModelIdentity.of(ModelProfiles.resolve(profile.toString())).sameModel(fromFile))
        .isFalse();
  }

  @Test
  void theOpenedModelReportsTheIdentityOfItsFiles() {
    try (OnnxEmbeddingModel model =
        OnnxEmbeddingModel.open(INT8, EmbedderOptions.defaults().withIntraOpThreads(1))) {
      assertThat(model.identity()).isEqualTo(ModelIdentity.of(INT8));
    }
  }

  @Test
  void idParsesBackAndOldIdsWithoutFingerprintAreComparedAsText() {
    ModelIdentity id = ModelIdentity.of(INT8);
    assertThat(ModelIdentity.parse(id.id())).isEqualTo(id);
    assertThat(ModelIdentity.parse("all-minilm-l6-v2-q")).isNull();
    assertThat(ModelIdentity.parse("name@xyz")).isNull();
    assertThat(ModelIdentity.sameModel(id.id(), "renamed@" + id.fingerprint())).isTrue();
    assertThat(ModelIdentity.sameModel(id.id(), "all-minilm-l6-v2-q")).isFalse();
    assertThat(ModelIdentity.sameModel("test-model", "test-model")).isTrue();
    assertThat(Long.toHexString(id.fingerprintBits()))
        .isEqualTo(id.fingerprint().replaceFirst("^0+(?=.)", ""));
  }

  @Test
  void aMissingFileIsNamed() {
    ModelProfile missing = INT8.toBuilder().onnxModel(dir.resolve("gone.onnx").toString()).build();
    assertThatThrownBy(() -> ModelIdentity.of(missing))
        .isInstanceOf(EmbeddingException.class)
        .hasMessageContaining("all-minilm-l6-v2-q")
        .hasMessageContaining("gone.onnx");
  }

  @Test
  void fakesDescribeThemselves() {
    ModelProfile fake =
        INT8.toBuilder().name("fake").onnxModel("(none)").tokenizer("(none)").build();
    assertThat(ModelIdentity.describing(fake, "v1"))
        .isEqualTo(ModelIdentity.describing(fake, "v1"))
        .isNotEqualTo(ModelIdentity.describing(fake, "v2"));
  }

  private Path copyResource(String name) throws IOException {
    Path target = dir.resolve(name);
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(name)) {
      assertThat(in).as(name).isNotNull();
      Files.copy(in, target);
    }
    return target;
  }
}
