package dev.mstream.jobs.local;

import dev.mstream.jobs.MStreamJob;
import dev.mstream.jobs.MStreamOptions;
import dev.mstream.jobs.MStreamPipeline;
import dev.mstream.jobs.kafka.DocumentsTopicCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.time.Deadline;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default: an in-process Kafka broker, the four topics, and the job on a Flink
 * MiniCluster with the RocksDB state backend, checkpoints and the web UI. One owner for all of it:
 * {@link #close()} cancels the job, then stops the broker (reverse order of start); a start that
 * fails half-way does the same with what it had started.
 *
 * <p>Everything it opens listens on {@link LoopbackPorts#HOST} only: the broker, the web UI and
 * REST API, the blob server and task manager endpoints, and the Prometheus endpoint.
 */
public final class LocalRunner implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LocalRunner.class);

  /**
   * Name of the Prometheus reporter in the cluster configuration ({@code metrics.reporter.prom.*}).
   */
  public static final String PROMETHEUS_REPORTER = "prom";

  /** The Prometheus reporter's factory, as a Flink distribution names it (for clusters). */
  public static final String PROMETHEUS_REPORTER_FACTORY =
      "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";

  /** How long {@link #start} waits for the submitted job to run. */
  private static final Duration RUNNING_TIMEOUT = Duration.ofSeconds(120);

  /** The Prometheus reporter's usual port. */
  public static final int DEFAULT_METRICS_PORT = 9249;

  private final EmbeddedKafka kafka;
  private final JobClient job;
  private final Configuration options;
  private final int webPort;
  private final int metricsPort;
  private final Path workDir;

  private LocalRunner(
      EmbeddedKafka kafka,
      JobClient job,
      Configuration options,
      int webPort,
      int metricsPort,
      Path workDir) {
    this.kafka = kafka;
    this.job = job;
    this.options = options;
    this.webPort = webPort;
    this.metricsPort = metricsPort;
    this.workDir = workDir;
  }

  /** Starts everything without a Prometheus endpoint; see the other {@code start}. */
  public static LocalRunner start(
      Configuration options, int kafkaPort, int webPort, int parallelism, Path workDir)
      throws Exception {
    return start(options, kafkaPort, webPort, 0, parallelism, workDir);
  }

  /**
   * Starts everything and returns once the job runs.
   *
   * @param options job options ({@code mstream.*}); the bootstrap servers are filled in
   * @param kafkaPort broker port, 0 for any free one
   * @param webPort Flink web UI / REST port, 0 for any free one
   * @param metricsPort port of Flink's Prometheus reporter ({@code /metrics}); 0 or less: none
   * @param parallelism slots of the MiniCluster and parallelism of the job
   * @param workDir checkpoints and RocksDB files go below it
   */
  public static LocalRunner start(
      Configuration options,
      int kafkaPort,
      int webPort,
      int metricsPort,
      int parallelism,
      Path workDir)
      throws Exception {
    return start(options, kafkaPort, webPort, metricsPort, parallelism, workDir, RUNNING_TIMEOUT);
  }

  /** As above, waiting {@code runningTimeout} for the job to run. */
  @VisibleForTesting
  static LocalRunner start(
      Configuration options,
      int kafkaPort,
      int webPort,
      int metricsPort,
      int parallelism,
      Path workDir,
      Duration runningTimeout)
      throws Exception {
    Files.createDirectories(workDir);
    if (metricsPort > 0) {
      LoopbackPorts.requireFree(metricsPort, "the Prometheus endpoint");
    }
    EmbeddedKafka kafka =
        EmbeddedKafka.builder()
            .port(kafkaPort)
            .partitions(parallelism)
            // LocalRunner.close() stops the broker after the job; a hook of its own could race it.
            .shutdownHook(false)
            .start();
    try {
      Configuration opts = new Configuration(options);
      opts.set(MStreamOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
      opts.set(MStreamOptions.PARALLELISM, parallelism);
      if (opts.get(MStreamOptions.CHECKPOINT_DIR) == null) {
        opts.set(MStreamOptions.CHECKPOINT_DIR, workDir.resolve("checkpoints").toUri().toString());
      }
      if (opts.get(MStreamOptions.STATE_DIR) == null) {
        opts.set(MStreamOptions.STATE_DIR, workDir.resolve("rocksdb").toString());
      }
      createTopics(kafka, parallelism, opts);
      compactDocumentsTopic(kafka, opts);
      DocumentsTopicCheck.onStart(opts);

      Configuration cluster = new Configuration();
      cluster.set(RestOptions.PORT, webPort);
      cluster.set(RestOptions.BIND_ADDRESS, LoopbackPorts.HOST);
      // The blob server binds the job manager's bind host, the task manager's endpoints its own;
      // both default to every interface.
      cluster.set(JobManagerOptions.BIND_HOST, LoopbackPorts.HOST);
      cluster.set(TaskManagerOptions.BIND_HOST, LoopbackPorts.HOST);
      cluster.set(TaskManagerOptions.HOST, LoopbackPorts.HOST);
      cluster.set(TaskManagerOptions.NUM_TASK_SLOTS, parallelism);
      if (metricsPort > 0) {
        prometheusReporter(cluster, metricsPort);
      }
      StreamExecutionEnvironment env =
          StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(cluster);
      env.setParallelism(parallelism);
      MStreamJob.configure(env, opts);
      MStreamPipeline.build(env, opts);
      JobClient job = env.executeAsync(MStreamJob.JOB_NAME);
      try {
        awaitRunning(job, runningTimeout);
      } catch (Exception | Error e) {
        // Before the broker goes (below): the job's sources and sinks are its clients.
        cancelQuietly(job);
        throw e;
      }
      return new LocalRunner(kafka, job, opts, webPort, metricsPort, workDir);
    } catch (Exception | Error e) {
      kafka.close();
      throw e;
    }
  }

  /**
   * Creates the four topics named in the job's {@code options} (documents, queries, results, dead
   * letters): the embedded broker never auto-creates topics, so they must exist before the job and
   * its clients start.
   */
  public static void createTopics(EmbeddedKafka kafka, int partitions, Configuration options) {
    kafka.createTopics(
        partitions,
        options.get(MStreamOptions.DOCUMENTS_TOPIC),
        options.get(MStreamOptions.QUERIES_TOPIC),
        options.get(MStreamOptions.RESULTS_TOPIC),
        options.get(MStreamOptions.DEAD_LETTERS_TOPIC));
  }

  /**
   * Makes the documents topic compacted, as infra/k8s/topics.yaml creates it on a cluster: the
   * latest version of every document stays, so the index can always be rebuilt from it. (A
   * compacted topic refuses records without a key; tests that send such records on purpose use
   * {@link #createTopics} alone.)
   */
  public static void compactDocumentsTopic(EmbeddedKafka kafka, Configuration options) {
    String topic = options.get(MStreamOptions.DOCUMENTS_TOPIC);
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    AlterConfigOp compact =
        new AlterConfigOp(
            new ConfigEntry(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT),
            AlterConfigOp.OpType.SET);
    try (Admin admin = kafka.createAdminClient()) {
      admin
          .incrementalAlterConfigs(Map.of(resource, List.of(compact)))
          .all()
          .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("could not make topic '" + topic + "' compacted", e);
    }
  }

  /**
   * Adds the Prometheus reporter on {@link LoopbackPorts#HOST}:{@code port}, configured as a
   * cluster configures Flink's ({@code metrics.reporter.prom.factory.class}, {@code
   * metrics.reporter.prom.port}), with the {@link LoopbackPrometheusReporterFactory} that binds one
   * address.
   */
  public static void prometheusReporter(Configuration cluster, int port) {
    String prefix = "metrics.reporter." + PROMETHEUS_REPORTER + ".";
    cluster.setString(prefix + "factory.class", LoopbackPrometheusReporterFactory.class.getName());
    cluster.setString(prefix + LoopbackPrometheusReporterFactory.ARG_HOST, LoopbackPorts.HOST);
    cluster.setString(prefix + LoopbackPrometheusReporterFactory.ARG_PORT, String.valueOf(port));
  }

  /** Cancels a job that did not come up, and waits (boundedly) until it has ended. */
  private static void cancelQuietly(JobClient job) {
    try {
      job.cancel().get(30, TimeUnit.SECONDS);
      job.getJobExecutionResult().handle((r, t) -> null).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("Cancelling the job that did not start failed: {}", e.toString());
    }
  }

  private static void awaitRunning(JobClient job, Duration timeout) throws Exception {
    Deadline deadline = Deadline.fromNow(timeout);
    while (deadline.hasTimeLeft()) {
      JobStatus status = job.getJobStatus().get();
      if (status == JobStatus.RUNNING) {
        return;
      }
      if (status.isTerminalState()) {
        job.getJobExecutionResult().get(); // rethrows why it failed
        throw new IllegalStateException("job ended before it ran: " + status);
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("job not running after " + timeout.toMillis() + " ms");
  }

  /** The job's options, with the embedded broker's bootstrap servers filled in. */
  public Configuration options() {
    return options;
  }

  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  public String webUrl() {
    return "http://127.0.0.1:" + webPort;
  }

  /** Where Prometheus scrapes the job's metrics, or null without the reporter. */
  public String metricsUrl() {
    return metricsPort > 0 ? "http://127.0.0.1:" + metricsPort + "/metrics" : null;
  }

  public Path workDir() {
    return workDir;
  }

  public JobClient job() {
    return job;
  }

  @Override
  public void close() throws Exception {
    try {
      LOG.info("Stopping the job");
      job.cancel().get();
    } catch (Exception e) {
      LOG.warn("Cancelling the job failed: {}", e.toString());
    } finally {
      kafka.close();
    }
  }
}
