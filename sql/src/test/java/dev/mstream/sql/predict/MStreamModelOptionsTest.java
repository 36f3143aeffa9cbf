package dev.mstream.sql.predict;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mstream.jobs.MStreamOptions;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.junit.jupiter.api.Test;

/**
 * A model in SQL embeds as the job does only while its options mean what the job's {@code
 * mstream.embed.*} options mean: same names without the prefix, same defaults.
 */
class MStreamModelOptionsTest {

  @Test
  void embedOptionsAreTheJobsWithoutThePrefixAndWithTheSameDefaults() {
    List<ConfigOption<?>[]> pairs =
        List.of(
            new ConfigOption<?>[] {MStreamModelOptions.DEVICE, MStreamOptions.DEVICE},
            new ConfigOption<?>[] {MStreamModelOptions.THREADS, MStreamOptions.THREADS},
            new ConfigOption<?>[] {MStreamModelOptions.BATCH_SIZE, MStreamOptions.BATCH_SIZE},
            new ConfigOption<?>[] {MStreamModelOptions.MAX_DELAY, MStreamOptions.MAX_DELAY},
            new ConfigOption<?>[] {
              MStreamModelOptions.INFERENCE_BATCH_SIZE, MStreamOptions.INFERENCE_BATCH_SIZE
            },
            new ConfigOption<?>[] {MStreamModelOptions.BATCH_TOKENS, MStreamOptions.BATCH_TOKENS},
            new ConfigOption<?>[] {
              MStreamModelOptions.BATCH_INVARIANT, MStreamOptions.BATCH_INVARIANT
            });
    for (ConfigOption<?>[] p : pairs) {
      assertThat("mstream.embed." + p[0].key()).isEqualTo(p[1].key());
      assertThat(p[0].defaultValue()).as(p[0].key()).isEqualTo(p[1].defaultValue());
    }
    assertThat(MStreamModelOptions.MODEL.hasDefaultValue()).as("model is required").isFalse();
  }
}
