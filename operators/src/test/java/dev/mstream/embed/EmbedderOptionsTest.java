package dev.mstream.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EmbedderOptionsTest {

  @Test
  void defaultsAreAllProcessorsBatchesOf32OnCpu() {
    EmbedderOptions o = EmbedderOptions.defaults();
    assertThat(o.intraOpThreads())
        .isEqualTo(Math.max(1, Runtime.getRuntime().availableProcessors()));
    assertThat(o.maxBatchSize()).isEqualTo(32);
    assertThat(o.batchTokens(false)).isEqualTo(8_192);
    assertThat(o.device()).isEqualTo(ExecutionDevice.CPU);
  }

  @Test
  void cudaDefaultsToLargerBatchesUnlessSetExplicitly() {
    EmbedderOptions o = EmbedderOptions.defaults();
    assertThat(o.maxBatchSize(true)).isEqualTo(256);
    assertThat(o.batchTokens(true)).isEqualTo(65_536);
    EmbedderOptions set = o.withMaxBatchSize(8).withBatchTokens(1000);
    assertThat(set.maxBatchSize(true)).isEqualTo(8);
    assertThat(set.batchTokens(true)).isEqualTo(1000);
    assertThat(set.batchTokens(false)).isEqualTo(1000);
    assertThat(set.withMaxBatchSize(0).maxBatchSize(false)).isEqualTo(32);
  }

  @Test
  void withersChangeOneSetting() {
    EmbedderOptions o =
        EmbedderOptions.defaults().withIntraOpThreads(3).withMaxBatchSize(7).withDevice("cuda:2");
    assertThat(o.intraOpThreads()).isEqualTo(3);
    assertThat(o.maxBatchSize()).isEqualTo(7);
    assertThat(o.device()).isEqualTo(new ExecutionDevice(ExecutionDevice.Kind.CUDA, 2));
  }

  @Test
  void badValuesNameTheSetting() {
    EmbedderOptions o = EmbedderOptions.defaults();
    assertThatThrownBy(() -> o.withIntraOpThreads(0)).hasMessageContaining("'intraOpThreads'");
    assertThatThrownBy(() -> o.withMaxBatchSize(-1)).hasMessageContaining("'maxBatchSize'");
    assertThatThrownBy(() -> o.withBatchTokens(-1)).hasMessageContaining("'batchTokens'");
    assertThatThrownBy(() -> o.withDevice("tpu"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'device'")
        .hasMessageContaining("'tpu'")
        .hasMessageContaining("'cuda:N'");
  }

  @Test
  void parsesDeviceStrings() {
    assertThat(ExecutionDevice.parse("cpu")).isEqualTo(ExecutionDevice.CPU);
    assertThat(ExecutionDevice.parse(" AUTO ")).isEqualTo(ExecutionDevice.AUTO);
    assertThat(ExecutionDevice.parse("cuda"))
        .isEqualTo(new ExecutionDevice(ExecutionDevice.Kind.CUDA, 0));
    assertThat(ExecutionDevice.parse("cuda:1"))
        .isEqualTo(new ExecutionDevice(ExecutionDevice.Kind.CUDA, 1));
    assertThat(ExecutionDevice.parse("cuda:1").toString()).isEqualTo("cuda:1");
    assertThat(ExecutionDevice.parse("auto").wantsCuda()).isTrue();
    assertThat(ExecutionDevice.parse("cpu").wantsCuda()).isFalse();
    for (String bad : new String[] {null, "", "gpu", "cuda:", "cuda:-1", "cuda:x", "cuda0"}) {
      assertThatThrownBy(() -> ExecutionDevice.parse(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'cpu', 'cuda', 'cuda:N'");
    }
  }
}
