package dev.mstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mstream.schemas.codec.Encoding;
import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.state.rocksdb.RocksDBOptions;
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
  void configureSetsFlinksOwnOptions() {
    Configuration options = new Configuration();
    options.set(MStreamOptions.STATE_DIR, "/tmp/mstream-rocksdb");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();

    MStreamJob.configure(env, options);

    assertThat(env.getConfiguration().get(RocksDBOptions.LOCAL_DIRECTORIES))
        .isEqualTo("/tmp/mstream-rocksdb");
    assertThat(env.getConfiguration().get(PipelineOptions.GENERIC_TYPES)).isFalse();
    assertThat(env.getConfig().getSerializerConfig().hasGenericTypesDisabled()).isTrue();
  }

  @Test
  void resultsDeliveryTakesItsOldValuesAndFlinksSpellings() {
    assertThat(MStreamOptions.resultsDelivery(new Configuration()))
        .isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
    for (String exactlyOnce : new String[] {"EXACTLY_ONCE", "exactly_once", "exactly-once"}) {
      Configuration c = new Configuration();
      c.setString(MStreamOptions.RESULTS_DELIVERY.key(), exactlyOnce);
      assertThat(MStreamOptions.resultsDelivery(c))
          .as(exactlyOnce)
          .isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
    }
    Configuration atLeastOnce = new Configuration();
    atLeastOnce.setString(MStreamOptions.RESULTS_DELIVERY.key(), "AT_LEAST_ONCE");
    assertThat(MStreamOptions.resultsDelivery(atLeastOnce))
        .isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
    Configuration typed = new Configuration();
    typed.set(MStreamOptions.RESULTS_DELIVERY, DeliveryGuarantee.EXACTLY_ONCE);
    assertThat(MStreamOptions.resultsDelivery(typed)).isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
    Configuration bogus = new Configuration();
    bogus.setString(MStreamOptions.RESULTS_DELIVERY.key(), "twice");
    assertThatThrownBy(() -> MStreamOptions.resultsDelivery(bogus))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(MStreamOptions.RESULTS_DELIVERY.key());
  }

  @Test
  void noneIsRefusedNamingTheSetting() {
    Configuration options = new Configuration();
    options.set(MStreamOptions.BOOTSTRAP_SERVERS, "broker:9092");
    options.setString(MStreamOptions.RESULTS_DELIVERY.key(), "NONE");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    MStreamJob.configure(env, options);
    assertThatThrownBy(() -> MStreamPipeline.build(env, options))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mstream.results.delivery=NONE");
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
