package dev.mstream.jobs.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.AppInfoParser;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
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

  private static final String HOST = "127.0.0.1";
  private static final int NODE_ID = 1;
  private static final String CONTROLLER_LISTENER = "CONTROLLER";
  private static final String BROKER_LISTENER = "PLAINTEXT";
  private static final String META_PROPERTIES = "meta.properties";
  private static final String LOCK_FILE = "embedded-kafka.lock";

  /** Auto-picked ports may be taken by someone else between probe and bind; retry that race. */
  private static final int MAX_START_ATTEMPTS = 3;

  /**
   * Keys that define the node's identity and wiring; overriding them would break the invariants
   * above.
   */
  private static final Set<String> RESERVED_KEYS =
      Set.of(
          "process.roles",
          "node.id",
          "broker.id",
          "controller.quorum.voters",
          "controller.quorum.bootstrap.servers",
          "listeners",
          "advertised.listeners",
          "controller.listener.names",
          "listener.security.protocol.map",
          "inter.broker.listener.name",
          "log.dirs",
          "log.dir",
          "metadata.log.dir",
          "server.max.startup.time.ms");

  /**
   * Serialises the start-up window of all instances in this JVM: Kafka's Exit procedures are
   * JVM-global, and we swap them while a server starts (see {@link #startServer}).
   */
  private static final Object START_LOCK = new Object();

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
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
    }
    Objects.requireNonNull(names, "names");
    Set<String> topics = new LinkedHashSet<>(Arrays.asList(names));
    if (topics.isEmpty()) {
      return;
    }
    ensureOpen();
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Admin admin = newAdmin(bootstrapServers(), timeout)) {
      List<NewTopic> newTopics = new ArrayList<>();
      for (String name : topics) {
        newTopics.add(
            new NewTopic(Objects.requireNonNull(name, "topic name"), partitions, (short) 1));
      }
      CreateTopicsResult result = admin.createTopics(newTopics);
      Set<String> preExisting = new LinkedHashSet<>();
      for (Map.Entry<String, KafkaFuture<Void>> e : result.values().entrySet()) {
        try {
          e.getValue().get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
        } catch (ExecutionException ex) {
          if (!(ex.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException(
                "Could not create topic '"
                    + e.getKey()
                    + "' on "
                    + bootstrapServers()
                    + ": "
                    + ex.getCause(),
                ex.getCause());
          }
          preExisting.add(e.getKey());
        }
      }
      Map<String, TopicDescription> described = awaitLeaders(admin, topics, deadline);
      for (String name : preExisting) {
        int actual = described.get(name).partitions().size();
        if (actual != partitions) {
          LOG.warn(
              "Topic '{}' already exists with {} partitions; {} were requested and it is left unchanged",
              name,
              actual,
              partitions);
        }
      }
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
    LOG.info("Embedded Kafka at {} stopped in {} ms", bootstrapServers(), millisSince(t0));
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
    private final Map<String, String> brokerProperties = new LinkedHashMap<>();

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
      if (partitions < 1) {
        throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
      }
      this.partitions = partitions;
      return this;
    }

    /**
     * A fixed broker port, e.g. 9092 for a demo that external tools connect to; 0 (default) picks a
     * free one.
     */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be in 0..65535, got " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * Bound on start-up (formatting, Kafka's own start-up, readiness probe) and on each later
     * {@link EmbeddedKafka#createTopics} call; default {@link EmbeddedKafka#DEFAULT_START_TIMEOUT}.
     */
    public Builder startTimeout(Duration timeout) {
      if (timeout == null || timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("startTimeout must be positive, got " + timeout);
      }
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
     * Sets or overrides one broker property (e.g. log.retention.ms). Listener, role, node and
     * directory settings are owned by this class and rejected.
     */
    public Builder brokerProperty(String key, String value) {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
      if (RESERVED_KEYS.contains(key)) {
        throw new IllegalArgumentException(
            "Broker property '" + key + "' is managed by EmbeddedKafka");
      }
      brokerProperties.put(key, value);
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
      long deadline = t0 + startTimeout.toNanos();
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
        String clusterId = formatIfNeeded(dir);
        for (int attempt = 1; ; attempt++) {
          int brokerPort = port != 0 ? requireFree(port) : freePort();
          int controllerPort = freePort(brokerPort);
          Properties props = brokerProperties(dir, brokerPort, controllerPort, deadline);
          KafkaRaftServer server;
          try {
            server = startServer(props);
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
            LOG.info(
                "Embedded Kafka lost a port race ({}); retrying with new ports", e.getMessage());
            continue;
          }
          try {
            awaitReady(HOST + ":" + brokerPort, deadline, startTimeout);
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
        }
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

    private Properties brokerProperties(
        Path dir, int brokerPort, int controllerPort, long deadline) {
      Properties p = new Properties();
      p.put("process.roles", "broker,controller");
      p.put("node.id", String.valueOf(NODE_ID));
      // Static quorum (kraft.version 0): the voter's address lives only in this config, not
      // in the metadata log, so a restart on a fixed data dir may use a different controller port.
      p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
      p.put(
          "listeners",
          BROKER_LISTENER
              + "://"
              + HOST
              + ":"
              + brokerPort
              + ","
              + CONTROLLER_LISTENER
              + "://"
              + HOST
              + ":"
              + controllerPort);
      p.put("advertised.listeners", BROKER_LISTENER + "://" + HOST + ":" + brokerPort);
      p.put("controller.listener.names", CONTROLLER_LISTENER);
      p.put(
          "listener.security.protocol.map",
          CONTROLLER_LISTENER + ":PLAINTEXT," + BROKER_LISTENER + ":PLAINTEXT");
      p.put("inter.broker.listener.name", BROKER_LISTENER);
      p.put("log.dirs", dir.toString());
      // Makes KafkaRaftServer.startup() itself give up (instead of waiting forever) if the
      // node cannot catch up with its own quorum, e.g. on a damaged fixed data dir.
      p.put("server.max.startup.time.ms", String.valueOf(Math.max(1, remainingMillis(deadline))));

      // One node: every internal topic must be satisfiable with a single replica, or the
      // first consumer group / transactional producer / share group hangs waiting for it.
      p.put("offsets.topic.replication.factor", "1");
      p.put("transaction.state.log.replication.factor", "1");
      p.put("transaction.state.log.min.isr", "1");
      p.put("share.coordinator.state.topic.replication.factor", "1");
      p.put("share.coordinator.state.topic.min.isr", "1");
      // The internal topics default to 50 partitions each; creating them delays the first
      // consumer group and the first transaction by about 0.7 s each, for nothing on one node.
      p.put("offsets.topic.num.partitions", "1");
      p.put("transaction.state.log.num.partitions", "1");
      p.put("share.coordinator.state.topic.num.partitions", "1");
      // The cleaner pre-allocates its whole dedupe buffer on the heap (128 MiB by default) at
      // start-up; the compacted internal topics here are tiny. Must stay > 1 MiB per thread.
      p.put("log.cleaner.dedupe.buffer.size", String.valueOf(8L * 1024 * 1024));

      p.put("group.initial.rebalance.delay.ms", "0");
      p.put("num.partitions", String.valueOf(partitions));
      p.put("auto.create.topics.enable", "false");
      p.put("transaction.max.timeout.ms", String.valueOf(TRANSACTION_MAX_TIMEOUT.toMillis()));
      p.putAll(brokerProperties);
      return p;
    }
  }

  /**
   * Formats a fresh directory with a new cluster id, or reads the id of an already formatted one.
   * The Formatter itself refuses a directory formatted with another cluster id, so reuse has to be
   * detected here rather than with setIgnoreFormatted.
   */
  private static String formatIfNeeded(Path dir) {
    Path metaProperties = dir.resolve(META_PROPERTIES);
    if (Files.exists(metaProperties)) {
      Properties meta = new Properties();
      try (InputStream in = Files.newInputStream(metaProperties)) {
        meta.load(in);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read " + metaProperties, e);
      }
      String nodeId = meta.getProperty("node.id");
      if (!String.valueOf(NODE_ID).equals(nodeId)) {
        throw new IllegalStateException(
            dir
                + " belongs to Kafka node "
                + nodeId
                + ", not to an EmbeddedKafka (node "
                + NODE_ID
                + ")");
      }
      String id = meta.getProperty("cluster.id");
      if (id == null) {
        throw new IllegalStateException(
            metaProperties + " has no cluster.id; delete " + dir + " to start afresh");
      }
      LOG.debug("Reusing formatted Kafka data dir {} (cluster {})", dir, id);
      return id;
    }
    String clusterId = Uuid.randomUuid().toString();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PrintStream quiet = new PrintStream(out, true, StandardCharsets.UTF_8)) {
      new Formatter()
          .setPrintStream(quiet)
          .setNodeId(NODE_ID)
          .setClusterId(clusterId)
          .setControllerListenerName(CONTROLLER_LISTENER)
          .setMetadataLogDirectory(dir.toString())
          .addDirectory(dir.toString())
          .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
          .run();
    } catch (Exception e) {
      throw new IllegalStateException(
          "Cannot format Kafka data dir " + dir + ": " + e.getMessage(), e);
    }
    LOG.debug("Formatted {}: {}", dir, out.toString(StandardCharsets.UTF_8).trim());
    return clusterId;
  }

  /**
   * Constructs and starts the server. On failure everything it started is shut down again and a
   * {@link StartFailure} is thrown.
   *
   * <p>Kafka treats any exception in the controller's start-up (e.g. its port taken, or
   * server.max.startup.time.ms exceeded) as a fatal fault and calls {@code Exit.halt(1)}, which in
   * an embedded broker would kill the whole JVM (the demo runner, or a surefire fork without a
   * word). For the start-up window we replace Kafka's halt/exit procedures with ones that only
   * record the request; Kafka's fault handler then returns and its own start-up code cleans up and
   * throws. Afterwards Kafka's defaults are restored: a fatal fault in a running broker still halts
   * the JVM, as it would for a real broker.
   */
  private static KafkaRaftServer startServer(Properties props) throws StartFailure {
    AtomicReference<String> fatal = new AtomicReference<>();
    Exit.Procedure record =
        (code, message) ->
            fatal.compareAndSet(
                null,
                "Kafka requested JVM termination (status "
                    + code
                    + (message == null ? "" : ", " + message)
                    + ")");
    KafkaRaftServer server = null;
    Throwable failure = null;
    synchronized (START_LOCK) {
      Exit.setHaltProcedure(record);
      Exit.setExitProcedure(record);
      try {
        server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
        server.startup();
      } catch (Throwable t) {
        failure = t;
      } finally {
        // Not Exit.reset*Procedure(): those install test stubs that throw instead of Kafka's
        // real defaults, which are these two.
        Exit.setHaltProcedure((code, message) -> Runtime.getRuntime().halt(code));
        Exit.setExitProcedure((code, message) -> System.exit(code));
      }
    }
    if (failure == null && fatal.get() == null) {
      return server;
    }
    if (server != null) {
      shutdownQuietly(server);
    }
    if (failure instanceof Error && !(failure instanceof LinkageError)) {
      throw (Error) failure;
    }
    Throwable cause = failure != null ? failure : new IllegalStateException(fatal.get());
    throw new StartFailure(describe(cause), cause, isBindFailure(cause));
  }

  private static void awaitReady(String bootstrap, long deadline, Duration timeout) {
    Throwable last = null;
    try (Admin admin = newAdmin(bootstrap, timeout)) {
      while (true) {
        long remaining = remainingMillis(deadline);
        if (remaining <= 0) {
          break;
        }
        try {
          Collection<Node> nodes =
              admin
                  .describeCluster(
                      new DescribeClusterOptions()
                          .timeoutMs((int) Math.min(remaining, Integer.MAX_VALUE)))
                  .nodes()
                  .get(remaining, TimeUnit.MILLISECONDS);
          // The node only appears once registered and unfenced; before that, topic
          // creation would fail with "no brokers available".
          if (nodes.stream().anyMatch(n -> n.id() == NODE_ID)) {
            return;
          }
        } catch (ExecutionException | TimeoutException e) {
          last = e instanceof ExecutionException ? e.getCause() : e;
        }
        sleep(Math.min(100, Math.max(1, remainingMillis(deadline))));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(
          "Interrupted while waiting for embedded Kafka at " + bootstrap, e);
    }
    throw new IllegalStateException(
        "Embedded Kafka at "
            + bootstrap
            + " did not answer describeCluster within "
            + timeout
            + (last == null ? "" : "; last error: " + last),
        last);
  }

  private static Map<String, TopicDescription> awaitLeaders(
      Admin admin, Set<String> topics, long deadline)
      throws InterruptedException, TimeoutException {
    Throwable last = null;
    while (remainingMillis(deadline) > 0) {
      long remaining = remainingMillis(deadline);
      try {
        Map<String, TopicDescription> described =
            admin
                .describeTopics(
                    topics,
                    new DescribeTopicsOptions()
                        .timeoutMs((int) Math.min(remaining, Integer.MAX_VALUE)))
                .allTopicNames()
                .get(remaining, TimeUnit.MILLISECONDS);
        boolean allLed =
            described.values().stream()
                .flatMap(d -> d.partitions().stream())
                .map(TopicPartitionInfo::leader)
                .allMatch(leader -> leader != null && !leader.isEmpty());
        if (allLed) {
          return described;
        }
      } catch (ExecutionException e) {
        // Right after creation the broker's metadata image may not have the topic yet.
        last = e.getCause();
      }
      sleep(Math.min(50, Math.max(1, remainingMillis(deadline))));
    }
    TimeoutException timeout =
        new TimeoutException("Partitions of " + topics + " got no leader in time");
    if (last != null) {
      timeout.initCause(last);
    }
    throw timeout;
  }

  private static Admin newAdmin(String bootstrap, Duration timeout) {
    Map<String, Object> conf = new HashMap<>();
    conf.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    conf.put(AdminClientConfig.CLIENT_ID_CONFIG, "embedded-kafka-admin");
    conf.put(
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
        (int) Math.min(timeout.toMillis(), Integer.MAX_VALUE));
    // Local broker: don't back off for seconds between retries while it is still coming up.
    conf.put(AdminClientConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 200);
    conf.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200);
    return Admin.create(conf);
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

  private static void shutdownQuietly(KafkaRaftServer server) {
    try {
      // shutdown() only initiates for some components; awaitShutdown() is what guarantees the
      // ports are released and the data directory is no longer written to.
      server.shutdown();
      server.awaitShutdown();
    } catch (Throwable t) {
      LOG.warn("Error while shutting down embedded Kafka", t);
    }
  }

  /**
   * A free port on 127.0.0.1 at the time of the call; not reserved, hence the retry on bind
   * failure.
   */
  private static int freePort(int... avoid) {
    for (int i = 0; i < 10; i++) {
      try (ServerSocket socket = new ServerSocket()) {
        socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
        int port = socket.getLocalPort();
        if (Arrays.stream(avoid).noneMatch(a -> a == port)) {
          return port;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot find a free port on " + HOST, e);
      }
    }
    throw new IllegalStateException("Cannot find a free port on " + HOST);
  }

  /** Fails fast with a clear message instead of a bind error buried in Kafka's start-up log. */
  private static int requireFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
      return port;
    } catch (IOException e) {
      throw new IllegalStateException(
          "Port " + HOST + ":" + port + " for embedded Kafka is not free: " + e.getMessage(), e);
    }
  }

  private static boolean isBindFailure(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof BindException
          || (c.getMessage() != null && c.getMessage().contains("failed to bind"))) {
        return true;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return false;
  }

  private static String describe(Throwable t) {
    StringBuilder sb = new StringBuilder();
    for (Throwable c = t;
        c != null && sb.length() < 500;
        c = c.getCause() == c ? null : c.getCause()) {
      if (sb.length() > 0) {
        sb.append(" <- ");
      }
      sb.append(c.getClass().getSimpleName());
      if (c.getMessage() != null) {
        sb.append(": ").append(c.getMessage());
      }
    }
    return sb.toString();
  }

  private static void deleteRecursively(Path root) {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
              if (e instanceof NoSuchFileException) {
                return FileVisitResult.CONTINUE;
              }
              throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
              if (e != null && !(e instanceof NoSuchFileException)) {
                throw e;
              }
              Files.deleteIfExists(dir);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      LOG.warn("Could not delete embedded Kafka data dir {}: {}", root, e.toString());
    }
  }

  private static long remainingMillis(long deadlineNanos) {
    return TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
  }

  private static long millisSince(long t0) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
  }

  private static void sleep(long millis) throws InterruptedException {
    Thread.sleep(millis);
  }

  /**
   * Exclusive use of a data directory, by this JVM and across processes, for an instance's
   * lifetime.
   *
   * <p>Kafka's own {@code .lock} is not enough: in combined mode the controller opens the metadata
   * log before the broker's log manager takes that lock (KafkaRaftManager only locks a metadata
   * directory that is not also a log directory), so a second node on the same directory would
   * append to a running node's metadata log before failing. A separate file, because locking {@code
   * .lock} ourselves would make Kafka's own attempt fail in this JVM.
   */
  private static final class DirLock {
    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private DirLock(Path file, FileChannel channel, FileLock lock) {
      this.file = file;
      this.channel = channel;
      this.lock = lock;
    }

    static DirLock acquire(Path dir) {
      Path file = dir.resolve(LOCK_FILE);
      FileChannel channel;
      try {
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot open " + file, e);
      }
      FileLock lock = null;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException sameJvm) {
        // lock stays null: another EmbeddedKafka in this JVM holds it
      } catch (IOException e) {
        closeQuietly(channel);
        throw new UncheckedIOException("Cannot lock " + file, e);
      }
      if (lock == null) {
        closeQuietly(channel);
        throw new IllegalStateException(
            "Kafka data dir "
                + dir
                + " is in use by another embedded Kafka ("
                + file
                + " is locked)");
      }
      return new DirLock(file, channel, lock);
    }

    void release() {
      try {
        lock.release();
      } catch (IOException e) {
        LOG.debug("Could not release {}", file, e);
      }
      closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
      try {
        channel.close();
      } catch (IOException e) {
        LOG.debug("Could not close lock file channel", e);
      }
    }
  }

  /** Start-up failed and everything was shut down again. */
  private static final class StartFailure extends Exception {
    private static final long serialVersionUID = 1L;
    final boolean bindFailure;

    StartFailure(String message, Throwable cause, boolean bindFailure) {
      super(message, cause);
      this.bindFailure = bindFailure;
    }
  }
}
