package dev.mstream.jobs.cli;

import dev.mstream.jobs.MStreamOptions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Option;

/** Options shared by the commands that talk to a running instance through Kafka. */
final class ClientOptions {

  @Option(
      names = {"-b", "--bootstrap-servers"},
      defaultValue = "127.0.0.1:9092",
      description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}, where `local` listens).")
  String bootstrapServers;

  @Option(
      names = "-D",
      paramLabel = "mstream.key=value",
      description = "Any job option (see docs/configuration.md), e.g. -D mstream.encoding=AVRO.")
  Map<String, String> settings = new LinkedHashMap<>();

  Configuration configuration() {
    Configuration conf = Configuration.fromMap(settings);
    conf.set(MStreamOptions.BOOTSTRAP_SERVERS, bootstrapServers);
    return conf;
  }

  Properties kafkaProperties() {
    return MStreamOptions.kafkaProperties(configuration());
  }
}
