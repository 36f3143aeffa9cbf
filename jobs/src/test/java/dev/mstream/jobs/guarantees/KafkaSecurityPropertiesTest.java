package dev.mstream.jobs.guarantees;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mstream.jobs.MStreamJob;
import dev.mstream.jobs.MStreamOptions;
import dev.mstream.jobs.MStreamPipeline;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.transformations.SinkTransformation;
import org.apache.flink.streaming.api.transformations.SourceTransformation;
import org.junit.jupiter.api.Test;

/**
 * Kafka security settings given as {@code mstream.kafka.properties.*} reach every Kafka client the
 * job creates — both sources and all three sinks — unchanged, and building the job with them
 * neither logs nor prints a secret. (BadInputFuzzITCase runs a whole job with such secrets and
 * checks every log line of the run.)
 */
class KafkaSecurityPropertiesTest {

  private static final String SECRET = "s3cr3t-" + Long.toHexString(System.nanoTime());

  private static final Map<String, String> SECURITY = new LinkedHashMap<>();

  static {
    SECURITY.put("security.protocol", "SASL_SSL");
    SECURITY.put("sasl.mechanism", "SCRAM-SHA-512");
    SECURITY.put(
        "sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"mstream\""
            + " password=\""
            + SECRET
            + "-jaas\";");
    SECURITY.put("ssl.truststore.location", "/etc/kafka/truststore.jks");
    SECURITY.put("ssl.truststore.password", SECRET + "-truststore");
    SECURITY.put("ssl.keystore.location", "/etc/kafka/keystore.jks");
    SECURITY.put("ssl.keystore.password", SECRET + "-keystore");
    SECURITY.put("ssl.key.password", SECRET + "-key");
    SECURITY.put("ssl.endpoint.identification.algorithm", "https");
  }

  @Test
  void optionsPassThroughWithThePrefixStripped() {
    Configuration conf = new Configuration();
    SECURITY.forEach((k, v) -> conf.setString(MStreamOptions.KAFKA_PROPERTIES_PREFIX + k, v));
    conf.setString("mstream.kafka.group-id", "not a client property");

    Properties props = MStreamOptions.kafkaProperties(conf);

    assertThat(props).containsExactlyInAnyOrderEntriesOf(SECURITY);
  }

  @Test
  void everySourceAndSinkGetsTheSecuritySettingsAndNothingIsLogged() throws Exception {
    List<String> args =
        new ArrayList<>(List.of("--mstream.kafka.bootstrap-servers", "broker:9093"));
    SECURITY.forEach(
        (k, v) -> {
          args.add("--" + MStreamOptions.KAFKA_PROPERTIES_PREFIX + k);
          args.add(v);
        });
    Configuration options = MStreamJob.readOptions(args.toArray(new String[0]));

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    try (LogCapture logs = LogCapture.open();
        PrintStream capture = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
      System.setOut(capture);
      System.setErr(capture);
      MStreamJob.configure(env, options);
      MStreamPipeline.build(env, options);
      env.getStreamGraph(false); // what `flink run` turns into a job graph
      assertThat(logs.linesContaining(SECRET)).isEmpty();
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    assertThat(printed.toString(StandardCharsets.UTF_8)).doesNotContain(SECRET);

    List<Properties> sources = new ArrayList<>();
    List<Properties> sinks = new ArrayList<>();
    collect(env.getTransformations(), sources, sinks, new ArrayList<>());
    assertThat(sources).as("documents and queries sources").hasSize(2);
    assertThat(sinks).as("results, ERROR results and dead-letters sinks").hasSize(3);
    for (Properties p : sources) {
      assertThat(p).containsAllEntriesOf(SECURITY);
      // What the job sets itself is not overridable by pass-through properties.
      assertThat(p).containsEntry("isolation.level", "read_committed");
    }
    for (Properties p : sinks) {
      assertThat(p).containsAllEntriesOf(SECURITY);
    }
  }

  /** Walks the transformation graph upwards from the sinks, collecting the clients' properties. */
  private static void collect(
      List<Transformation<?>> roots,
      List<Properties> sources,
      List<Properties> sinks,
      List<Transformation<?>> seen)
      throws Exception {
    for (Transformation<?> t : roots) {
      if (seen.stream().anyMatch(s -> s == t)) {
        continue;
      }
      seen.add(t);
      if (t instanceof SourceTransformation<?, ?, ?> s
          && s.getSource() instanceof KafkaSource<?> k) {
        sources.add(field(k, "props"));
      }
      if (t instanceof SinkTransformation<?, ?> s && s.getSink() instanceof KafkaSink<?> k) {
        sinks.add(field(k, "kafkaProducerConfig"));
      }
      collect(t.getInputs(), sources, sinks, seen);
    }
  }

  /** The connector keeps its client properties private; read them as it will use them. */
  private static Properties field(Object owner, String name) throws Exception {
    Field f = owner.getClass().getDeclaredField(name);
    f.setAccessible(true);
    return (Properties) f.get(owner);
  }
}
