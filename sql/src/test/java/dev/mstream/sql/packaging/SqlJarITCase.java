package dev.mstream.sql.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mstream.jobs.MStreamOptions;
import dev.mstream.jobs.local.EmbeddedKafka;
import dev.mstream.schemas.codec.Encoding;
import dev.mstream.sql.RunningJob;
import dev.mstream.sql.Sql;
import dev.mstream.sql.TestTexts;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mstream-sql.jar} as a SQL client gets it: what it holds (the SQL pieces, the models and
 * natives, a relocated Kafka client and Avro; no Flink), and that {@code ADD JAR} of it alone, in a
 * JVM with only Flink on the class path, embeds with ML_PREDICT and searches a running job with
 * VECTOR_SEARCH. Runs in failsafe's integration-test phase, after {@code package} built the jar.
 */
class SqlJarITCase {

  /** Jars of this repository and the libraries mstream-sql.jar carries itself. */
  private static final List<String> CARRIED =
      List.of(
          "/com/microsoft/onnxruntime/",
          "/ai/djl/",
          "/dev/langchain4j/",
          "/org/apache/avro/",
          "/org/apache/flink/flink-avro/",
          "/com/google/code/gson/",
          "/net/java/dev/jna/",
          "/org/yaml/snakeyaml/",
          "/com/fasterxml/jackson/dataformat/");

  @RegisterExtension static final MiniClusterExtension FLINK = Sql.cluster(4);

  private static List<String> entries;

  @BeforeAll
  static void readJar() throws IOException {
    try (JarFile jar = new JarFile(jar().toFile())) {
      entries = Collections.list(jar.entries()).stream().map(e -> e.getName()).toList();
    }
  }

  @Test
  void holdsTheSqlPiecesTheModelsAndTheirNativesButNoFlink() throws IOException {
    assertThat(entries)
        .contains(
            "META-INF/services/org.apache.flink.table.factories.Factory",
            "dev/mstream/sql/predict/MStreamModelProviderFactory.class",
            "dev/mstream/sql/search/MStreamIndexTableFactory.class",
            "dev/mstream/embed/OnnxEmbeddingModel.class",
            "dev/mstream/schemas/Query.class",
            "all-minilm-l6-v2-q.onnx",
            "all-minilm-l6-v2-q-tokenizer.json",
            "all-minilm-l6-v2.onnx",
            "ai/onnxruntime/native/linux-x64/libonnxruntime.so",
            "native/lib/linux-x86_64/cpu/libtokenizers.so",
            "dev/mstream/shaded/org/apache/kafka/clients/producer/KafkaProducer.class",
            "dev/mstream/shaded/org/apache/avro/Schema.class");
    try (JarFile jar = new JarFile(jar().toFile())) {
      String services =
          new String(
              jar.getInputStream(
                      jar.getEntry("META-INF/services/org.apache.flink.table.factories.Factory"))
                  .readAllBytes(),
              StandardCharsets.UTF_8);
      assertThat(services)
          .contains("dev.mstream.sql.predict.MStreamModelProviderFactory")
          .contains("dev.mstream.sql.search.MStreamIndexTableFactory");
    }
    assertThat(entries)
        .noneMatch(e -> e.startsWith("org/apache/flink/"))
        .noneMatch(e -> e.startsWith("org/apache/kafka/"))
        .noneMatch(e -> e.startsWith("org/apache/avro/"))
        .noneMatch(e -> e.startsWith("scala/"))
        .noneMatch(e -> e.startsWith("dev/mstream/jobs/"))
        .noneMatch(e -> e.startsWith("dev/mstream/testing/"))
        .noneMatch(e -> e.contains("/osx-") || e.contains("/win-"));
    // the size class of mstream-job.jar (the same models and natives)
    assertThat(Files.size(jar())).isLessThan(200L << 20);
  }

  @Test
  void addJarAloneEmbedsAndSearchesARunningJob(@TempDir Path dir) throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.builder().partitions(2).start();
        RunningJob job = RunningJob.start(kafka, "jar", Encoding.JSON, 2, dir)) {
      job.publish(TestTexts.demoCorpus());
      job.awaitIndexed("default", TestTexts.demoCorpus().size(), Duration.ofMinutes(3));
      Path script = dir.resolve("session.sql");
      Files.write(
          script,
          List.of(
              "ADD JAR '" + jar().toAbsolutePath() + "'",
              "CREATE TEMPORARY MODEL query_embedder INPUT (text STRING) OUTPUT (embedding"
                  + " ARRAY<FLOAT>) WITH ('provider' = 'mstream', 'model' = 'all-minilm-l6-v2-q',"
                  + " 'role' = 'query')",
              "CREATE TEMPORARY VIEW questions AS SELECT * FROM (VALUES ('why is the sky blue'),"
                  + " ('how do I bake bread with a starter')) AS t(question)",
              "CREATE TEMPORARY TABLE idx (doc_id STRING, embedding ARRAY<FLOAT>) WITH"
                  + " ('connector' = 'mstream', 'bootstrap-servers' = '"
                  + kafka.bootstrapServers()
                  + "', 'topics.queries' = '"
                  + job.topic(MStreamOptions.QUERIES_TOPIC)
                  + "', 'topics.results' = '"
                  + job.topic(MStreamOptions.RESULTS_TOPIC)
                  + "')",
              "SELECT question, CARDINALITY(q.embedding), doc_id FROM ML_PREDICT(TABLE questions,"
                  + " MODEL query_embedder, DESCRIPTOR(question)) AS q, LATERAL"
                  + " TABLE(VECTOR_SEARCH(TABLE idx, DESCRIPTOR(embedding), q.embedding, 1))"),
          StandardCharsets.UTF_8);
      List<String> out = run(script, dir.resolve("session.log"));
      assertThat(out)
          .as("the session's output")
          .contains("ROW why is the sky blue|384|astro-1")
          .anyMatch(l -> l.startsWith("ROW how do I bake bread with a starter|384|cook-"))
          .contains("DONE");
    }
  }

  private static Path jar() {
    return Path.of(System.getProperty("mstream.sql.jar", "target/mstream-sql.jar"));
  }

  /** Runs {@link SqlSessionMain} in a JVM with only Flink on the class path. */
  private static List<String> run(Path script, Path log) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    for (String pkg :
        List.of(
            "java.util", "java.lang", "java.lang.invoke", "java.nio", "sun.nio.ch", "java.net")) {
      cmd.add("--add-opens=java.base/" + pkg + "=ALL-UNNAMED");
    }
    cmd.add("-cp");
    cmd.add(flinkOnly());
    cmd.add(SqlSessionMain.class.getName());
    cmd.add(script.toString());
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
            .start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("the SQL session did not finish in 5 minutes:\n" + tail(log));
    }
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as("exit value; output:\n%s", tail(log)).isZero();
    return lines;
  }

  /**
   * This JVM's test class path without this repository's classes and the libraries the jar carries;
   * the sql module's test classes stay for {@link SqlSessionMain}.
   */
  private static String flinkOnly() {
    String classPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Path testClasses = Path.of("target", "test-classes").toAbsolutePath().normalize();
    Path repo = Path.of(System.getProperty("mstream.repo.dir", "..")).toAbsolutePath().normalize();
    List<String> kept = new ArrayList<>();
    for (String entry : classPath.split(File.pathSeparator)) {
      Path p = Path.of(entry).toAbsolutePath().normalize();
      String s = p.toString().replace(File.separatorChar, '/');
      boolean ours = p.startsWith(repo) && !p.equals(testClasses);
      if (!entry.isBlank() && !ours && CARRIED.stream().noneMatch(s::contains)) {
        kept.add(p.toString());
      }
    }
    return String.join(File.pathSeparator, kept);
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    return lines.subList(Math.max(0, lines.size() - 60), lines.size()).stream()
        .collect(Collectors.joining("\n"));
  }
}
