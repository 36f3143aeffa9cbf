package dev.mstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mstream.schemas.codec.Encoding;
import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

class MStreamJobTest {

  @Test
  void argumentsOverrideTheClusterConfiguration() {
    Configuration cluster = new Configuration();
    cluster.setString("mstream.kafka.group-id", "from-cluster");
    cluster.setString("mstream.encoding", "AVRO");
    cluster.setString("mstream.kafka.properties.security.protocol", "SASL_SSL");
    cluster.setString("taskmanager.numberOfTaskSlots", "4");
    Configuration args =
        MStreamJob.readOptions(
            new String[] {
              "--mstream.kafka.group-id", "from-args",
              "--mstream.checkpoint.interval", "3 s"
            });

    Configuration options = MStreamJob.effectiveOptions(cluster, args);

    assertThat(options.get(MStreamOptions.GROUP_ID)).isEqualTo("from-args");
    assertThat(options.get(MStreamOptions.ENCODING)).isEqualTo(Encoding.AVRO);
    assertThat(options.get(MStreamOptions.CHECKPOINT_INTERVAL)).isEqualTo(Duration.ofSeconds(3));
    assertThat(MStreamOptions.kafkaProperties(options))
        .containsEntry("security.protocol", "SASL_SSL");
    assertThat(cluster.get(MStreamOptions.GROUP_ID)).isEqualTo("from-cluster");
  }

  @Test
  void checkpointsAreUnalignedFromTheStartByDefault() {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    MStreamJob.configure(env, new Configuration());
    assertThat(env.getCheckpointConfig().isUnalignedCheckpointsEnabled()).isTrue();
    assertThat(env.getCheckpointConfig().getAlignedCheckpointTimeout()).isEqualTo(Duration.ZERO);
  }

  @Test
  void alignedCheckpointsOrAnAlignedTimeoutOnRequest() {
    StreamExecutionEnvironment aligned = StreamExecutionEnvironment.getExecutionEnvironment();
    Configuration off = new Configuration();
    off.set(MStreamOptions.UNALIGNED_CHECKPOINTS, false);
    MStreamJob.configure(aligned, off);
    assertThat(aligned.getCheckpointConfig().isUnalignedCheckpointsEnabled()).isFalse();

    StreamExecutionEnvironment timeout = StreamExecutionEnvironment.getExecutionEnvironment();
    Configuration after = new Configuration();
    after.set(MStreamOptions.ALIGNED_CHECKPOINT_TIMEOUT, Duration.ofMillis(200));
    MStreamJob.configure(timeout, after);
    assertThat(timeout.getCheckpointConfig().isUnalignedCheckpointsEnabled()).isTrue();
    assertThat(timeout.getCheckpointConfig().getAlignedCheckpointTimeout())
        .isEqualTo(Duration.ofMillis(200));

    off.set(MStreamOptions.ALIGNED_CHECKPOINT_TIMEOUT, Duration.ofMillis(200));
    assertThatThrownBy(
            () -> MStreamJob.configure(StreamExecutionEnvironment.getExecutionEnvironment(), off))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(MStreamOptions.ALIGNED_CHECKPOINT_TIMEOUT.key())
        .hasMessageContaining(MStreamOptions.UNALIGNED_CHECKPOINTS.key());
  }
}
