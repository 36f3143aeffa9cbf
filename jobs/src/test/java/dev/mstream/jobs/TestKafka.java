package dev.mstream.jobs;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** Kafka checks for integration tests. */
public final class TestKafka {

  private TestKafka() {}

  /**
   * Waits until the job's committed offsets on {@code topic} reach its end. The Kafka source
   * commits offsets only when a checkpoint completes, so then every record of the topic has been
   * read and is either processed or, with unaligned checkpoints (the default), stored in that
   * checkpoint as in flight between operators. {@link Drained} then waits until it is processed.
   */
  public static void awaitConsumed(String bootstrap, String groupId, String topic, Duration timeout)
      throws Exception {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(p)) {
      var partitions =
          admin
              .describeTopics(java.util.List.of(topic))
              .allTopicNames()
              .get()
              .get(topic)
              .partitions()
              .stream()
              .map(i -> new TopicPartition(topic, i.partition()))
              .collect(Collectors.toList());
      Map<TopicPartition, Long> ends =
          admin
              .listOffsets(
                  partitions.stream()
                      .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest())))
              .all()
              .get()
              .entrySet()
              .stream()
              .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
      long end = System.nanoTime() + timeout.toNanos();
      Map<TopicPartition, OffsetAndMetadata> committed = Map.of();
      while (System.nanoTime() < end) {
        committed = admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
        boolean done = true;
        for (var e : ends.entrySet()) {
          OffsetAndMetadata c = committed.get(e.getKey());
          done &= c != null && c.offset() >= e.getValue();
        }
        if (done) {
          return;
        }
        Thread.sleep(250);
      }
      throw new AssertionError(
          "job did not consume "
              + topic
              + " within "
              + timeout
              + ": end "
              + ends
              + ", committed "
              + committed);
    }
  }
}
