package dev.mstream.jobs.local;

import static dev.mstream.jobs.local.BrokerProbes.intMillis;
import static dev.mstream.jobs.local.BrokerProbes.pause;
import static org.apache.flink.util.Preconditions.checkNotNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.time.Deadline;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Idempotent topic creation on the single-replica embedded broker, finished only once every
 * partition has a leader: a producer or an assign()-ing consumer started right after must see them.
 */
final class TopicCreator {

  private static final Logger LOG = LoggerFactory.getLogger(TopicCreator.class);

  private TopicCreator() {}

  /**
   * Creates the topics that do not exist yet and waits for their leaders. An existing topic is left
   * as it is, even with another partition count, and only logged (see {@link
   * EmbeddedKafka#createTopics(int, String...)}).
   *
   * @param bootstrap for error messages only
   */
  static void create(
      Admin admin, String bootstrap, int partitions, Set<String> topics, Deadline deadline)
      throws InterruptedException, TimeoutException {
    List<NewTopic> newTopics = new ArrayList<>();
    for (String name : topics) {
      newTopics.add(new NewTopic(checkNotNull(name, "topic name"), partitions, (short) 1));
    }
    CreateTopicsResult result = admin.createTopics(newTopics);
    Set<String> preExisting = new LinkedHashSet<>();
    for (Map.Entry<String, KafkaFuture<Void>> e : result.values().entrySet()) {
      try {
        e.getValue().get(deadline.timeLeft().toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException ex) {
        if (!(ex.getCause() instanceof TopicExistsException)) {
          throw new IllegalStateException(
              "Could not create topic '" + e.getKey() + "' on " + bootstrap + ": " + ex.getCause(),
              ex.getCause());
        }
        preExisting.add(e.getKey());
      }
    }
    Map<String, TopicDescription> described = awaitLeaders(admin, topics, deadline);
    for (String name : preExisting) {
      int actual = described.get(name).partitions().size();
      if (actual != partitions) {
        LOG.warn(
            "Topic '{}' already exists with {} partitions; {} were requested and it is left unchanged",
            name,
            actual,
            partitions);
      }
    }
  }

  /** Waits until every partition of {@code topics} has a leader; returns their descriptions. */
  private static Map<String, TopicDescription> awaitLeaders(
      Admin admin, Set<String> topics, Deadline deadline)
      throws InterruptedException, TimeoutException {
    Throwable last = null;
    while (deadline.hasTimeLeft()) {
      Duration remaining = deadline.timeLeft();
      try {
        Map<String, TopicDescription> described =
            admin
                .describeTopics(topics, new DescribeTopicsOptions().timeoutMs(intMillis(remaining)))
                .allTopicNames()
                .get(remaining.toMillis(), TimeUnit.MILLISECONDS);
        boolean allLed =
            described.values().stream()
                .flatMap(d -> d.partitions().stream())
                .map(TopicPartitionInfo::leader)
                .allMatch(leader -> leader != null && !leader.isEmpty());
        if (allLed) {
          return described;
        }
      } catch (ExecutionException e) {
        // Right after creation the broker's metadata image may not have the topic yet.
        last = e.getCause();
      }
      pause(50, deadline);
    }
    TimeoutException timeout =
        new TimeoutException("Partitions of " + topics + " got no leader in time");
    if (last != null) {
      timeout.initCause(last);
    }
    throw timeout;
  }
}
