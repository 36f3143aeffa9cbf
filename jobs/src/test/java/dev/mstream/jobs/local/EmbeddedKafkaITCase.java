package dev.mstream.jobs.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaITCase {

  private static final Duration POLL_DEADLINE = Duration.ofSeconds(30);
  private static final Map<String, Duration> STARTUP_TIMES = new ConcurrentHashMap<>();

  @AfterAll
  static void reportStartupTimes() {
    STARTUP_TIMES.forEach(
        (test, took) ->
            System.out.printf("EmbeddedKafka start-up [%s]: %d ms%n", test, took.toMillis()));
  }

  @Test
  void producesAndConsumesRecordsOnTwoTopics() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      STARTUP_TIMES.put("plain", kafka.startupTime());
      assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:" + kafka.port());

      kafka.createTopics(2, "left", "right");
      kafka.createTopics(2, "left", "right"); // idempotent
      try (Admin admin = kafka.createAdminClient()) {
        Map<String, TopicDescription> topics =
            admin.describeTopics(List.of("left", "right")).allTopicNames().get();
        assertThat(topics.values()).allSatisfy(d -> assertThat(d.partitions()).hasSize(2));
      }

      try (KafkaProducer<String, String> producer = producer(kafka, Map.of())) {
        for (int i = 0; i < 100; i++) {
          producer.send(new ProducerRecord<>(i % 2 == 0 ? "left" : "right", "k" + i, "v" + i));
        }
        producer.flush();
      }

      List<ConsumerRecord<String, String>> records =
          consume(kafka, List.of("left", "right"), 100, Map.of());
      assertThat(records).hasSize(100);
      assertThat(records.stream().map(ConsumerRecord::value))
          .containsExactlyInAnyOrderElementsOf(
              IntStream.range(0, 100).mapToObj(i -> "v" + i).toList());
      Set<TopicPartition> partitions =
          records.stream()
              .map(r -> new TopicPartition(r.topic(), r.partition()))
              .collect(Collectors.toSet());
      assertThat(partitions).hasSize(4);
    }
  }

  @Test
  void transactionalCommitIsVisibleToReadCommittedConsumer() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      STARTUP_TIMES.put("transactions", kafka.startupTime());
      kafka.createTopics(2, "tx");

      // Flink's exactly-once KafkaSink asks for a transaction timeout; the broker's maximum
      // must admit the value the job is configured with, and reject anything above it.
      long max = EmbeddedKafka.TRANSACTION_MAX_TIMEOUT.toMillis();
      try (KafkaProducer<String, String> producer =
          producer(
              kafka,
              Map.of(
                  ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                  "tx-ok",
                  ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                  (int) max))) {
        producer.initTransactions();

        producer.beginTransaction();
        for (int i = 0; i < 10; i++) {
          producer.send(new ProducerRecord<>("tx", "k" + i, "aborted-" + i));
        }
        producer.abortTransaction();

        producer.beginTransaction();
        for (int i = 0; i < 10; i++) {
          producer.send(new ProducerRecord<>("tx", "k" + i, "committed-" + i));
        }
        producer.commitTransaction();
      }

      List<ConsumerRecord<String, String>> records =
          consume(
              kafka,
              List.of("tx"),
              10,
              Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
      assertThat(records.stream().map(ConsumerRecord::value))
          .containsExactlyInAnyOrderElementsOf(
              IntStream.range(0, 10).mapToObj(i -> "committed-" + i).toList());

      try (KafkaProducer<String, String> tooLong =
          producer(
              kafka,
              Map.of(
                  ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                  "tx-too-long",
                  ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                  (int) max + 1))) {
        assertThatThrownBy(tooLong::initTransactions)
            .isInstanceOf(KafkaException.class)
            .hasMessageContaining("transaction.max.timeout.ms");
      }
    }
  }

  @Test
  void closeReleasesPortAndTempDirAndASecondBrokerCanStart() throws Exception {
    EmbeddedKafka first = EmbeddedKafka.start();
    STARTUP_TIMES.put("first", first.startupTime());
    int port = first.port();
    Path dir = first.dataDir();
    assertThat(first.isTemporary()).isTrue();
    first.createTopics("t");
    produce(first, "t", 1);

    first.close();
    first.close(); // idempotent

    assertThat(dir).doesNotExist();
    assertPortFree(port);
    assertThatThrownBy(() -> first.createTopics("u"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");

    try (EmbeddedKafka second = EmbeddedKafka.start()) {
      STARTUP_TIMES.put("second in same JVM", second.startupTime());
      assertThat(second.clusterId()).isNotEqualTo(first.clusterId());
      second.createTopics("t");
      produce(second, "t", 3);
      assertThat(consume(second, List.of("t"), 3, Map.of())).hasSize(3);
    }
  }

  @Test
  void fixedDataDirKeepsTopicsAndRecordsAcrossRestarts(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("kafka-data");
    String clusterId;
    int port;
    try (EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(dir).partitions(3).start()) {
      STARTUP_TIMES.put("fixed dir, fresh", kafka.startupTime());
      assertThat(kafka.isTemporary()).isFalse();
      clusterId = kafka.clusterId();
      port = kafka.port();
      kafka.createTopics("persistent");
      produce(kafka, "persistent", 5);
    }
    assertThat(dir.resolve("meta.properties")).exists();

    // Same fixed port right after close: a restarted demo must be able to rebind it at once.
    try (EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(dir).port(port).start()) {
      STARTUP_TIMES.put("fixed dir, restart", kafka.startupTime());
      assertThat(kafka.clusterId()).isEqualTo(clusterId);
      assertThat(kafka.port()).isEqualTo(port);
      kafka.createTopics(1, "persistent"); // exists with 3 partitions: kept, warned
      try (Admin admin = kafka.createAdminClient()) {
        assertThat(
                admin
                    .describeTopics(List.of("persistent"))
                    .allTopicNames()
                    .get()
                    .get("persistent")
                    .partitions())
            .hasSize(3);
      }
      assertThat(consume(kafka, List.of("persistent"), 5, Map.of())).hasSize(5);
    }
    assertThat(dir).exists();
  }

  @Test
  void fixedPortInUseFailsWithAClearMessage() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
      assertThatThrownBy(() -> EmbeddedKafka.builder().port(taken.getLocalPort()).start())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("not free")
          .hasMessageContaining(String.valueOf(taken.getLocalPort()));
    }
  }

  @Test
  void dataDirInUseFailsWithoutKillingTheJvm(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("shared");
    try (EmbeddedKafka first = EmbeddedKafka.builder().dataDir(dir).start()) {
      assertThatThrownBy(
              () ->
                  EmbeddedKafka.builder().dataDir(dir).startTimeout(Duration.ofSeconds(20)).start())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("in use");
      // The failed attempt must leave the running broker alone.
      first.createTopics("still-alive");
      produce(first, "still-alive", 2);
      assertThat(consume(first, List.of("still-alive"), 2, Map.of())).hasSize(2);
    }
  }

  @Test
  void startTimeoutFailsCleanlyWithoutKillingTheJvm() {
    // A 1 ms budget makes the controller's own start-up time out, which Kafka treats as a fatal
    // fault and answers with Exit.halt(1); the JVM running this test must survive that.
    assertThatThrownBy(() -> EmbeddedKafka.builder().startTimeout(Duration.ofMillis(1)).start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("failed to start")
        .hasMessageContaining("Timed out");
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      kafka.createTopics("after-failure");
    }
  }

  private static KafkaProducer<String, String> producer(
      EmbeddedKafka kafka, Map<String, Object> extra) {
    Properties props = kafka.clientProperties();
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.putAll(extra);
    return new KafkaProducer<>(props);
  }

  private static void produce(EmbeddedKafka kafka, String topic, int count) throws Exception {
    try (KafkaProducer<String, String> producer = producer(kafka, Map.of())) {
      for (int i = 0; i < count; i++) {
        producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i)).get();
      }
    }
  }

  private static List<ConsumerRecord<String, String>> consume(
      EmbeddedKafka kafka, List<String> topics, int expected, Map<String, Object> extra) {
    Properties props = kafka.clientProperties();
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + System.nanoTime());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.putAll(extra);
    List<ConsumerRecord<String, String>> records = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
      consumer.subscribe(topics);
      long deadline = System.nanoTime() + POLL_DEADLINE.toNanos();
      while (records.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      // One more short poll: anything beyond `expected` (e.g. aborted records leaking through
      // read_committed) must show up as a failed size assertion, not be silently cut off.
      consumer.poll(Duration.ofMillis(500)).forEach(records::add);
    }
    assertThat(records).as("records consumed from %s", topics).hasSize(expected);
    return records;
  }

  private static void assertPortFree(int port) throws Exception {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
    }
  }
}
