package dev.mstream.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Device selection on a machine without CUDA, the case every developer and CI machine is. */
class ExecutionProviderTest {

  @BeforeEach
  void requireCpuOnlyOnnxRuntime() {
    // with onnxruntime_gpu on a GPU machine "cuda" would rightly succeed
    assumeFalse(
        OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA),
        "this ONNX Runtime build has the CUDA provider; these tests cover CPU-only machines");
  }

  @Test
  void autoFallsBackToCpuAndWorks() {
    try (OnnxEmbeddingModel model =
        OnnxEmbeddingModel.open(
            ModelProfiles.defaultProfile(),
            EmbedderOptions.defaults().withIntraOpThreads(2).withDevice("auto"))) {
      assertThat(model.executionProvider()).isEqualTo("CPU");
      assertThat(model.embed(List.of("still works on CPU"), TextRole.QUERY)[0]).hasSize(384);
    }
  }

  @Test
  void explicitCudaFailsWithAClearMessage() {
    for (String device : List.of("cuda", "cuda:1")) {
      assertThatThrownBy(
              () ->
                  OnnxEmbeddingModel.open(
                      ModelProfiles.defaultProfile(),
                      EmbedderOptions.defaults().withIntraOpThreads(2).withDevice(device)))
          .isInstanceOf(EmbeddingException.class)
          .hasMessageContaining("all-minilm-l6-v2-q")
          .hasMessageContaining("CUDA execution provider")
          .hasMessageContaining("onnxruntime_gpu")
          .hasMessageContaining("'auto'");
    }
  }

  @Test
  void cpuIsCpu() {
    try (OnnxEmbeddingModel model =
        OnnxEmbeddingModel.open(
            ModelProfiles.defaultProfile(), EmbedderOptions.defaults().withIntraOpThreads(1))) {
      assertThat(model.executionProvider()).isEqualTo("CPU");
    }
  }
}
