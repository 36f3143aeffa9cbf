package dev.mstream.jobs.local;

import dev.mstream.jobs.MStreamJob;
import dev.mstream.jobs.MStreamOptions;
import dev.mstream.jobs.MStreamPipeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default: an in-process Kafka broker, the four topics, and the job on a Flink
 * MiniCluster with the RocksDB state backend, checkpoints and the web UI. One owner for all of it:
 * {@link #close()} cancels the job, then stops the broker (reverse order of start).
 */
public final class LocalRunner implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LocalRunner.class);

  private final EmbeddedKafka kafka;
  private final JobClient job;
  private final Configuration options;
  private final int webPort;
  private final Path workDir;

  private LocalRunner(
      EmbeddedKafka kafka, JobClient job, Configuration options, int webPort, Path workDir) {
    this.kafka = kafka;
    this.job = job;
    this.options = options;
    this.webPort = webPort;
    this.workDir = workDir;
  }

  /**
   * Starts everything and returns once the job runs.
   *
   * @param options job options ({@code mstream.*}); the bootstrap servers are filled in
   * @param kafkaPort broker port, 0 for any free one
   * @param webPort Flink web UI / REST port, 0 for any free one
   * @param parallelism slots of the MiniCluster and parallelism of the job
   * @param workDir checkpoints and RocksDB files go below it
   */
  public static LocalRunner start(
      Configuration options, int kafkaPort, int webPort, int parallelism, Path workDir)
      throws Exception {
    Files.createDirectories(workDir);
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
      kafka.createTopics(
          parallelism,
          opts.get(MStreamOptions.DOCUMENTS_TOPIC),
          opts.get(MStreamOptions.QUERIES_TOPIC),
          opts.get(MStreamOptions.RESULTS_TOPIC),
          opts.get(MStreamOptions.DEAD_LETTERS_TOPIC));

      Configuration cluster = new Configuration();
      cluster.set(RestOptions.PORT, webPort);
      cluster.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
      cluster.set(TaskManagerOptions.NUM_TASK_SLOTS, parallelism);
      StreamExecutionEnvironment env =
          StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(cluster);
      env.setParallelism(parallelism);
      MStreamJob.configure(env, opts);
      MStreamPipeline.build(env, opts);
      JobClient job = env.executeAsync(MStreamJob.JOB_NAME);
      awaitRunning(job, Duration.ofSeconds(120));
      return new LocalRunner(kafka, job, opts, webPort, workDir);
    } catch (Exception | Error e) {
      kafka.close();
      throw e;
    }
  }

  private static void awaitRunning(JobClient job, Duration timeout) throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
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
    throw new IllegalStateException("job not running after " + timeout.toSeconds() + " s");
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
