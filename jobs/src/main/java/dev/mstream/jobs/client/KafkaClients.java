package dev.mstream.jobs.client;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Byte-array producers and consumers for the command-line tools and tests. */
public final class KafkaClients {

  private KafkaClients() {}

  /**
   * A producer for documents: acks=all, idempotent, {@code linger.ms=5} (Kafka's own default, so
   * that a bulk load travels in batches). {@code extra} ({@code mstream.kafka.properties.*}) wins
   * over these defaults.
   */
  public static KafkaProducer<byte[], byte[]> producer(String bootstrap, Properties extra) {
    return producer(bootstrap, extra, 5);
  }

  /**
   * A producer for interactive queries: as {@link #producer} but {@code linger.ms=0}, so a query
   * leaves at once instead of waiting up to 5 ms for others to share its batch. {@code extra} wins.
   */
  public static KafkaProducer<byte[], byte[]> queryProducer(String bootstrap, Properties extra) {
    return producer(bootstrap, extra, 0);
  }

  private static KafkaProducer<byte[], byte[]> producer(
      String bootstrap, Properties extra, int lingerMs) {
    Properties p = new Properties();
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.LINGER_MS_CONFIG, String.valueOf(lingerMs));
    p.putAll(extra);
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return new KafkaProducer<>(p);
  }

  /**
   * Assigns {@code consumer} every partition of {@code topic}, positioned at the end as of now (so
   * it reads only what arrives from here on).
   *
   * @param what the topic's role, for the message when it does not exist (e.g. "results")
   */
  public static void assignAtEnd(KafkaConsumer<?, ?> consumer, String topic, String what) {
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    if (partitions.isEmpty()) {
      throw new IllegalStateException(what + " topic '" + topic + "' does not exist");
    }
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    // seekToEnd is lazy; resolving the positions now pins "the end" to before anything follows.
    partitions.forEach(consumer::position);
  }

  /** A consumer without a group: callers assign partitions themselves. */
  public static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, Properties extra) {
    Properties p = new Properties();
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
    p.putAll(extra);
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return new KafkaConsumer<>(p);
  }
}
