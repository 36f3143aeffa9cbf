package dev.mstream.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mstream.jobs.EmbeddedKafkaExtension;
import dev.mstream.jobs.MStreamOptions;
import dev.mstream.jobs.local.LocalRunner;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A documents topic that does not keep every document is detected and reported, from the broker's
 * own topic configuration: compacted or unlimited retention passes, a finite retention is named
 * with what to change — logged, or refused with {@code FAIL} — and a start from a savepoint (which
 * does not rebuild from the topic) is not checked.
 */
class DocumentsTopicCheckITCase {

  @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension(1);

  private static Configuration options(String topic) {
    Configuration c = new Configuration();
    c.set(MStreamOptions.BOOTSTRAP_SERVERS, KAFKA.bootstrapServers());
    c.set(MStreamOptions.DOCUMENTS_TOPIC, topic);
    return c;
  }

  private static void set(String topic, String name, String value) throws Exception {
    try (Admin admin = KAFKA.get().createAdminClient()) {
      admin
          .incrementalAlterConfigs(
              Map.of(
                  new ConfigResource(ConfigResource.Type.TOPIC, topic),
                  List.of(
                      new AlterConfigOp(new ConfigEntry(name, value), AlterConfigOp.OpType.SET))))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aTopicWithFiniteRetentionIsReportedAndRefusedWithFail() throws Exception {
    KAFKA.get().createTopics(1, "expiring");
    Configuration conf = options("expiring");
    DocumentsTopicCheck.Retention r = DocumentsTopicCheck.describe(conf, "expiring");
    assertThat(r.cleanupPolicy()).isEqualTo("delete");
    assertThat(r.keepsEveryDocument()).isFalse();
    String problem = DocumentsTopicCheck.problem("expiring", r);
    assertThat(problem)
        .contains("'expiring' is not compacted")
        .contains("cleanup.policy=delete")
        .contains("retention.ms=" + r.retentionMs())
        .contains("cleanup.policy=compact")
        .contains(MStreamOptions.DOCUMENTS_RETENTION_CHECK.key());

    assertThatCode(() -> DocumentsTopicCheck.onStart(conf)).doesNotThrowAnyException(); // WARN
    conf.set(MStreamOptions.DOCUMENTS_RETENTION_CHECK, MStreamOptions.RetentionCheck.FAIL);
    assertThatThrownBy(() -> DocumentsTopicCheck.onStart(conf))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(problem);

    // A restore reads the topic from the savepoint's offsets, not from the start: not checked.
    Configuration restore = new Configuration(conf);
    restore.set(StateRecoveryOptions.SAVEPOINT_PATH, "file:///savepoints/sp-1");
    assertThatCode(() -> DocumentsTopicCheck.onStart(restore)).doesNotThrowAnyException();
    Configuration latest = new Configuration(conf);
    latest.set(MStreamOptions.FROM_EARLIEST, false);
    assertThatCode(() -> DocumentsTopicCheck.onStart(latest)).doesNotThrowAnyException();
  }

  @Test
  void compactedTopicsAndUnlimitedRetentionKeepEveryDocument() throws Exception {
    KAFKA.get().createTopics(1, "compacted", "forever");
    set("compacted", "cleanup.policy", "compact,delete");
    set("forever", "retention.ms", "-1");
    set("forever", "retention.bytes", "-1");
    for (String topic : List.of("compacted", "forever")) {
      Configuration conf = options(topic);
      conf.set(MStreamOptions.DOCUMENTS_RETENTION_CHECK, MStreamOptions.RetentionCheck.FAIL);
      assertThat(DocumentsTopicCheck.describe(conf, topic).keepsEveryDocument()).as(topic).isTrue();
      assertThatCode(() -> DocumentsTopicCheck.onStart(conf)).doesNotThrowAnyException();
    }
  }

  @Test
  void theLocalRunnersDocumentsTopicIsCompacted() throws Exception {
    Configuration conf = options("local.documents");
    conf.set(MStreamOptions.QUERIES_TOPIC, "local.queries");
    conf.set(MStreamOptions.RESULTS_TOPIC, "local.results");
    conf.set(MStreamOptions.DEAD_LETTERS_TOPIC, "local.dead-letters");
    LocalRunner.createTopics(KAFKA.get(), 1, conf);
    assertThat(DocumentsTopicCheck.describe(conf, "local.documents").cleanupPolicy())
        .isEqualTo("delete");
    LocalRunner.compactDocumentsTopic(KAFKA.get(), conf);
    assertThat(DocumentsTopicCheck.describe(conf, "local.documents").cleanupPolicy())
        .isEqualTo("compact");
  }

  @Test
  void aBrokerThatCannotBeAskedIsLoggedNotFatal() {
    Configuration conf = options("missing-topic");
    conf.set(MStreamOptions.DOCUMENTS_RETENTION_CHECK, MStreamOptions.RetentionCheck.FAIL);
    assertThatCode(() -> DocumentsTopicCheck.onStart(conf)).doesNotThrowAnyException();
  }
}
