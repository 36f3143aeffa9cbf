package dev.mstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mstream.schemas.codec.Encoding;
import java.time.Duration;
import org.apache.flink.configuration.Configuration;
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
}
