package dev.mstream.jobs.kafka;

import dev.mstream.jobs.MStreamOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the documents topic still holds every document: only then does a job that starts without
 * a checkpoint (or a rebuild of the index after a model change) index all of them. It does when the
 * topic is compacted ({@code cleanup.policy} contains {@code compact}: the latest record of every
 * key is kept) or keeps everything ({@code retention.ms} and {@code retention.bytes} both -1); with
 * a finite retention, documents not updated within it are gone from the topic, and an index built
 * from it silently lacks them.
 *
 * <p>The check asks the broker with the Kafka AdminClient ({@code DescribeConfigs} on the topic;
 * the job's {@code mstream.kafka.properties.*} apply, so an ACL may need to allow it). Where the
 * broker cannot be asked, it says so and does not stop the job.
 */
public final class DocumentsTopicCheck {

  private static final Logger LOG = LoggerFactory.getLogger(DocumentsTopicCheck.class);

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** What the broker says about the topic. */
  public record Retention(String cleanupPolicy, long retentionMs, long retentionBytes) {

    /** Every document's latest version stays in the topic. */
    public boolean keepsEveryDocument() {
      return List.of(cleanupPolicy.replace(" ", "").split(",")).contains("compact")
          || (retentionMs < 0 && retentionBytes < 0);
    }
  }

  private DocumentsTopicCheck() {}

  /**
   * Runs the check that {@code mstream.topics.documents.retention-check} asks for, if this start
   * builds the index from the topic: no savepoint to restore ({@code execution.state-recovery.path}
   * unset) and {@code mstream.kafka.documents-from-earliest}.
   *
   * @throws IllegalStateException with {@code FAIL}, when the topic does not keep every document
   */
  public static void onStart(Configuration conf) {
    MStreamOptions.RetentionCheck mode = conf.get(MStreamOptions.DOCUMENTS_RETENTION_CHECK);
    if (mode == MStreamOptions.RetentionCheck.OFF
        || conf.getOptional(StateRecoveryOptions.SAVEPOINT_PATH).isPresent()
        || !conf.get(MStreamOptions.FROM_EARLIEST)) {
      return;
    }
    String topic = conf.get(MStreamOptions.DOCUMENTS_TOPIC);
    Retention retention;
    try {
      retention = describe(conf, topic);
    } catch (Exception e) {
      LOG.warn(
          "could not read the configuration of documents topic '{}' to check that it keeps every"
              + " document ({}); if it is not compacted, an index built from it may lack documents",
          topic,
          e.toString());
      return;
    }
    String problem = problem(topic, retention);
    if (problem == null) {
      LOG.info("documents topic '{}' keeps every document: {}", topic, retention);
    } else if (mode == MStreamOptions.RetentionCheck.FAIL) {
      throw new IllegalStateException(problem);
    } else {
      LOG.warn(problem);
    }
  }

  /** Null when the topic keeps every document; else what is wrong and what to do. */
  public static String problem(String topic, Retention retention) {
    if (retention.keepsEveryDocument()) {
      return null;
    }
    return "documents topic '"
        + topic
        + "' is not compacted (cleanup.policy="
        + retention.cleanupPolicy()
        + ", retention.ms="
        + retention.retentionMs()
        + ", retention.bytes="
        + retention.retentionBytes()
        + "): documents not updated within its retention are gone from it, so an index built from"
        + " it (a start without a checkpoint, a rebuild after a model change) lacks them. Set"
        + " cleanup.policy=compact on the topic (kafka-configs --alter --entity-type topics"
        + " --entity-name "
        + topic
        + " --add-config cleanup.policy=compact), or "
        + MStreamOptions.DOCUMENTS_RETENTION_CHECK.key()
        + "=OFF if documents are meant to expire with it.";
  }

  /** Asks the broker for the topic's cleanup policy and retention. */
  public static Retention describe(Configuration conf, String topic)
      throws InterruptedException, ExecutionException, TimeoutException {
    Properties props = MStreamOptions.kafkaProperties(conf);
    props.put(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, conf.get(MStreamOptions.BOOTSTRAP_SERVERS));
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
    try (Admin admin = Admin.create(props)) {
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      Map<ConfigResource, Config> configs =
          admin
              .describeConfigs(List.of(resource))
              .all()
              .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      Config config = configs.get(resource);
      return new Retention(
          value(config, TopicConfig.CLEANUP_POLICY_CONFIG, "delete"),
          Long.parseLong(value(config, TopicConfig.RETENTION_MS_CONFIG, "604800000")),
          Long.parseLong(value(config, TopicConfig.RETENTION_BYTES_CONFIG, "-1")));
    }
  }

  private static String value(Config config, String name, String fallback) {
    ConfigEntry e = config.get(name);
    return e == null || e.value() == null ? fallback : e.value();
  }
}
