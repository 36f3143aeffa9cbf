package dev.mstream.jobs.local;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.time.Deadline;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;

/**
 * Admin-client polls that wait until the broker can serve what was just asked of it: a started node
 * that accepts topics, and created topics that have leaders.
 */
final class BrokerProbes {

  private BrokerProbes() {}

  /** An admin client tuned for a broker on this machine; the caller closes it. */
  static Admin newAdmin(String bootstrap, Duration timeout) {
    Map<String, Object> conf = new HashMap<>();
    conf.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    conf.put(AdminClientConfig.CLIENT_ID_CONFIG, "embedded-kafka-admin");
    conf.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, intMillis(timeout));
    // Local broker: don't back off for seconds between retries while it is still coming up.
    conf.put(AdminClientConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 200);
    conf.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200);
    return Admin.create(conf);
  }

  /**
   * A poll pause of at most {@code maxMillis}, cut short near the deadline but never 0 (a 0 ms
   * sleep would spin).
   */
  static void pause(long maxMillis, Deadline deadline) throws InterruptedException {
    Thread.sleep(Math.min(maxMillis, Math.max(1, deadline.timeLeft().toMillis())));
  }

  /** A timeout as the int milliseconds of Kafka's admin options (saturating). */
  static int intMillis(Duration timeout) {
    return (int) Math.min(timeout.toMillis(), Integer.MAX_VALUE);
  }

  /** Waits until node {@code nodeId} is listed by describeCluster, or fails at the deadline. */
  static void awaitReady(String bootstrap, int nodeId, Deadline deadline, Duration timeout) {
    Throwable last = null;
    try (Admin admin = newAdmin(bootstrap, timeout)) {
      while (true) {
        Duration remaining = deadline.timeLeft();
        if (!deadline.hasTimeLeft()) {
          break;
        }
        try {
          Collection<Node> nodes =
              admin
                  .describeCluster(new DescribeClusterOptions().timeoutMs(intMillis(remaining)))
                  .nodes()
                  .get(remaining.toMillis(), TimeUnit.MILLISECONDS);
          // The node only appears once registered and unfenced; before that, topic
          // creation would fail with "no brokers available".
          if (nodes.stream().anyMatch(n -> n.id() == nodeId)) {
            return;
          }
        } catch (ExecutionException | TimeoutException e) {
          last = e instanceof ExecutionException ? e.getCause() : e;
        }
        pause(100, deadline);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(
          "Interrupted while waiting for embedded Kafka at " + bootstrap, e);
    }
    throw new IllegalStateException(
        "Embedded Kafka at "
            + bootstrap
            + " did not answer describeCluster within "
            + timeout
            + (last == null ? "" : "; last error: " + last),
        last);
  }
}
