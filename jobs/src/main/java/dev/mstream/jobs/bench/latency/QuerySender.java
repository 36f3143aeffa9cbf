package dev.mstream.jobs.bench.latency;

import dev.mstream.jobs.client.KafkaClients;
import dev.mstream.schemas.Query;
import dev.mstream.schemas.codec.Codecs;
import dev.mstream.schemas.codec.Encoding;
import dev.mstream.schemas.codec.RecordCodec;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Publishes queries, keyed by query id, from any thread (the Kafka producer is thread-safe). */
final class QuerySender implements AutoCloseable {

  private final KafkaProducer<byte[], byte[]> producer;
  private final RecordCodec<Query> codec;
  private final String topic;
  private final String lingerMs;
  private final AtomicReference<Exception> failure = new AtomicReference<>();

  QuerySender(String bootstrap, String topic, Encoding encoding, Properties extra) {
    this.producer = KafkaClients.queryProducer(bootstrap, extra);
    this.codec = Codecs.of(Query.class, encoding);
    this.topic = topic;
    this.lingerMs = extra.getProperty(ProducerConfig.LINGER_MS_CONFIG, "0");
  }

  void send(Query query) {
    Exception e = failure.get();
    if (e != null) {
      throw new IllegalStateException("publishing a query failed: " + e.getMessage(), e);
    }
    producer.send(
        new ProducerRecord<>(
            topic, query.getQueryId().getBytes(StandardCharsets.UTF_8), codec.encode(query)),
        (metadata, error) -> {
          if (error != null) {
            failure.compareAndSet(null, error);
          }
        });
  }

  /** The producer's {@code linger.ms}, for the report's header. */
  String lingerMs() {
    return lingerMs;
  }

  @Override
  public void close() {
    producer.close();
  }
}
