package dev.mstream.jobs.bench.latency;

import dev.mstream.jobs.client.KafkaClients;
import dev.mstream.jobs.client.QueryClient;
import dev.mstream.schemas.QueryResult;
import dev.mstream.schemas.codec.Codecs;
import dev.mstream.schemas.codec.Encoding;
import dev.mstream.schemas.codec.RecordCodec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * Reads the results topic on a thread of its own, from the end the topic had when it was created
 * (so no answer can slip past it), and hands every result to whoever {@link #expect expects} its
 * query id, with the time it was consumed. A plain consumer as a user would configure it (the
 * library's fetch settings; {@code mstream.kafka.properties.*} on top).
 */
public final class ResultListener implements AutoCloseable {

  /** A result as consumed: the record and {@link System#nanoTime()} when the poll returned it. */
  public record Arrival(QueryResult result, long nanos) {}

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final RecordCodec<QueryResult> codec;
  private final Map<String, Consumer<Arrival>> waiting = new ConcurrentHashMap<>();
  private final AtomicLong unexpected = new AtomicLong();
  private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
  private final Thread thread;
  private volatile boolean running = true;

  public ResultListener(String bootstrap, String topic, Encoding encoding, Properties extra) {
    this.consumer = KafkaClients.consumer(bootstrap, extra);
    this.codec = Codecs.of(QueryResult.class, encoding);
    try {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      if (partitions.isEmpty()) {
        throw new IllegalStateException("results topic '" + topic + "' does not exist");
      }
      consumer.assign(partitions);
      consumer.seekToEnd(partitions);
      partitions.forEach(consumer::position); // pins "the end" now, before any query is sent
    } catch (RuntimeException e) {
      consumer.close();
      throw e;
    }
    this.thread = new Thread(this::loop, "bench-latency-results");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Calls {@code handler} on the listener thread with the first result of {@code queryId}; a later
   * one (a duplicate) counts as {@link #unexpected}.
   */
  public void expect(String queryId, Consumer<Arrival> handler) {
    throwIfFailed();
    waiting.put(queryId, handler);
  }

  /** Stops expecting {@code queryId} (a result that still comes counts as unexpected). */
  public void forget(String queryId) {
    waiting.remove(queryId);
  }

  /** Results of query ids nobody expected: duplicates, or answers to other clients' queries. */
  public long unexpected() {
    return unexpected.get();
  }

  private void loop() {
    try {
      while (running) {
        var records = consumer.poll(Duration.ofMillis(100));
        long now = System.nanoTime();
        for (ConsumerRecord<byte[], byte[]> rec : records) {
          QueryResult result = QueryClient.decodeResult(codec, rec);
          Consumer<Arrival> handler = waiting.remove(result.getQueryId());
          if (handler == null) {
            unexpected.incrementAndGet();
          } else {
            handler.accept(new Arrival(result, now));
          }
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      failure.compareAndSet(null, e);
    }
  }

  private void throwIfFailed() {
    RuntimeException e = failure.get();
    if (e != null) {
      throw new IllegalStateException("reading results failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    consumer.wakeup();
    thread.join(10_000);
    consumer.close();
  }
}
