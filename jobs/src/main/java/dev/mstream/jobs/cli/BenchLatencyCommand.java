package dev.mstream.jobs.cli;

import dev.mstream.jobs.bench.latency.LatencyBenchmark;
import dev.mstream.jobs.local.LocalRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "bench-latency",
    mixinStandardHelpOptions = true,
    description = {
      "End-to-end query latency and freshness of a running instance (or of one it starts with"
          + " --local), measured with plain Kafka clients: paced queries, timed from publish to"
          + " the result being consumed.",
      "Phases: the corpus is indexed (published unless its namespace already holds it); idle:"
          + " paced queries; load: a bulk load at the maximum ingest rate, alone and with paced"
          + " queries (ingest throughput of both and their ratio); freshness: documents at a"
          + " fraction of that rate, probed with their exact texts until returned. Prints"
          + " p50/p95/p99/max, unanswered queries, each result's timings breakdown, ingest"
          + " throughput and the freshness distribution as markdown tables."
    })
final class BenchLatencyCommand implements Callable<Integer> {

  @Option(
      names = "--corpus",
      required = true,
      paramLabel = "FILE|DIR",
      description =
          "JSON Lines documents (as `load` reads them), or a BEIR folder (corpus.jsonl, and"
              + " queries.jsonl for the query texts).")
  Path corpus;

  @Option(
      names = "--query-texts",
      paramLabel = "FILE",
      description =
          "Query texts: JSON Lines with \"text\", or one per line. Default: the corpus folder's"
              + " queries.jsonl, else the first words of corpus documents.")
  Path queryTexts;

  @Option(
      names = "--bulk",
      paramLabel = "FILE",
      description =
          "Documents of the bulk load and the freshness phase (JSON Lines). Default: the corpus"
              + " texts again, under new ids.")
  Path bulk;

  @Option(
      names = "--bulk-docs",
      defaultValue = "20000",
      paramLabel = "N",
      description = "Documents per bulk load (default: ${DEFAULT-VALUE}).")
  int bulkDocs;

  @Option(
      names = {"-n", "--namespace"},
      defaultValue = "bench",
      description = "Namespace of the corpus and of the timed queries (default: ${DEFAULT-VALUE}).")
  String namespace;

  @Option(
      names = "--phases",
      split = ",",
      defaultValue = "idle,load,freshness",
      paramLabel = "PHASE[,PHASE...]",
      description = "Which phases to run: idle, load, freshness (default: ${DEFAULT-VALUE}).")
  List<String> phases;

  @Option(
      names = "--rate",
      defaultValue = "50",
      description = "Queries per second (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(
      names = "--queries",
      defaultValue = "3000",
      paramLabel = "N",
      description = "Timed queries of the idle phase (default: ${DEFAULT-VALUE}).")
  int queries;

  @Option(
      names = "--warmup-queries",
      defaultValue = "500",
      paramLabel = "N",
      description = "Untimed queries first, at the same rate (default: ${DEFAULT-VALUE}).")
  int warmupQueries;

  @Option(
      names = "--concurrency",
      defaultValue = "0",
      paramLabel = "N",
      description =
          "Most queries waiting for their answer at once; 0 = no limit, an open loop (default).")
  int concurrency;

  @Option(
      names = "--k",
      defaultValue = "10",
      description = "Hits per query (default: ${DEFAULT-VALUE}).")
  int k;

  @Option(
      names = "--load-rounds",
      defaultValue = "1",
      paramLabel = "N",
      description =
          "Bulk loads alone / with queries, in alternating order (default: ${DEFAULT-VALUE}).")
  int loadRounds;

  @Option(
      names = "--freshness-rate",
      paramLabel = "DOCS_PER_S",
      description =
          "Publish rate of the freshness phase. Default: --freshness-fraction of the ingest rate"
              + " the load phase measured without queries.")
  Double freshnessRate;

  @Option(
      names = "--freshness-fraction",
      defaultValue = "0.8",
      description = "See --freshness-rate (default: ${DEFAULT-VALUE}).")
  double freshnessFraction;

  @Option(
      names = "--freshness-docs",
      defaultValue = "10000",
      paramLabel = "N",
      description = "Documents published in the freshness phase (default: ${DEFAULT-VALUE}).")
  int freshnessDocs;

  @Option(
      names = "--probe-every",
      defaultValue = "50",
      paramLabel = "N",
      description = "Probe every N-th document of the freshness phase (default: ${DEFAULT-VALUE}).")
  int probeEvery;

  @Option(
      names = "--probe-interval",
      defaultValue = "PT0.05S",
      description =
          "Interval of a probed document's exact-text queries until it is returned (ISO-8601,"
              + " default: ${DEFAULT-VALUE}).")
  Duration probeInterval;

  @Option(
      names = "--drain",
      defaultValue = "PT30S",
      description =
          "How long to wait for outstanding answers after a phase's last query; what is still"
              + " missing then counts as unanswered (default: ${DEFAULT-VALUE}).")
  Duration drain;

  @Option(
      names = "--stall",
      defaultValue = "PT5M",
      description =
          "Give up when a namespace's index size stays unchanged this long (default:"
              + " ${DEFAULT-VALUE}).")
  Duration stall;

  @Option(
      names = {"-b", "--bootstrap-servers"},
      defaultValue = "127.0.0.1:9092",
      description = "Kafka of the running instance (default: ${DEFAULT-VALUE}).")
  String bootstrapServers;

  @Option(
      names = "--web-url",
      paramLabel = "URL",
      description =
          "Flink REST address of the running instance (e.g. http://127.0.0.1:8081), to report the"
              + " checkpoints of each phase; with --local its own.")
  String webUrl;

  @Option(
      names = "--local",
      description =
          "Start the embedded default (as `local` does) in this process and measure it, instead"
              + " of a running instance.")
  boolean local;

  @Option(
      names = "--kafka-port",
      defaultValue = "0",
      description = "With --local: broker port (default: any free one).")
  int kafkaPort;

  @Option(
      names = "--web-port",
      defaultValue = "0",
      description = "With --local: Flink web UI and REST port (default: any free one).")
  int webPort;

  @Option(
      names = "--metrics-port",
      defaultValue = "0",
      description = "With --local: Prometheus reporter port (default: 0, off).")
  int metricsPort;

  @Option(
      names = {"-p", "--parallelism"},
      defaultValue = "2",
      description = "With --local: job parallelism (default: ${DEFAULT-VALUE}).")
  int parallelism;

  @Option(
      names = "--work-dir",
      description = "With --local: checkpoints, RocksDB and broker files (default: a temp dir).")
  Path workDir;

  @Option(
      names = "--client-property",
      paramLabel = "name=value",
      description =
          "A Kafka client property for this command's own producers and consumer only (not the"
              + " job's), e.g. --client-property linger.ms=5 for the Kafka default.")
  Map<String, String> clientProperties = new LinkedHashMap<>();

  @Option(
      names = "-D",
      paramLabel = "mstream.key=value",
      description =
          "A job option: topics, encoding, mstream.kafka.properties.* for the clients (e.g."
              + " -D mstream.kafka.properties.linger.ms=5); with --local also for the job.")
  Map<String, String> settings = new LinkedHashMap<>();

  @Override
  public Integer call() throws Exception {
    for (String p : phases) {
      if (!List.of("idle", "load", "freshness").contains(p)) {
        System.err.println("bench-latency: unknown phase '" + p + "' (idle, load, freshness)");
        return 2;
      }
    }
    LatencyBenchmark.Settings s =
        new LatencyBenchmark.Settings(
            corpus,
            queryTexts,
            bulk,
            namespace,
            k,
            rate,
            queries,
            warmupQueries,
            concurrency,
            phases.contains("idle"),
            phases.contains("load"),
            phases.contains("freshness"),
            bulkDocs,
            loadRounds,
            freshnessRate,
            freshnessFraction,
            freshnessDocs,
            probeEvery,
            probeInterval,
            drain,
            stall,
            clientProperties);
    Configuration conf = Configuration.fromMap(settings);
    if (!local) {
      new LatencyBenchmark(s, bootstrapServers, conf, false, webUrl, System.out, System.err).run();
      return 0;
    }
    Path dir = workDir != null ? workDir : Files.createTempDirectory("mstream-bench-latency");
    if (webPort == 0) {
      // a port of our own, so that the checkpoints can be read from the REST API
      try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
        webPort = free.getLocalPort();
      }
    }
    System.err.println("Starting Kafka and Flink (work dir " + dir + ") ...");
    try (LocalRunner runner =
        LocalRunner.start(conf, kafkaPort, webPort, metricsPort, parallelism, dir)) {
      new LatencyBenchmark(
              s,
              runner.bootstrapServers(),
              runner.options(),
              true,
              runner.webUrl(),
              System.out,
              System.err)
          .run();
    }
    return 0;
  }
}
