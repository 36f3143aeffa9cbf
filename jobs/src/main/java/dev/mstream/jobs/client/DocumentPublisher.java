package dev.mstream.jobs.client;

import dev.mstream.schemas.Document;
import dev.mstream.schemas.codec.Codecs;
import dev.mstream.schemas.codec.Encoding;
import dev.mstream.schemas.codec.RecordCodec;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Publishes documents keyed by id (so updates of one id keep their order) and tombstones. */
public final class DocumentPublisher implements AutoCloseable {

  private final KafkaProducer<byte[], byte[]> producer;
  private final RecordCodec<Document> codec;
  private final String topic;
  private final AtomicReference<Exception> firstFailure = new AtomicReference<>();

  public DocumentPublisher(String bootstrap, String topic, Encoding encoding, Properties extra) {
    this.producer = KafkaClients.producer(bootstrap, extra);
    this.codec = Codecs.of(Document.class, encoding);
    this.topic = topic;
  }

  public void publish(Document doc) {
    send(doc.getId(), codec.encode(doc));
  }

  /** A Kafka tombstone: null value, the id as key. */
  public void tombstone(String id) {
    send(id, null);
  }

  /** Raw bytes as the value (tests publish bad input with it). */
  public void send(String key, byte[] value) {
    throwIfFailed();
    producer.send(
        new ProducerRecord<>(
            topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value),
        (metadata, e) -> {
          if (e != null) {
            firstFailure.compareAndSet(null, e);
          }
        });
  }

  /** Waits until everything sent is acknowledged; fails if anything was not. */
  public void flush() {
    producer.flush();
    throwIfFailed();
  }

  private void throwIfFailed() {
    Exception e = firstFailure.get();
    if (e != null) {
      throw new IllegalStateException("publishing to " + topic + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    producer.close();
  }
}
