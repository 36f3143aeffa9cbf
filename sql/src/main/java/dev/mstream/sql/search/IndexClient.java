package dev.mstream.sql.search;

import dev.mstream.schemas.Query;
import dev.mstream.schemas.QueryResult;
import dev.mstream.schemas.codec.CodecException;
import dev.mstream.schemas.codec.Codecs;
import dev.mstream.schemas.codec.RecordCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends queries to the job's queries topic and hands each its {@link QueryResult} from the results
 * topic, matched by query id. The results consumer is positioned at the topic's end before the
 * first query leaves, so no answer can slip past; it reads every partition and looks only at the
 * records keyed by one of its own query ids (the job keys results by query id). A query without an
 * answer within the timeout fails with an error naming the topics, instead of waiting forever.
 *
 * <p>One owner of the producer, the consumer thread and the timer; {@link #close()} stops them in
 * reverse order and fails whatever is still waiting.
 */
final class IndexClient implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(IndexClient.class);

  private final SearchSpec spec;
  private final String idPrefix;
  private final RecordCodec<Query> queries;
  private final RecordCodec<QueryResult> results;
  private final AtomicLong sequence = new AtomicLong();
  private final Map<String, CompletableFuture<QueryResult>> waiting = new ConcurrentHashMap<>();

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final KafkaProducer<byte[], byte[]> producer;
  private final ScheduledExecutorService timer;
  private final Thread listener;
  private volatile boolean running = true;

  /**
   * Connects and pins the results topic's end.
   *
   * @param idPrefix unique to this client: query ids are {@code idPrefix-N}
   * @throws IllegalStateException naming the topic that does not exist
   */
  IndexClient(SearchSpec spec, String idPrefix) {
    this.spec = spec;
    this.idPrefix = idPrefix;
    this.queries = Codecs.of(Query.class, spec.encoding());
    this.results = Codecs.of(QueryResult.class, spec.encoding());
    this.consumer = new KafkaConsumer<>(consumerProperties(spec));
    KafkaProducer<byte[], byte[]> p = null;
    ScheduledExecutorService t = null;
    try {
      List<TopicPartition> partitions = new ArrayList<>();
      consumer
          .partitionsFor(spec.resultsTopic(), Duration.ofSeconds(30))
          .forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
      if (partitions.isEmpty()) {
        throw new IllegalStateException(
            spec.table()
                + ": results topic '"
                + spec.resultsTopic()
                + "' does not exist on "
                + spec.bootstrapServers()
                + " ('"
                + MStreamIndexOptions.RESULTS_TOPIC.key()
                + "')");
      }
      consumer.assign(partitions);
      consumer.seekToEnd(partitions);
      partitions.forEach(consumer::position); // seekToEnd is lazy: pin the end now
      p = new KafkaProducer<>(producerProperties(spec));
      if (p.partitionsFor(spec.queriesTopic()).isEmpty()) {
        throw new IllegalStateException(
            spec.table()
                + ": queries topic '"
                + spec.queriesTopic()
                + "' does not exist ('"
                + MStreamIndexOptions.QUERIES_TOPIC.key()
                + "')");
      }
      t =
          Executors.newSingleThreadScheduledExecutor(
              r -> daemon(r, "mstream-search-timeouts-" + idPrefix));
    } catch (RuntimeException e) {
      if (p != null) {
        p.close(Duration.ZERO);
      }
      consumer.close(Duration.ZERO);
      throw e;
    }
    this.producer = p;
    this.timer = t;
    this.listener = daemon(this::listen, "mstream-search-results-" + idPrefix);
    listener.start();
  }

  /** Sends one query; the future completes with its result, or fails on timeout. */
  CompletableFuture<QueryResult> search(
      float[] vector,
      int k,
      String namespace,
      Map<String, String> filter,
      Integer dims,
      Integer candidates) {
    String id = idPrefix + "-" + sequence.incrementAndGet();
    List<Float> values = new ArrayList<>(vector.length);
    for (float x : vector) {
      values.add(x);
    }
    Query query =
        Query.newBuilder()
            .setQueryId(id)
            .setNamespace(namespace)
            .setText("")
            .setK(k)
            .setDims(dims)
            .setCandidates(candidates)
            .setFilter(filter)
            .setEventTime(Instant.now())
            .setVector(values)
            .build();
    CompletableFuture<QueryResult> result = new CompletableFuture<>();
    waiting.put(id, result);
    timer.schedule(
        () -> {
          if (waiting.remove(id, result)) {
            result.completeExceptionally(
                new TimeoutException(
                    spec.table()
                        + ": no result for query "
                        + id
                        + " on topic '"
                        + spec.resultsTopic()
                        + "' within "
                        + spec.timeoutMillis()
                        + " ms ('"
                        + MStreamIndexOptions.QUERY_TIMEOUT.key()
                        + "'). Is the Matryoshka"
                        + " Stream job running, reading '"
                        + spec.queriesTopic()
                        + "' and"
                        + " writing '"
                        + spec.resultsTopic()
                        + "' with encoding "
                        + spec.encoding()
                        + " on "
                        + spec.bootstrapServers()
                        + "?"));
          }
        },
        spec.timeoutMillis(),
        TimeUnit.MILLISECONDS);
    producer.send(
        new ProducerRecord<>(
            spec.queriesTopic(), id.getBytes(StandardCharsets.UTF_8), queries.encode(query)),
        (metadata, e) -> {
          if (e != null && waiting.remove(id, result)) {
            result.completeExceptionally(
                new IllegalStateException(
                    spec.table()
                        + ": cannot send query "
                        + id
                        + " to '"
                        + spec.queriesTopic()
                        + "': "
                        + e.getMessage(),
                    e));
          }
        });
    return result;
  }

  private void listen() {
    while (running) {
      try {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.key() == null) {
            continue;
          }
          CompletableFuture<QueryResult> result =
              waiting.remove(new String(r.key(), StandardCharsets.UTF_8));
          if (result != null) {
            deliver(r, result);
          }
        }
      } catch (WakeupException e) {
        return; // close()
      } catch (RuntimeException e) {
        LOG.warn("{}: reading '{}' failed, retrying", spec.table(), spec.resultsTopic(), e);
        failAll(e);
        sleep();
      }
    }
  }

  private void deliver(ConsumerRecord<byte[], byte[]> r, CompletableFuture<QueryResult> result) {
    try {
      result.complete(results.decode(r.value()));
    } catch (CodecException e) {
      result.completeExceptionally(
          new IllegalStateException(
              spec.table()
                  + ": the answer on '"
                  + spec.resultsTopic()
                  + "' (offset "
                  + r.offset()
                  + ") is not a "
                  + spec.encoding()
                  + " QueryResult: set '"
                  + MStreamIndexOptions.ENCODING.key()
                  + "' to the job's mstream.encoding ("
                  + e.getMessage()
                  + ")",
              e));
    }
  }

  private void failAll(Throwable cause) {
    for (String id : List.copyOf(waiting.keySet())) {
      CompletableFuture<QueryResult> f = waiting.remove(id);
      if (f != null) {
        f.completeExceptionally(cause);
      }
    }
  }

  private static void sleep() {
    try {
      Thread.sleep(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      listener.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      consumer.close(Duration.ofSeconds(5));
    } finally {
      try {
        producer.close(Duration.ofSeconds(5));
      } finally {
        timer.shutdownNow();
        failAll(new IllegalStateException(spec.table() + ": the search was closed"));
      }
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  private static Properties consumerProperties(SearchSpec spec) {
    Properties p = new Properties();
    p.putAll(spec.kafka());
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, spec.bootstrapServers());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    // Results of EXACTLY_ONCE jobs count once committed; AT_LEAST_ONCE ones are at once.
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return p;
  }

  private static Properties producerProperties(SearchSpec spec) {
    Properties p = new Properties();
    p.putAll(spec.kafka());
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, spec.bootstrapServers());
    // A query is waited for: send it now rather than linger for company.
    p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "0");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    return p;
  }
}
