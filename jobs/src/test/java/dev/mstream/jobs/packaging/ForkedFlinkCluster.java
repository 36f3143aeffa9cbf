package dev.mstream.jobs.packaging;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A Flink session cluster ({@link SessionClusterMain}) in a child JVM whose class path holds Flink
 * and its dependencies only: the test JVM's class path minus this repository's classes and minus
 * every library the job jar brings itself. A job submitted to it finds its classes in the uploaded
 * jar (child-first user class loader) or fails — as it would on a real cluster.
 */
final class ForkedFlinkCluster implements AutoCloseable {

  /**
   * Class path entries that are the job's, not Flink's: everything the job jar carries (its
   * artifacts as Maven repository paths), plus the CLI's and the Kafka broker's.
   */
  private static final List<String> NOT_FLINK =
      List.of(
          "/dev/mstream/",
          "/com/microsoft/onnxruntime/",
          "/ai/djl/",
          "/dev/langchain4j/",
          "/org/apache/avro/",
          "/org/apache/kafka/",
          "/org/apache/flink/flink-connector-kafka/",
          "/org/apache/flink/flink-connector-base/",
          "/org/apache/flink/flink-metrics-prometheus/",
          "/com/google/code/gson/",
          "/net/java/dev/jna/",
          "/com/fasterxml/jackson/",
          "/org/yaml/snakeyaml/",
          "/com/github/luben/",
          "/at/yawk/",
          "/org/xerial/snappy/",
          "/info/picocli/",
          "/me/tongfei/",
          "/org/jline/",
          "/org/scala-lang/");

  private final Process process;
  private final URI rest;
  private final Path log;

  private ForkedFlinkCluster(Process process, URI rest, Path log) {
    this.process = process;
    this.rest = rest;
    this.log = log;
  }

  /**
   * Starts the cluster and returns once its REST endpoint is up.
   *
   * @param repoDir this repository: its classes stay off the cluster's class path, except the test
   *     classes of {@code jobs} (they hold {@link SessionClusterMain})
   * @param conf the cluster's Flink configuration
   */
  static ForkedFlinkCluster start(
      Path repoDir, Path workDir, Path log, int slots, Map<String, String> conf)
      throws IOException, InterruptedException {
    Files.createDirectories(workDir);
    Path addressFile = workDir.resolve("rest-address");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1536m");
    // What Flink's own start scripts pass on Java 17, and the Vector API module the index uses.
    for (String pkg :
        List.of(
            "java.base/java.util",
            "java.base/java.lang",
            "java.base/java.lang.reflect",
            "java.base/java.lang.invoke",
            "java.base/java.io",
            "java.base/java.net",
            "java.base/java.nio",
            "java.base/sun.nio.ch",
            "java.base/java.text",
            "java.base/java.time",
            "java.base/java.util.concurrent",
            "java.base/java.util.concurrent.atomic",
            "java.base/java.util.concurrent.locks")) {
      cmd.add("--add-opens=" + pkg + "=ALL-UNNAMED");
    }
    cmd.add("--add-modules=jdk.incubator.vector");
    cmd.add("-cp");
    cmd.add(flinkOnlyClassPath(repoDir));
    cmd.add(SessionClusterMain.class.getName());
    cmd.add(addressFile.toString());
    cmd.add(String.valueOf(slots));
    conf.forEach((k, v) -> cmd.add(k + "=" + v));
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < end) {
      if (Files.exists(addressFile)) {
        URI rest = URI.create(Files.readString(addressFile, StandardCharsets.UTF_8).trim());
        return new ForkedFlinkCluster(p, rest, log);
      }
      if (!p.isAlive()) {
        throw new IllegalStateException(
            "the Flink cluster exited with " + p.exitValue() + "; log:\n" + tail(log));
      }
      Thread.sleep(200);
    }
    p.destroyForcibly();
    throw new IllegalStateException("the Flink cluster did not start in 120 s; log:\n" + tail(log));
  }

  /** This JVM's test class path without the job's classes and libraries. */
  static String flinkOnlyClassPath(Path repoDir) {
    String testClassPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    String repo = repoDir.toAbsolutePath().normalize().toString();
    Path testClasses = repoDir.resolve("jobs/target/test-classes").toAbsolutePath().normalize();
    List<String> kept = new ArrayList<>();
    for (String entry : testClassPath.split(File.pathSeparator)) {
      if (entry.isBlank()) {
        continue;
      }
      Path p = Path.of(entry).toAbsolutePath().normalize();
      String s = p.toString().replace(File.separatorChar, '/');
      if (p.equals(testClasses)) {
        kept.add(p.toString());
        continue;
      }
      if (s.startsWith(repo + "/") || NOT_FLINK.stream().anyMatch(s::contains)) {
        continue;
      }
      kept.add(p.toString());
    }
    return String.join(File.pathSeparator, kept);
  }

  URI rest() {
    return rest;
  }

  String logTail() {
    return tail(log);
  }

  static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return lines.subList(Math.max(0, lines.size() - 80), lines.size()).stream()
          .collect(Collectors.joining("\n"));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() throws Exception {
    try {
      process.getOutputStream().close(); // SessionClusterMain stops on end of input
    } catch (IOException ignored) {
      // already gone
    }
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
