package dev.mstream.jobs.guarantees;

import dev.mstream.chunk.DocumentChunker;
import dev.mstream.embed.EmbeddingModelFactory;
import dev.mstream.embed.HuggingFaceTextTokenizer;
import dev.mstream.embed.ModelProfiles;
import dev.mstream.embed.TextTokenizerFactory;
import dev.mstream.index.IndexFaultHook;
import dev.mstream.jobs.Drained;
import dev.mstream.jobs.MStreamJob;
import dev.mstream.jobs.MStreamOptions;
import dev.mstream.jobs.MStreamPipeline;
import dev.mstream.jobs.client.KafkaClients;
import dev.mstream.jobs.local.EmbeddedKafka;
import dev.mstream.jobs.local.LocalRunner;
import dev.mstream.schemas.codec.CodecException;
import dev.mstream.schemas.codec.Codecs;
import dev.mstream.schemas.codec.Encoding;
import dev.mstream.schemas.codec.RecordCodec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.execution.ExecutionState;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Shared set-up and observation helpers of the guarantee ITCases. */
final class Rig {

  /** Chunk window of the guarantee tests' jobs, in tokens. */
  static final int CHUNK_TOKENS = 32;

  static final int CHUNK_OVERLAP = 8;

  private Rig() {}

  /** The tokenizer the tests' jobs chunk with: the fake model has none, the MiniLM's is used. */
  static TextTokenizerFactory tokenizers() {
    return HuggingFaceTextTokenizer.factory(ModelProfiles.defaultProfile());
  }

  /** An opened chunker that splits texts as the tests' jobs do (close it after use). */
  static DocumentChunker chunker() {
    Configuration c = new Configuration();
    c.set(MStreamOptions.CHUNK_MAX_TOKENS, CHUNK_TOKENS);
    c.set(MStreamOptions.CHUNK_OVERLAP_TOKENS, CHUNK_OVERLAP);
    DocumentChunker chunker = MStreamPipeline.chunker(c, HashEmbeddingModel.PROFILE, tokenizers());
    try {
      chunker.open();
    } catch (Exception e) {
      throw new IllegalStateException("cannot open the test chunker", e);
    }
    return chunker;
  }

  /** The last job {@link #submit} started per consumer group, and where its drain savepoints go. */
  private static final Map<String, Submitted> SUBMITTED =
      new java.util.concurrent.ConcurrentHashMap<>();

  private record Submitted(JobClient job, Path savepoints) {}

  /**
   * Options of one test's job: its own four topics (created here) and consumer group on the shared
   * broker, checkpoints every second under {@code dir}, the projection fitted early so that queries
   * go through the funnel.
   */
  static Configuration options(
      EmbeddedKafka kafka, Path dir, String name, Encoding encoding, int partitions) {
    Configuration c = new Configuration();
    c.set(MStreamOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    c.set(MStreamOptions.ENCODING, encoding);
    c.set(MStreamOptions.GROUP_ID, name);
    c.set(MStreamOptions.DOCUMENTS_TOPIC, name + ".documents");
    c.set(MStreamOptions.QUERIES_TOPIC, name + ".queries");
    c.set(MStreamOptions.RESULTS_TOPIC, name + ".results");
    c.set(MStreamOptions.DEAD_LETTERS_TOPIC, name + ".dead-letters");
    c.set(MStreamOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(1));
    c.set(MStreamOptions.CHECKPOINT_DIR, dir.resolve("checkpoints").toUri().toString());
    c.set(MStreamOptions.FIT_SAMPLE, 300);
    // Small chunk windows, so that the corpora's long texts (up to ~200 words) make up to about
    // ten chunks each.
    c.set(MStreamOptions.CHUNK_MAX_TOKENS, CHUNK_TOKENS);
    c.set(MStreamOptions.CHUNK_OVERLAP_TOKENS, CHUNK_OVERLAP);
    // An index subtask fitting its projection blocks its task thread for seconds (more on a busy
    // CI machine); the default 10 s deadline would then turn some answers PARTIAL, which is the
    // documented outcome but not what these tests check.
    c.set(MStreamOptions.QUERY_DEADLINE, Duration.ofSeconds(60));
    LocalRunner.createTopics(kafka, partitions, c);
    return c;
  }

  /**
   * Submits the job to the test's MiniCluster, restored from {@code savepoint} when not null, with
   * a fixed-delay restart strategy (a failure restores the last checkpoint after 200 ms).
   */
  static JobClient submit(
      Configuration options, int parallelism, String savepoint, EmbeddingModelFactory models)
      throws Exception {
    return submit(options, parallelism, savepoint, models, IndexFaultHook.NONE);
  }

  /** The same, with a fault-injection hook in the index operator. */
  static JobClient submit(
      Configuration options,
      int parallelism,
      String savepoint,
      EmbeddingModelFactory models,
      IndexFaultHook indexFaults)
      throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(parallelism);
    MStreamJob.configure(env, options);
    Configuration extra = new Configuration();
    extra.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    extra.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 100);
    extra.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
    if (savepoint != null) {
      extra.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
    }
    env.configure(extra);
    MStreamPipeline.build(
        env, options, HashEmbeddingModel.PROFILE, models, tokenizers(), indexFaults);
    JobClient job = env.executeAsync(options.get(MStreamOptions.GROUP_ID));
    SUBMITTED.put(
        options.get(MStreamOptions.GROUP_ID),
        new Submitted(
            job,
            Path.of(java.net.URI.create(options.get(MStreamOptions.CHECKPOINT_DIR)))
                .resolveSibling("drained")));
    return job;
  }

  static String stopWithSavepoint(JobClient job, Path dir) throws Exception {
    return job.stopWithSavepoint(
            false, dir.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL)
        .get();
  }

  // ------------------------------------------------------------------------
  //  the job, seen from the MiniCluster
  // ------------------------------------------------------------------------

  /**
   * Cancels the job and waits until it has ended: the cancel future completes when the request is
   * acknowledged, and a checkpoint still being written then races a test's temporary directory
   * cleanup (seen as "Failed to delete temp directory ... checkpoints").
   */
  static void cancelAndAwait(JobClient job) throws Exception {
    job.cancel().get();
    await(
        () -> job.getJobStatus().join().isGloballyTerminalState(),
        Duration.ofSeconds(60),
        "job " + job.getJobID() + " to end after cancel");
  }

  static AccessExecutionGraph graph(MiniCluster cluster, JobID job) throws Exception {
    return cluster.getExecutionGraph(job).get();
  }

  /** Every subtask of every operator RUNNING. */
  static boolean allRunning(AccessExecutionGraph g) {
    if (g.getState() != JobStatus.RUNNING) {
      return false;
    }
    for (AccessExecutionVertex v : g.getAllExecutionVertices()) {
      if (v.getExecutionState() != ExecutionState.RUNNING) {
        return false;
      }
    }
    return true;
  }

  static void awaitAllRunning(MiniCluster cluster, JobID job, Duration timeout) throws Exception {
    await(
        () -> {
          try {
            return allRunning(graph(cluster, job));
          } catch (Exception e) {
            return false;
          }
        },
        timeout,
        "all subtasks of job " + job + " running");
  }

  static long completedCheckpoints(MiniCluster cluster, JobID job) throws Exception {
    return graph(cluster, job)
        .getCheckpointStatsSnapshot()
        .getCounts()
        .getNumberOfCompletedCheckpoints();
  }

  /** How often the job restored a checkpoint after a failure. */
  static long restoredCheckpoints(MiniCluster cluster, JobID job) throws Exception {
    return graph(cluster, job)
        .getCheckpointStatsSnapshot()
        .getCounts()
        .getNumberOfRestoredCheckpoints();
  }

  /** The highest execution attempt of any subtask: 0 while the job never restarted. */
  static int highestAttempt(AccessExecutionGraph g) {
    int max = 0;
    for (AccessExecutionVertex v : g.getAllExecutionVertices()) {
      max = Math.max(max, v.getCurrentExecutionAttempt().getAttemptNumber());
    }
    return max;
  }

  /** Waits until a checkpoint completes that was triggered after this call. */
  static void awaitNewCheckpoint(MiniCluster cluster, JobID job, Duration timeout)
      throws Exception {
    long before = completedCheckpoints(cluster, job);
    await(
        () -> {
          try {
            return completedCheckpoints(cluster, job) >= before + 2;
          } catch (Exception e) {
            return false;
          }
        },
        timeout,
        "a new completed checkpoint of job " + job);
  }

  static void await(BooleanSupplier condition, Duration timeout, String what)
      throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      Thread.sleep(100);
    }
  }

  // ------------------------------------------------------------------------
  //  Kafka
  // ------------------------------------------------------------------------

  /**
   * The publishing clients' producer (acks=all, idempotent), so input arrives as a user's would.
   */
  static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    // The tests publish right after creating their topics. Seen three times (ModelLifecycleITCase,
    // SavepointRescaleITCase): the embedded broker rejected the first batch to a new partition with
    // a retriable error while it accepted the batches in flight behind it, then refused the retried
    // first one as OutOfOrderSequenceException until the delivery timeout (120 s). With one request
    // in flight a retried batch is resent before anything after it, so order and idempotence hold.
    Properties p = new Properties();
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
    return KafkaClients.producer(bootstrap, p);
  }

  /**
   * Sends records in order and returns where each landed (partition and offset), for matching dead
   * letters with their source.
   */
  static List<RecordMetadata> send(
      KafkaProducer<byte[], byte[]> producer, List<ProducerRecord<byte[], byte[]>> records) {
    List<AtomicReference<RecordMetadata>> slots = new ArrayList<>(records.size());
    AtomicReference<Exception> failure = new AtomicReference<>();
    for (ProducerRecord<byte[], byte[]> r : records) {
      AtomicReference<RecordMetadata> slot = new AtomicReference<>();
      slots.add(slot);
      producer.send(
          r,
          (m, e) -> {
            if (e != null) {
              failure.compareAndSet(null, e);
            } else {
              slot.set(m);
            }
          });
    }
    producer.flush();
    if (failure.get() != null) {
      throw new IllegalStateException("publishing failed", failure.get());
    }
    return slots.stream().map(AtomicReference::get).collect(Collectors.toList());
  }

  static Admin admin(String bootstrap) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    return Admin.create(p);
  }

  static Map<TopicPartition, Long> endOffsets(Admin admin, String topic) throws Exception {
    var partitions =
        admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
            .map(i -> new TopicPartition(topic, i.partition()))
            .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
    Map<TopicPartition, Long> ends = new HashMap<>();
    admin.listOffsets(partitions).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
    return ends;
  }

  /**
   * Records of {@code topic} not yet covered by the job's committed offsets. The Kafka source
   * commits offsets when a checkpoint completes, so this is the lag of the job's durable state.
   */
  static long lag(Admin admin, String group, String topic) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    long lag = 0;
    for (var e : endOffsets(admin, topic).entrySet()) {
      OffsetAndMetadata c = committed.get(e.getKey());
      lag += e.getValue() - (c == null ? 0 : c.offset());
    }
    return lag;
  }

  /**
   * Waits until the job's committed offsets reach the end of each topic, then until the job has
   * processed every record it read: offsets are committed when a checkpoint completes, and an
   * unaligned checkpoint (the default) may have stored records in flight between operators instead
   * of their having been processed, so a savepoint (always aligned) of the job {@link #submit}
   * started for {@code group} follows ({@link Drained}).
   */
  static void awaitConsumed(String bootstrap, String group, Duration timeout, String... topics)
      throws Exception {
    long start = System.nanoTime();
    awaitCommitted(bootstrap, group, timeout, topics);
    Submitted submitted = SUBMITTED.get(group);
    if (submitted != null) {
      Duration left = timeout.minusNanos(System.nanoTime() - start);
      Drained.await(
          submitted.job(),
          submitted.savepoints(),
          left.isNegative() ? Duration.ofSeconds(30) : left.plusSeconds(30));
    }
  }

  private static void awaitCommitted(
      String bootstrap, String group, Duration timeout, String... topics) throws Exception {
    try (Admin admin = admin(bootstrap)) {
      long end = System.nanoTime() + timeout.toNanos();
      for (String topic : topics) {
        long lag;
        while ((lag = lag(admin, group, topic)) > 0) {
          if (System.nanoTime() > end) {
            throw new AssertionError(
                "job did not consume " + topic + " within " + timeout + ": " + lag + " behind");
          }
          Thread.sleep(200);
        }
      }
    }
  }

  /**
   * Every record of {@code topic} from the beginning up to its end at the time of the call. With
   * {@code readCommitted}, only records of committed transactions; their end is the last stable
   * offset, which an open transaction holds back, so this then also waits for open transactions.
   */
  static List<ConsumerRecord<byte[], byte[]>> readAll(
      String bootstrap, String topic, boolean readCommitted, Duration timeout) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(
        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
        readCommitted ? "read_committed" : "read_uncommitted");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
              .map(i -> new TopicPartition(topic, i.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        boolean done = true;
        for (TopicPartition tp : partitions) {
          done &= consumer.position(tp) >= ends.get(tp);
        }
        if (done) {
          return out;
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError(
              "could not read " + topic + " to its end " + ends + " within " + timeout);
        }
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
  }

  /** {@link #readOutput} of what the topic holds, committed or not, within a minute. */
  static <T extends SpecificRecord> List<T> readOutput(
      Configuration options, ConfigOption<String> topic, Class<T> type) {
    return readOutput(options, topic, type, false, Duration.ofMinutes(1));
  }

  /**
   * Every record of one of the job's topics, decoded: {@link #readAll} on the job's broker, then
   * {@link #decodeAll} with the job's encoding, both taken from {@code options}.
   */
  static <T extends SpecificRecord> List<T> readOutput(
      Configuration options,
      ConfigOption<String> topic,
      Class<T> type,
      boolean readCommitted,
      Duration timeout) {
    return decodeAll(
        readAll(
            options.get(MStreamOptions.BOOTSTRAP_SERVERS),
            options.get(topic),
            readCommitted,
            timeout),
        type,
        options.get(MStreamOptions.ENCODING));
  }

  static <T extends SpecificRecord> List<T> decodeAll(
      List<ConsumerRecord<byte[], byte[]>> records, Class<T> type, Encoding encoding) {
    RecordCodec<T> codec = Codecs.of(type, encoding);
    List<T> out = new ArrayList<>(records.size());
    for (ConsumerRecord<byte[], byte[]> r : records) {
      try {
        out.add(codec.decode(r.value()));
      } catch (CodecException e) {
        throw new AssertionError(
            "undecodable " + type.getSimpleName() + " at " + r.topic() + "@" + r.offset(), e);
      }
    }
    return out;
  }
}
