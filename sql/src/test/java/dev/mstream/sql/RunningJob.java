package dev.mstream.sql;

import dev.mstream.jobs.MStreamJob;
import dev.mstream.jobs.MStreamOptions;
import dev.mstream.jobs.MStreamPipeline;
import dev.mstream.jobs.client.DocumentPublisher;
import dev.mstream.jobs.client.QueryClient;
import dev.mstream.jobs.local.EmbeddedKafka;
import dev.mstream.jobs.local.LocalRunner;
import dev.mstream.schemas.DeadLetter;
import dev.mstream.schemas.Document;
import dev.mstream.schemas.Query;
import dev.mstream.schemas.QueryResult;
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
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The real Matryoshka Stream job (bundled model, RocksDB, checkpoints) on the test's MiniCluster
 * and an in-process broker, with its own four topics; and the clients a producer of documents and a
 * sender of queries would use. One owner: {@link #close()} closes the clients, then cancels the
 * job.
 */
public final class RunningJob implements AutoCloseable {

  private final Configuration options;
  private final JobClient job;
  private final QueryClient queries;
  private final DocumentPublisher documents;
  private long probes;

  private RunningJob(
      Configuration options, JobClient job, QueryClient queries, DocumentPublisher documents) {
    this.options = options;
    this.job = job;
    this.queries = queries;
    this.documents = documents;
  }

  /**
   * @param name the job's group id and its topics' prefix ({@code name.queries}, ...)
   */
  public static RunningJob start(
      EmbeddedKafka kafka, String name, Encoding encoding, int parallelism, Path dir)
      throws Exception {
    Configuration o = new Configuration();
    o.set(MStreamOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    o.set(MStreamOptions.ENCODING, encoding);
    o.set(MStreamOptions.GROUP_ID, name);
    o.set(MStreamOptions.DOCUMENTS_TOPIC, name + ".documents");
    o.set(MStreamOptions.QUERIES_TOPIC, name + ".queries");
    o.set(MStreamOptions.RESULTS_TOPIC, name + ".results");
    o.set(MStreamOptions.DEAD_LETTERS_TOPIC, name + ".dead-letters");
    o.set(MStreamOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(2));
    o.set(MStreamOptions.CHECKPOINT_DIR, dir.resolve("checkpoints").toUri().toString());
    // Fit the projection after a few documents, so searches go through the prefix funnel.
    o.set(MStreamOptions.FIT_SAMPLE, 16);
    // A loaded CI machine may be slow to answer; these tests want OK results, not PARTIAL ones.
    o.set(MStreamOptions.QUERY_DEADLINE, Duration.ofSeconds(60));
    LocalRunner.createTopics(kafka, parallelism, o);

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(parallelism);
    MStreamJob.configure(env, o);
    MStreamPipeline.build(env, o);
    JobClient job = env.executeAsync(name);
    String bootstrap = kafka.bootstrapServers();
    QueryClient q =
        new QueryClient(
            bootstrap,
            o.get(MStreamOptions.QUERIES_TOPIC),
            o.get(MStreamOptions.RESULTS_TOPIC),
            encoding,
            new Properties());
    DocumentPublisher d =
        new DocumentPublisher(
            bootstrap, o.get(MStreamOptions.DOCUMENTS_TOPIC), encoding, new Properties());
    return new RunningJob(o, job, q, d);
  }

  public Configuration options() {
    return options;
  }

  public String topic(org.apache.flink.configuration.ConfigOption<String> topic) {
    return options.get(topic);
  }

  public void publish(List<Document> docs) {
    docs.forEach(documents::publish);
    documents.flush();
  }

  public DocumentPublisher documents() {
    return documents;
  }

  /**
   * Waits until {@code namespace} holds {@code live} documents, asking the job itself (every result
   * reports the namespace's live documents). Probes are resent: queries sent before the job's
   * source has found the end of the queries topic are never read.
   */
  public void awaitIndexed(String namespace, long live, Duration timeout) throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    long seen = -1;
    while (System.nanoTime() < end) {
      String id = "probe-" + namespace + "-" + probes++;
      queries.send(
          Query.newBuilder()
              .setQueryId(id)
              .setNamespace(namespace)
              .setText("probe")
              .setK(1)
              .build());
      queries.flush();
      QueryResult r = queries.await(List.of(id), Duration.ofSeconds(2)).get(id);
      if (r != null) {
        seen = r.getIndexSize();
        if (seen == live) {
          return;
        }
      }
    }
    throw new AssertionError(
        "namespace "
            + namespace
            + " did not reach "
            + live
            + " documents within "
            + timeout
            + " (last seen: "
            + seen
            + ")");
  }

  /**
   * Waits until the job's committed offsets reach the end of its documents topic: the Kafka source
   * commits them when a checkpoint completes, which is after every record before it went through
   * every operator, so then all of them are in the index.
   */
  public void awaitDocumentsConsumed(Duration timeout) throws Exception {
    String topic = options.get(MStreamOptions.DOCUMENTS_TOPIC);
    String group = options.get(MStreamOptions.GROUP_ID);
    Properties p = new Properties();
    p.put(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, options.get(MStreamOptions.BOOTSTRAP_SERVERS));
    try (Admin admin = Admin.create(p)) {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      admin
          .describeTopics(List.of(topic))
          .allTopicNames()
          .get()
          .get(topic)
          .partitions()
          .forEach(i -> latest.put(new TopicPartition(topic, i.partition()), OffsetSpec.latest()));
      Map<TopicPartition, Long> ends = new HashMap<>();
      admin.listOffsets(latest).all().get().forEach((tp, o) -> ends.put(tp, o.offset()));
      long end = System.nanoTime() + timeout.toNanos();
      while (true) {
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        long behind = 0;
        for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
          OffsetAndMetadata c = committed.get(e.getKey());
          behind += e.getValue() - (c == null ? 0 : c.offset());
        }
        if (behind <= 0) {
          return;
        }
        if (System.nanoTime() > end) {
          throw new AssertionError(
              "the job did not consume "
                  + topic
                  + " within "
                  + timeout
                  + ": "
                  + behind
                  + " behind");
        }
        Thread.sleep(200);
      }
    }
  }

  /** Every dead letter the job has written so far. */
  public List<DeadLetter> deadLetters() throws Exception {
    String topic = options.get(MStreamOptions.DEAD_LETTERS_TOPIC);
    RecordCodec<DeadLetter> codec =
        Codecs.of(DeadLetter.class, options.get(MStreamOptions.ENCODING));
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, options.get(MStreamOptions.BOOTSTRAP_SERVERS));
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    List<DeadLetter> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts = new ArrayList<>();
      c.partitionsFor(topic).forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> ends = c.endOffsets(parts);
      while (parts.stream().anyMatch(tp -> c.position(tp) < ends.get(tp))) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          out.add(codec.decode(r.value()));
        }
      }
    }
    return out;
  }

  /** Sends the queries to the queries topic and returns each one's result. */
  public Map<String, QueryResult> ask(List<Query> qs, Duration timeout) {
    qs.forEach(queries::send);
    queries.flush();
    return queries.await(qs.stream().map(Query::getQueryId).toList(), timeout);
  }

  @Override
  public void close() throws Exception {
    try {
      documents.close();
      queries.close();
    } finally {
      job.cancel().get();
    }
  }
}
