package dev.mstream.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Device selection. Most of it is about a machine without a usable CUDA, the case every developer
 * and CI machine is: with the default CPU-only onnxruntime, and with onnxruntime_gpu ({@code
 * -Pgpu}) on a machine without an NVIDIA GPU or its libraries, where the provider is compiled in
 * but cannot load. Those tests skip where CUDA does load; the check of the GPU build and the CPU
 * device run everywhere, a GPU machine included.
 */
class ExecutionProviderTest {

  /**
   * Set by the surefire execution that runs this class against onnxruntime_gpu, so that run cannot
   * quietly test the CPU build again.
   */
  @Test
  void gpuBuildHasTheCudaProviderCompiledIn() {
    assumeTrue(Boolean.getBoolean("mstream.expect.cuda.provider"), "CPU build of ONNX Runtime");
    assertThat(OrtEnvironment.getAvailableProviders()).contains(OrtProvider.CUDA);
  }

  /** On a GPU machine with onnxruntime_gpu, "auto" and "cuda" would rightly pick CUDA. */
  private static void assumeNoUsableCuda() {
    assumeFalse(
        cudaLoads(),
        "the CUDA execution provider loads here; this test covers machines without it");
  }

  private static boolean cudaLoads() {
    if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
      return false;
    }
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.addCUDA(0);
      return true;
    } catch (OrtException | RuntimeException | LinkageError e) {
      return false;
    }
  }

  @Test
  void autoFallsBackToCpuAndWorks() {
    assumeNoUsableCuda();
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
    assumeNoUsableCuda();
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
  void autoPicksCudaWhereItLoads() {
    assumeTrue(cudaLoads(), "no usable CUDA execution provider here");
    try (OnnxEmbeddingModel model =
        OnnxEmbeddingModel.open(
            ModelProfiles.defaultProfile(),
            EmbedderOptions.defaults().withIntraOpThreads(2).withDevice("auto"))) {
      assertThat(model.executionProvider()).isEqualTo("CUDA");
      assertThat(model.embed(List.of("on the GPU"), TextRole.QUERY)[0]).hasSize(384);
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
