package dev.mstream.jobs.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the two shaded jars of {@code jobs/target} must and must not hold. Runs in failsafe's
 * integration-test phase, after {@code package} built them.
 *
 * <ul>
 *   <li>{@code mstream-job.jar}: for a Flink cluster. The job, generated Avro classes, the model,
 *       ONNX Runtime and tokenizer natives, the Kafka connector and client — and none of Flink's
 *       own runtime, RocksDB, metrics reporters, logging, or the Kafka broker.
 *   <li>{@code mstream.jar}: the CLI. All of the above plus Flink, RocksDB, the Prometheus reporter
 *       and the in-process Kafka broker, for {@code local}, {@code load}, {@code query}.
 * </ul>
 */
class PackagedJarsITCase {

  /** Flink packages a job jar may carry: the connectors it brings, which Flink does not. */
  private static final List<String> CONNECTOR_PACKAGES =
      List.of(
          "org/apache/flink/connector/kafka/",
          "org/apache/flink/connector/base/",
          "org/apache/flink/streaming/connectors/kafka/",
          "org/apache/flink/streaming/util/serialization/"); // flink-connector-kafka's own

  /** In both jars: the job, its records, model and natives. */
  private static final List<String> JOB_CONTENT =
      List.of(
          "dev/mstream/jobs/MStreamJob.class",
          "dev/mstream/jobs/MStreamPipeline.class",
          "dev/mstream/index/VectorIndexOperator.class",
          "dev/mstream/embed/MicroBatchEmbedOperator.class",
          // generated from schemas/src/main/avro
          "dev/mstream/schemas/Document.class",
          "dev/mstream/schemas/Query.class",
          "dev/mstream/schemas/QueryResult.class",
          "dev/mstream/schemas/DeadLetter.class",
          "org/apache/avro/Schema.class",
          // the default model and its tokenizer
          "all-minilm-l6-v2-q.onnx",
          "all-minilm-l6-v2-q-tokenizer.json",
          // ONNX Runtime with its Linux natives
          "ai/onnxruntime/OrtEnvironment.class",
          "ai/onnxruntime/native/linux-x64/libonnxruntime.so",
          "ai/onnxruntime/native/linux-x64/libonnxruntime4j_jni.so",
          "ai/onnxruntime/native/linux-aarch64/libonnxruntime.so",
          // DJL's Hugging Face tokenizer with its Linux natives
          "ai/djl/huggingface/tokenizers/HuggingFaceTokenizer.class",
          "native/lib/linux-x86_64/cpu/libtokenizers.so",
          "native/lib/linux-aarch64/cpu/libtokenizers.so",
          // the Kafka connector, its base and the client
          "org/apache/flink/connector/kafka/source/KafkaSource.class",
          "org/apache/flink/connector/kafka/sink/KafkaSink.class",
          "org/apache/flink/connector/base/DeliveryGuarantee.class",
          "org/apache/kafka/clients/consumer/KafkaConsumer.class",
          "org/apache/kafka/clients/producer/KafkaProducer.class");

  /** Only in the CLI jar: what a Flink distribution provides, and the in-process broker. */
  private static final List<String> CLI_ONLY =
      List.of(
          "dev/mstream/jobs/cli/MStreamCli.class",
          "picocli/CommandLine.class",
          "org/apache/flink/runtime/minicluster/MiniCluster.class",
          "org/apache/flink/streaming/api/environment/StreamExecutionEnvironment.class",
          "org/apache/flink/client/program/PackagedProgram.class",
          "org/apache/flink/runtime/webmonitor/WebSubmissionExtension.class",
          "org/apache/flink/state/rocksdb/EmbeddedRocksDBStateBackend.class",
          "org/rocksdb/RocksDB.class",
          "org/apache/flink/metrics/prometheus/PrometheusReporterFactory.class",
          "kafka/server/KafkaRaftServer.class",
          "org/apache/kafka/metadata/properties/MetaProperties.class",
          "org/apache/logging/log4j/core/Logger.class");

  /** Prefixes no job jar may hold: the Flink distribution's, and Kafka's server side. */
  private static final List<String> NOT_IN_JOB_JAR =
      List.of(
          "org/apache/flink/runtime/",
          "org/apache/flink/streaming/api/",
          "org/apache/flink/api/common/",
          "org/apache/flink/configuration/",
          "org/apache/flink/client/",
          "org/apache/flink/state/",
          "org/apache/flink/contrib/streaming/state/",
          "org/apache/flink/metrics/",
          "org/apache/flink/shaded/",
          "org/rocksdb/",
          "io/prometheus/",
          "kafka/server/", // the broker (kafka_2.13); kafka/kafka-version.properties is the
          // client's
          "kafka/log/",
          "kafka/raft/",
          "scala/",
          "org/apache/kafka/metadata/",
          "org/apache/kafka/raft/",
          "org/apache/kafka/storage/",
          "org/apache/kafka/server/common/",
          "org/apache/logging/",
          "org/slf4j/",
          "picocli/",
          "dev/mstream/jobs/cli/",
          "dev/mstream/jobs/local/",
          "dev/mstream/jobs/bench/",
          "log4j2.properties",
          "ai/onnxruntime/native/osx-",
          "ai/onnxruntime/native/win-");

  private static Set<String> jobJar;
  private static Set<String> cliJar;
  private static JarFile jobJarFile;
  private static JarFile cliJarFile;

  @BeforeAll
  static void readJars() throws IOException {
    jobJarFile = new JarFile(Jars.jobJar().toFile());
    cliJarFile = new JarFile(Jars.cliJar().toFile());
    jobJar = entries(jobJarFile);
    cliJar = entries(cliJarFile);
  }

  @Test
  void jobJarHoldsTheJobModelNativesAndConnector() {
    assertThat(jobJar).containsAll(JOB_CONTENT);
  }

  @Test
  void jobJarHoldsNothingTheFlinkDistributionProvides() {
    List<String> offending = new ArrayList<>();
    for (String e : jobJar) {
      for (String prefix : NOT_IN_JOB_JAR) {
        if (e.startsWith(prefix)) {
          offending.add(e);
        }
      }
      if (e.startsWith("org/apache/flink/")
          && e.endsWith(".class")
          && CONNECTOR_PACKAGES.stream().noneMatch(e::startsWith)) {
        offending.add(e);
      }
    }
    assertThat(offending.subList(0, Math.min(20, offending.size())))
        .as(
            "%d entries of mstream-job.jar that a Flink cluster provides itself (first 20)",
            offending.size())
        .isEmpty();
    assertThat(CLI_ONLY.stream().filter(jobJar::contains).collect(Collectors.toList())).isEmpty();
  }

  @Test
  void jobJarRunsWithoutMinusC() throws IOException {
    assertThat(jobJarFile.getManifest().getMainAttributes().getValue("Main-Class"))
        .isEqualTo("dev.mstream.jobs.MStreamJob");
  }

  @Test
  void cliJarHoldsEverythingForLocalLoadAndQuery() throws IOException {
    assertThat(cliJar).containsAll(JOB_CONTENT).containsAll(CLI_ONLY);
    assertThat(cliJarFile.getManifest().getMainAttributes().getValue("Main-Class"))
        .isEqualTo("dev.mstream.jobs.cli.MStreamCli");
    // Flink finds the Prometheus reporter through this service file.
    JarEntry services =
        cliJarFile.getJarEntry(
            "META-INF/services/org.apache.flink.metrics.reporter.MetricReporterFactory");
    assertThat(services).isNotNull();
    String factories = new String(cliJarFile.getInputStream(services).readAllBytes());
    assertThat(factories)
        .contains("org.apache.flink.metrics.prometheus.PrometheusReporterFactory")
        .contains("dev.mstream.jobs.local.LoopbackPrometheusReporterFactory");
    // Debug symbols of ONNX Runtime's macOS builds are 150 MB nobody runs.
    assertThat(cliJar).noneMatch(e -> e.contains(".dSYM/"));
  }

  @Test
  void jobJarRegistersNoReporterOfLocal() throws IOException {
    JarEntry services =
        jobJarFile.getJarEntry(
            "META-INF/services/org.apache.flink.metrics.reporter.MetricReporterFactory");
    if (services != null) {
      assertThat(new String(jobJarFile.getInputStream(services).readAllBytes()))
          .doesNotContain("dev.mstream");
    }
  }

  @Test
  void theLauncherScriptRunsTheSimdKernelsAndTheBareJarThePlainOnes() throws Exception {
    Path repo = Path.of(System.getProperty("mstream.repo.dir"));
    assertThat(run(List.of("bash", repo.resolve("bin/mstream").toString(), "--version")))
        .contains("vector kernels: panama");
    assertThat(run(List.of("java", "-jar", Jars.cliJar().toString(), "--version")))
        .contains("vector kernels: scalar");
  }

  private static String run(List<String> command) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("MSTREAM_JAR", Jars.cliJar().toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as("exit code of %s: %s", command, out).isZero();
    return out;
  }

  @Test
  void neitherJarHoldsTestUtilities() {
    // dev.mstream.testing lives in the operators' test-jar, which only tests depend on.
    assertThat(jobJar).noneMatch(e -> e.startsWith("dev/mstream/testing/"));
    assertThat(cliJar).noneMatch(e -> e.startsWith("dev/mstream/testing/"));
  }

  @Test
  void jobJarIsMuchSmallerThanTheCliJar() throws IOException {
    long job = Files.size(Jars.jobJar());
    long cli = Files.size(Jars.cliJar());
    System.out.printf("mstream-job.jar %,d bytes, mstream.jar %,d bytes%n", job, cli);
    assertThat(job).isLessThan(cli);
  }

  private static Set<String> entries(JarFile jar) {
    Set<String> names = new TreeSet<>();
    Enumeration<JarEntry> en = jar.entries();
    while (en.hasMoreElements()) {
      names.add(en.nextElement().getName());
    }
    return names;
  }

  /** Where the build put the jars (failsafe passes the paths). */
  static final class Jars {
    private Jars() {}

    static Path jobJar() {
      return existing("mstream.job.jar", "mstream-job.jar");
    }

    static Path cliJar() {
      return existing("mstream.cli.jar", "mstream.jar");
    }

    private static Path existing(String property, String name) {
      Path p = Path.of(System.getProperty(property, "target/" + name));
      assertThat(p)
          .as("%s: run `mvn package` (failsafe runs this test after it)", p.toAbsolutePath())
          .isRegularFile();
      return p;
    }
  }
}
