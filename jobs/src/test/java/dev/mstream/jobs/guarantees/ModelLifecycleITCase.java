package dev.mstream.jobs.guarantees;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.mstream.index.IncompatibleIndexException;
import dev.mstream.jobs.EmbeddedKafkaExtension;
import dev.mstream.jobs.MStreamOptions;
import dev.mstream.jobs.MiniClusters;
import dev.mstream.schemas.codec.Encoding;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model lifecycle through the whole job (Kafka, MiniCluster, RocksDB, savepoints, the fake
 * model): unchanged re-publishes and attribute-only updates are not embedded again and leave the
 * index a full re-embed leaves; a savepoint restored under another model fails the job at once,
 * with a message that says what to do; and what it says — start without the savepoint, so the
 * documents topic is read from the start — rebuilds the index with the new model's vectors only.
 */
class ModelLifecycleITCase {

  private static final Logger LOG = LoggerFactory.getLogger(ModelLifecycleITCase.class);

  @RegisterExtension
  @Order(1)
  static final MiniClusterExtension FLINK = MiniClusters.of(1, 2);

  @RegisterExtension
  @Order(2)
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension(2);

  @Test
  void unchangedAndAttributeOnlyUpdatesAreNotEmbeddedAndLeaveTheIndexAFullReembedLeaves(
      @InjectMiniCluster MiniCluster cluster, @TempDir Path dir) throws Exception {
    Corpus corpus = Corpus.inserts(Encoding.JSON, 21, 3_000, 5, "doc-");
    Configuration options = Rig.options(KAFKA.get(), dir, "skip", Encoding.JSON, 2);
    int embeddedBefore = HashEmbeddingModel.TEXTS.get();

    JobClient job = Rig.submit(options, 2, null, HashEmbeddingModel.fast());
    publish(options, corpus, 0);
    awaitDocumentsConsumed(options);
    assertThat(HashEmbeddingModel.TEXTS.get() - embeddedBefore).isEqualTo(3_000);

    int published = corpus.events.size();
    corpus.republishAll(10_000, false); // exactly as they are
    publish(options, corpus, published);
    awaitDocumentsConsumed(options);
    published = corpus.events.size();
    corpus.republishAll(20_000, true); // new attributes, same texts
    publish(options, corpus, published);
    awaitDocumentsConsumed(options);
    assertThat(HashEmbeddingModel.TEXTS.get() - embeddedBefore)
        .as("texts embedded after 3,000 unchanged re-publishes and 3,000 attribute-only updates")
        .isEqualTo(3_000);

    Map<String, String> skipping = IndexState.read(Rig.stopWithSavepoint(job, dir));
    IndexState.assertEquals(corpus.expectedIndex(), skipping, corpus.deleted);

    // The same topic, read from the start by a fresh job that embeds every upsert.
    Configuration everything = new Configuration(options);
    everything.set(MStreamOptions.GROUP_ID, "skip-off");
    everything.set(MStreamOptions.SKIP_UNCHANGED, false);
    embeddedBefore = HashEmbeddingModel.TEXTS.get();
    job = Rig.submit(everything, 2, null, HashEmbeddingModel.fast());
    awaitDocumentsConsumed(everything);
    assertThat(HashEmbeddingModel.TEXTS.get() - embeddedBefore).isEqualTo(9_000);
    Map<String, String> reembedded = IndexState.read(Rig.stopWithSavepoint(job, dir));
    assertThat(skipping).isEqualTo(reembedded);
  }

  @Test
  void aSavepointRestoredUnderAnotherModelFailsAtOnceAndTheDocumentedRebuildUsesOnlyTheNewModel(
      @InjectMiniCluster MiniCluster cluster, @TempDir Path dir) throws Exception {
    Corpus corpus = Corpus.generate(Encoding.JSON, 23, 4_000, 1_000, 5, "doc-");
    LOG.info("corpus: {}", corpus.summary());
    Configuration options = Rig.options(KAFKA.get(), dir, "model-change", Encoding.JSON, 2);
    JobClient job = Rig.submit(options, 2, null, HashEmbeddingModel.fast());
    publish(options, corpus, 0);
    awaitDocumentsConsumed(options);
    String savepoint = Rig.stopWithSavepoint(job, dir);
    IndexState.assertEquals(corpus.expectedIndex(), IndexState.read(savepoint), corpus.deleted);

    // Another model, same savepoint: the job fails when the index restores, without restarts.
    JobClient wrong = Rig.submit(options, 2, savepoint, HashEmbeddingModel.secondModel());
    Throwable failure = null;
    try {
      wrong.getJobExecutionResult().get(2, TimeUnit.MINUTES);
    } catch (ExecutionException e) {
      failure = e;
    }
    assertThat(failure).as("the job under another model must fail").isNotNull();
    Optional<IncompatibleIndexException> cause =
        ExceptionUtils.findThrowable(failure, IncompatibleIndexException.class);
    if (cause.isEmpty()) {
      fail("the job failed for another reason", failure);
    }
    String message = cause.get().getMessage();
    LOG.info("restore under another model: {}", message);
    assertThat(message)
        .contains("mstream.model")
        .contains("'hash-384' (fingerprint " + HashEmbeddingModel.IDENTITY.fingerprint() + ")")
        .contains(
            "'hash-384' (fingerprint " + HashEmbeddingModel.SECOND_IDENTITY.fingerprint() + ")")
        .contains("without this checkpoint or savepoint")
        .contains("mstream.kafka.documents-from-earliest=true")
        .contains("docs/guarantees.md");
    assertThat(Rig.highestAttempt(Rig.graph(cluster, wrong.getJobID())))
        .as("restarts of a job that can never succeed")
        .isZero();

    // What the message says: no savepoint, read the documents topic from the start.
    Configuration rebuild = new Configuration(options);
    rebuild.set(MStreamOptions.GROUP_ID, "model-change-rebuild");
    JobClient second = Rig.submit(rebuild, 2, null, HashEmbeddingModel.secondModel());
    awaitDocumentsConsumed(rebuild);
    Map<String, String> rebuilt = IndexState.read(Rig.stopWithSavepoint(second, dir));
    IndexState.assertEquals(corpus.expectedIndexOfSecondModel(), rebuilt, corpus.deleted);
  }

  private static void publish(Configuration options, Corpus corpus, int from) throws Exception {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (Corpus.Event e : corpus.events.subList(from, corpus.events.size())) {
      records.add(
          new ProducerRecord<>(
              options.get(MStreamOptions.DOCUMENTS_TOPIC), e.key().getBytes(UTF_8), e.value()));
    }
    try (KafkaProducer<byte[], byte[]> producer = Rig.producer(KAFKA.bootstrapServers())) {
      Rig.send(producer, records);
    }
  }

  private static void awaitDocumentsConsumed(Configuration options) throws Exception {
    Rig.awaitConsumed(
        KAFKA.bootstrapServers(),
        options.get(MStreamOptions.GROUP_ID),
        Duration.ofMinutes(3),
        options.get(MStreamOptions.DOCUMENTS_TOPIC));
  }
}
