package dev.mstream.jobs.local;

import static dev.mstream.jobs.local.BrokerConfig.NODE_ID;
import static dev.mstream.jobs.local.BrokerProbes.awaitReady;
import static dev.mstream.jobs.local.BrokerProbes.newAdmin;
import static dev.mstream.jobs.local.KraftLauncher.shutdownQuietly;
import static dev.mstream.jobs.local.LoopbackPorts.HOST;
import static org.apache.flink.util.Preconditions.checkArgument;
import static org.apache.flink.util.Preconditions.checkNotNull;

import dev.mstream.jobs.local.KraftLauncher.StartFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import kafka.server.KafkaRaftServer;
import org.apache.flink.api.common.time.Deadline;
import org.apache.flink.util.FileUtils;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.utils.AppInfoParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process, single-node Apache Kafka broker in KRaft combined mode (one process acting as both
 * broker and controller), for the local demo runner and for integration tests.
 *
 * <p>Everything listens on {@code 127.0.0.1} only. Topics are never auto-created: callers create
 * them explicitly with {@link #createTopics}, so a typo in a topic name fails loudly instead of
 * silently producing into a fresh, empty topic.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
 *     kafka.createTopics(2, "documents", "queries");
 *     String bootstrap = kafka.bootstrapServers();   // "127.0.0.1:<port>"
 *     ...
 * }
 * }</pre>
 *
 * <p>By default the data lives in a fresh temporary directory that {@link #close()} deletes. With
 * {@link Builder#dataDir(Path)} the directory is kept, and a later start on the same directory
 * resumes the same cluster (topics, offsets and records survive restarts).
 *
 * <p>Always close it: the broker's threads are not daemons, so a JVM whose main method returns with
 * a broker still running does not exit. A shutdown hook closes a forgotten instance when the JVM is
 * stopped (Ctrl-C, SIGTERM).
 *
 * <p>Start-up failures surface as an {@link IllegalStateException}, even those Kafka treats as
 * fatal (it would halt the JVM). Once running, a fatal broker fault still halts the JVM, as it
 * would a standalone broker.
 *
 * <p>Instances are thread-safe. Several may run in one JVM at once (each with its own directory),
 * but their start-ups are serialised, and Kafka's JVM-global metrics registry is shared by them.
 */
public final class EmbeddedKafka implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

  /** Partitions of a topic created without an explicit count (also the broker's num.partitions). */
  public static final int DEFAULT_PARTITIONS = 2;

  /** Bound on start-up: formatting, KafkaRaftServer start-up and the readiness probe together. */
  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);

  /**
   * The broker's transaction.max.timeout.ms. Flink's exactly-once KafkaSink keeps a transaction
   * open across a checkpoint interval and its producers default to a transaction.timeout.ms of one
   * hour; the broker rejects initTransactions() for any producer asking more than this, so the job
   * has to configure a transaction timeout at or below it.
   */
  public static final Duration TRANSACTION_MAX_TIMEOUT = Duration.ofMinutes(15);

  /** Auto-picked ports may be taken by someone else between probe and bind; retry that race. */
  private static final int MAX_START_ATTEMPTS = 3;

  private final KafkaRaftServer server;
  private final DirLock dirLock;
  private final Path dataDir;
  private final boolean temporary;
  private final int port;
  private final int defaultPartitions;
  private final String clusterId;
  private final Duration startupTime;
  private final Duration timeout;
  private final Thread shutdownHook;

  // Guarded by this: close() may race between a caller and the JVM shutdown hook.
  private boolean closed;

  private EmbeddedKafka(
      KafkaRaftServer server,
      DirLock dirLock,
      Path dataDir,
      boolean temporary,
      int port,
      int defaultPartitions,
      String clusterId,
      Duration startupTime,
      Duration timeout,
      Thread shutdownHook) {
    this.server = server;
    this.dirLock = dirLock;
    this.dataDir = dataDir;
    this.temporary = temporary;
    this.port = port;
    this.defaultPartitions = defaultPartitions;
    this.clusterId = clusterId;
    this.startupTime = startupTime;
    this.timeout = timeout;
    this.shutdownHook = shutdownHook;
  }

  /**
   * Starts a broker with all defaults: temporary data directory, free port, {@value
   * #DEFAULT_PARTITIONS} partitions.
   */
  public static EmbeddedKafka start() {
    return builder().start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** {@code "127.0.0.1:<port>"}, for a client's bootstrap.servers. */
  public String bootstrapServers() {
    return HOST + ":" + port;
  }

  /** The PLAINTEXT broker port (the controller port is internal). */
  public int port() {
    return port;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** Whether {@link #dataDir()} is a temporary directory that {@link #close()} deletes. */
  public boolean isTemporary() {
    return temporary;
  }

  /** Stable across restarts on the same fixed data directory. */
  public String clusterId() {
    return clusterId;
  }

  /** Wall time from {@link Builder#start()} until the broker answered a describeCluster request. */
  public Duration startupTime() {
    return startupTime;
  }

  public int defaultPartitions() {
    return defaultPartitions;
  }

  /**
   * Minimal client properties (bootstrap.servers only), to extend for producers, consumers or
   * admins.
   */
  public Properties clientProperties() {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    return props;
  }

  /** A new admin client for this broker. The caller owns it and must close it. */
  public Admin createAdminClient() {
    ensureOpen();
    return newAdmin(bootstrapServers(), timeout);
  }

  /** {@link #createTopics(int, String...)} with {@link #defaultPartitions()}. */
  public void createTopics(String... names) {
    createTopics(defaultPartitions, names);
  }

  /**
   * Creates the topics (replication factor 1) and waits until the broker serves a leader for every
   * partition, so a producer or an assign()-ing consumer started right after sees them.
   *
   * <p>Idempotent: a topic that already exists is left as it is, even if its partition count
   * differs (partitions cannot be removed, and adding some would re-shuffle keyed data); that case
   * is logged as a warning because it usually means a reused data directory predates a change.
   */
  public void createTopics(int partitions, String... names) {
    checkArgument(partitions >= 1, "partitions must be >= 1, got %s", partitions);
    checkNotNull(names, "names");
    Set<String> topics = new LinkedHashSet<>(Arrays.asList(names));
    if (topics.isEmpty()) {
      return;
    }
    ensureOpen();
    Deadline deadline = Deadline.fromNow(timeout);
    try (Admin admin = newAdmin(bootstrapServers(), timeout)) {
      TopicCreator.create(admin, bootstrapServers(), partitions, topics, deadline);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while creating topics " + topics, e);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "Timed out after " + timeout + " creating topics " + topics + " on " + bootstrapServers(),
          e);
    }
  }

  /**
   * Stops the broker and waits until all its threads are gone, then deletes the data directory if
   * it is temporary. Idempotent; a concurrent caller (such as the shutdown hook) waits for the
   * first one to finish.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (Thread.currentThread() != shutdownHook) {
      removeShutdownHook(shutdownHook);
    }
    long t0 = System.nanoTime();
    shutdownQuietly(server);
    dirLock.release();
    if (temporary) {
      // Only after awaitShutdown: the log manager, cleaner and raft threads hold files open
      // until then, and deleting under them turns into log-dir-failure errors.
      deleteRecursively(dataDir);
    }
    LOG.info(
        "Embedded Kafka at {} stopped in {} ms",
        bootstrapServers(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
  }

  @Override
  public String toString() {
    return "EmbeddedKafka["
        + bootstrapServers()
        + ", dataDir="
        + dataDir
        + (temporary ? " (temporary)" : "")
        + ", clusterId="
        + clusterId
        + "]";
  }

  private synchronized void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("Embedded Kafka at " + bootstrapServers() + " is closed");
    }
  }

  /** Options for {@link EmbeddedKafka}; {@link #start()} may be called more than once. */
  public static final class Builder {
    private Path dataDir;
    private int partitions = DEFAULT_PARTITIONS;
    private int port;
    private Duration startTimeout = DEFAULT_START_TIMEOUT;
    private boolean shutdownHook = true;

    private Builder() {}

    /**
     * Keeps the broker's data in this directory (created if missing, formatted on first use, never
     * deleted), so a later start on it resumes the same cluster. Only one broker may use a
     * directory at a time. {@code null} means a temporary directory (the default).
     */
    public Builder dataDir(Path dir) {
      this.dataDir = dir;
      return this;
    }

    /**
     * Default partition count for {@link EmbeddedKafka#createTopics(String...)} and num.partitions.
     */
    public Builder partitions(int partitions) {
      checkArgument(partitions >= 1, "partitions must be >= 1, got %s", partitions);
      this.partitions = partitions;
      return this;
    }

    /**
     * A fixed broker port, e.g. 9092 for a demo that external tools connect to; 0 (default) picks a
     * free one.
     */
    public Builder port(int port) {
      checkArgument(port >= 0 && port <= 65535, "port must be in 0..65535, got %s", port);
      this.port = port;
      return this;
    }

    /**
     * Bound on start-up (formatting, Kafka's own start-up, readiness probe) and on each later
     * {@link EmbeddedKafka#createTopics} call; default {@link EmbeddedKafka#DEFAULT_START_TIMEOUT}.
     */
    public Builder startTimeout(Duration timeout) {
      checkArgument(
          timeout != null && !timeout.isNegative() && !timeout.isZero(),
          "startTimeout must be positive, got %s",
          timeout);
      this.startTimeout = timeout;
      return this;
    }

    /**
     * Whether a JVM shutdown hook closes the broker (and deletes a temporary directory) if nobody
     * closed it before, e.g. on Ctrl-C (default true). Turn it off where the embedding code orders
     * its own shutdown, such as stopping a Flink job before the broker it writes to.
     */
    public Builder shutdownHook(boolean register) {
      this.shutdownHook = register;
      return this;
    }

    /**
     * Formats the data directory if needed, starts the broker and waits until it answers a
     * describeCluster request.
     *
     * @throws IllegalStateException if it cannot start within the start timeout (port taken, data
     *     directory in use, ...); nothing is left running then
     */
    public EmbeddedKafka start() {
      long t0 = System.nanoTime();
      Deadline deadline = Deadline.fromNow(startTimeout);
      boolean temporary = dataDir == null;
      Path dir;
      try {
        dir =
            temporary
                ? Files.createTempDirectory("embedded-kafka-")
                : Files.createDirectories(dataDir.toAbsolutePath());
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot create Kafka data directory " + dataDir, e);
      }
      // Registered before anything starts: Ctrl-C during the seconds of start-up must not leak
      // the temporary directory either. Until the instance exists there is nothing to close.
      AtomicReference<EmbeddedKafka> started = new AtomicReference<>();
      Thread hook = null;
      if (shutdownHook) {
        hook =
            new Thread(
                () -> {
                  EmbeddedKafka kafka = started.get();
                  if (kafka != null) {
                    kafka.close();
                  } else if (temporary) {
                    deleteRecursively(dir);
                  }
                },
                "embedded-kafka-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
      }
      DirLock lock = null;
      try {
        lock = DirLock.acquire(dir);
        String clusterId = KraftStorage.formatIfNeeded(dir);
        Launched launched = launch(dir, deadline);
        KafkaRaftServer server = launched.server();
        int brokerPort = launched.brokerPort();
        try {
          awaitReady(HOST + ":" + brokerPort, NODE_ID, deadline, startTimeout);
        } catch (RuntimeException e) {
          shutdownQuietly(server);
          throw e;
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        EmbeddedKafka kafka =
            new EmbeddedKafka(
                server,
                lock,
                dir,
                temporary,
                brokerPort,
                partitions,
                clusterId,
                took,
                startTimeout,
                hook);
        started.set(kafka);
        LOG.info(
            "Embedded Kafka {} (KRaft, node {}, cluster {}) ready at {} in {} ms; data dir {}{}",
            AppInfoParser.getVersion(),
            NODE_ID,
            clusterId,
            kafka.bootstrapServers(),
            took.toMillis(),
            dir,
            temporary ? " (temporary)" : "");
        return kafka;
      } catch (RuntimeException | Error e) {
        removeShutdownHook(hook);
        if (lock != null) {
          lock.release();
        }
        if (temporary) {
          deleteRecursively(dir);
        }
        throw e;
      }
    }

    private record Launched(KafkaRaftServer server, int brokerPort) {}

    /** Picks the ports and starts the server on them, retrying a lost race for a free port. */
    private Launched launch(Path dir, Deadline deadline) {
      for (int attempt = 1; ; attempt++) {
        int brokerPort =
            port != 0
                ? LoopbackPorts.requireFree(port, "embedded Kafka")
                : LoopbackPorts.freePort();
        int controllerPort = LoopbackPorts.freePort(brokerPort);
        Properties props =
            BrokerConfig.properties(
                dir, brokerPort, controllerPort, deadline.timeLeft().toMillis(), partitions);
        try {
          return new Launched(KraftLauncher.start(props), brokerPort);
        } catch (StartFailure e) {
          // A bind failure on an auto-picked port is the probe-then-bind race, not a
          // configuration problem; a fixed port that is taken will stay taken.
          boolean retry =
              e.bindFailure
                  && attempt < MAX_START_ATTEMPTS
                  && (port == 0 || !e.getMessage().contains(":" + port));
          if (!retry) {
            throw new IllegalStateException(
                "Embedded Kafka failed to start (broker "
                    + HOST
                    + ":"
                    + brokerPort
                    + ", controller "
                    + HOST
                    + ":"
                    + controllerPort
                    + ", data dir "
                    + dir
                    + ", start timeout "
                    + startTimeout
                    + "): "
                    + e.getMessage(),
                e.getCause());
          }
          LOG.info("Embedded Kafka lost a port race ({}); retrying with new ports", e.getMessage());
        }
      }
    }
  }

  /**
   * Deletes a temporary data directory. Any failure is logged rather than thrown: it happens during
   * a close that must not fail.
   */
  private static void deleteRecursively(Path dir) {
    try {
      FileUtils.deleteDirectory(dir.toFile());
    } catch (IOException e) {
      LOG.warn("Could not delete embedded Kafka data dir {}: {}", dir, e.toString());
    }
  }

  private static void removeShutdownHook(Thread hook) {
    if (hook == null) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // The hook is running or about to; close() is idempotent and a deleted dir stays deleted.
    }
  }
}
