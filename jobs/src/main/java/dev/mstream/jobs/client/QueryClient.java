package dev.mstream.jobs.client;

import dev.mstream.schemas.Query;
import dev.mstream.schemas.QueryResult;
import dev.mstream.schemas.codec.CodecException;
import dev.mstream.schemas.codec.Codecs;
import dev.mstream.schemas.codec.Encoding;
import dev.mstream.schemas.codec.RecordCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Sends queries and collects their results. It starts reading the results topic at its end
 * <em>before</em> the first query is sent, so no answer can slip past it.
 */
public final class QueryClient implements AutoCloseable {

  private final KafkaProducer<byte[], byte[]> producer;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final RecordCodec<Query> queryCodec;
  private final RecordCodec<QueryResult> resultCodec;
  private final String queriesTopic;

  public QueryClient(
      String bootstrap,
      String queriesTopic,
      String resultsTopic,
      Encoding encoding,
      Properties extra) {
    this.producer = KafkaClients.queryProducer(bootstrap, extra);
    this.consumer = KafkaClients.consumer(bootstrap, extra);
    this.queryCodec = Codecs.of(Query.class, encoding);
    this.resultCodec = Codecs.of(QueryResult.class, encoding);
    this.queriesTopic = queriesTopic;
    // Pinned to before our queries.
    KafkaClients.assignAtEnd(consumer, resultsTopic, "results");
  }

  public void send(Query query) {
    producer.send(
        new ProducerRecord<>(
            queriesTopic,
            query.getQueryId().getBytes(StandardCharsets.UTF_8),
            queryCodec.encode(query)));
  }

  public void send(String key, byte[] rawValue) {
    producer.send(
        new ProducerRecord<>(
            queriesTopic, key == null ? null : key.getBytes(StandardCharsets.UTF_8), rawValue));
  }

  public void flush() {
    producer.flush();
  }

  /** Every result that arrives within {@code window}, duplicates included. */
  public List<QueryResult> poll(Duration window) {
    List<QueryResult> out = new ArrayList<>();
    long end = System.nanoTime() + window.toNanos();
    while (System.nanoTime() < end) {
      pollOnce(Duration.ofMillis(100), out);
    }
    return out;
  }

  /**
   * First result of each of {@code queryIds}, in arrival order; returns early once all arrived, or
   * with what it has when {@code timeout} passes.
   */
  public Map<String, QueryResult> await(Collection<String> queryIds, Duration timeout) {
    Set<String> wanted = new HashSet<>(queryIds);
    Map<String, QueryResult> got = new LinkedHashMap<>();
    long end = System.nanoTime() + timeout.toNanos();
    List<QueryResult> batch = new ArrayList<>();
    while (got.size() < wanted.size() && System.nanoTime() < end) {
      batch.clear();
      pollOnce(Duration.ofMillis(100), batch);
      for (QueryResult r : batch) {
        if (wanted.contains(r.getQueryId())) {
          got.putIfAbsent(r.getQueryId(), r);
        }
      }
    }
    return got;
  }

  private void pollOnce(Duration timeout, List<QueryResult> out) {
    for (ConsumerRecord<byte[], byte[]> rec : consumer.poll(timeout)) {
      out.add(decodeResult(resultCodec, rec));
    }
  }

  /** A record of the results topic; one that does not decode fails naming its offset. */
  public static QueryResult decodeResult(
      RecordCodec<QueryResult> codec, ConsumerRecord<byte[], byte[]> rec) {
    try {
      return codec.decode(rec.value());
    } catch (CodecException e) {
      throw new IllegalStateException(
          "undecodable record on the results topic at offset "
              + rec.offset()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  @Override
  public void close() {
    producer.close();
    consumer.close();
  }
}
