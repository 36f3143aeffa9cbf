package dev.mstream.jobs.cli;

import dev.mstream.jobs.MStreamOptions;
import dev.mstream.jobs.local.DemoRun;
import dev.mstream.jobs.local.LocalRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "local",
    mixinStandardHelpOptions = true,
    description =
        "Start the embedded default: an in-process Kafka broker, a Flink MiniCluster (RocksDB,"
            + " checkpoints, web UI) and the job. Runs until Ctrl-C.")
final class LocalCommand implements Callable<Integer> {

  @Option(
      names = "--demo",
      description = "Load the bundled demo corpus and answer example queries.")
  boolean demo;

  @Option(
      names = "--exit-after-demo",
      description = "With --demo: stop once the demo answers are printed (for scripts and CI).")
  boolean exitAfterDemo;

  @Option(
      names = "--kafka-port",
      defaultValue = "9092",
      description = "Broker port (default: ${DEFAULT-VALUE}).")
  int kafkaPort;

  @Option(
      names = "--web-port",
      defaultValue = "8081",
      description = "Flink web UI port (default: ${DEFAULT-VALUE}).")
  int webPort;

  @Option(
      names = "--metrics-port",
      defaultValue = "" + LocalRunner.DEFAULT_METRICS_PORT,
      description =
          "Port of Flink's Prometheus reporter, scraped at /metrics (default: ${DEFAULT-VALUE});"
              + " 0 turns it off.")
  int metricsPort;

  @Option(
      names = {"-p", "--parallelism"},
      defaultValue = "2",
      description = "Job parallelism (default: ${DEFAULT-VALUE}).")
  int parallelism;

  @Option(
      names = "--work-dir",
      description = "Checkpoints and RocksDB files (default: a new temp dir).")
  Path workDir;

  @Option(
      names = "-D",
      paramLabel = "mstream.key=value",
      description = "Any job option, e.g. -D mstream.model=all-minilm-l6-v2.")
  Map<String, String> settings = new LinkedHashMap<>();

  @Override
  public Integer call() throws Exception {
    long start = System.nanoTime();
    Path dir = workDir != null ? workDir : Files.createTempDirectory("mstream-local");
    System.out.println("Starting Kafka and Flink (work dir " + dir + ") ...");
    LocalRunner runner =
        LocalRunner.start(
            Configuration.fromMap(settings), kafkaPort, webPort, metricsPort, parallelism, dir);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    runner.close();
                  } catch (Exception e) {
                    System.err.println("Shutdown: " + e);
                  }
                  stopped.countDown();
                },
                "mstream-shutdown"));
    System.out.printf(
        "%nMatryoshka Stream is running (started in %.1f s)%n"
            + "  Kafka bootstrap servers : %s%n"
            + "  Flink web UI            : %s%n"
            + "  Prometheus metrics      : %s%n"
            + "  topics                  : %s (documents), %s (queries), %s (results), %s (dead letters)%n"
            + "  load documents          : java -jar jobs/target/mstream.jar load FILE.jsonl%n"
            + "  query                   : java -jar jobs/target/mstream.jar query \"your question\"%n",
        (System.nanoTime() - start) / 1e9,
        runner.bootstrapServers(),
        runner.webUrl(),
        runner.metricsUrl() != null
            ? runner.metricsUrl() + " (scrape config: infra/prometheus/prometheus.yml)"
            : "off",
        runner.options().get(MStreamOptions.DOCUMENTS_TOPIC),
        runner.options().get(MStreamOptions.QUERIES_TOPIC),
        runner.options().get(MStreamOptions.RESULTS_TOPIC),
        runner.options().get(MStreamOptions.DEAD_LETTERS_TOPIC));
    if (demo) {
      new DemoRun(runner.options(), System.out).run();
      if (exitAfterDemo) {
        System.exit(0); // runs the shutdown hook: job cancelled, broker stopped
      }
    }
    System.out.println("\nPress Ctrl-C to stop.");
    stopped.await();
    return 0;
  }
}
