package dev.mstream.jobs.guarantees;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mstream.decode.DocumentDecoder;
import dev.mstream.index.VectorIndexOperator;
import dev.mstream.jobs.EmbeddedKafkaExtension;
import dev.mstream.jobs.MStreamOptions;
import dev.mstream.jobs.MiniClusters;
import dev.mstream.jobs.client.QueryClient;
import dev.mstream.schemas.Query;
import dev.mstream.schemas.QueryResult;
import dev.mstream.schemas.ResultStatus;
import dev.mstream.schemas.codec.Encoding;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queries do not wait for the document backlog, with the shipped defaults (checkpoint alignment,
 * buffer timeouts, query batching: none of them is set here). A model slower than the input builds
 * a backlog of thousands of documents inside the job (the network buffers in front of the embed
 * operator) and in Kafka; checkpoints run every second throughout. Queries are then sent one at a
 * time, each a quarter of a second after the previous answer, while that backlog drains.
 *
 * <p>What is compared are counts, not times: for each query, the documents the job indexed between
 * its publish and its answer, against the documents that were already inside the job, not yet
 * indexed, when it was published. A query that waited behind that backlog — as it did with aligned
 * checkpoints, where the index subtask holds back its query input until the barrier has crossed the
 * documents queued in front of the embed operator — would see most of them indexed first; here
 * every query must be answered before even half of them are. The backlog must still be pending when
 * the last answer arrives, and every query gets exactly one complete answer.
 */
class QueriesDuringBacklogITCase {

  private static final Logger LOG = LoggerFactory.getLogger(QueriesDuringBacklogITCase.class);
  private static final int DOCUMENTS = 12_000;
  private static final int QUERIES = 20;

  private static final InMemoryReporter METRICS = InMemoryReporter.create();

  @RegisterExtension
  @Order(1)
  static final MiniClusterExtension FLINK =
      MiniClusters.of(1, 2, METRICS.addToConfiguration(new Configuration()));

  @RegisterExtension
  @Order(2)
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension(2);

  @Test
  void queriesAreAnsweredAheadOfThePendingDocumentBacklog(
      @InjectMiniCluster MiniCluster cluster, @TempDir Path dir) throws Exception {
    Corpus corpus = Corpus.inserts(Encoding.JSON, 11, DOCUMENTS, 1, "doc-");
    Configuration options = Rig.options(KAFKA.get(), dir, "backlog", Encoding.JSON, 2);
    options.set(MStreamOptions.BATCH_SIZE, 32);
    // No PCA fit: it blocks an index subtask for seconds, which is not what this test is about.
    options.set(MStreamOptions.ROTATE, false);
    String topic = options.get(MStreamOptions.DOCUMENTS_TOPIC);
    String namespace = "ns-0"; // Corpus.inserts with one namespace

    // 2 ms per call and 10 ms per text: at most 200 documents/s over both subtasks, whatever the
    // machine, so the backlog takes a minute to drain (the test ends long before).
    JobClient job = Rig.submit(options, 2, null, HashEmbeddingModel.slow(2, 10_000));
    JobID id = job.getJobID();
    try (QueryClient queries =
        new QueryClient(
            KAFKA.bootstrapServers(),
            options.get(MStreamOptions.QUERIES_TOPIC),
            options.get(MStreamOptions.RESULTS_TOPIC),
            Encoding.JSON,
            new java.util.Properties())) {
      Rig.awaitAllRunning(cluster, id, Duration.ofMinutes(1));
      Rig.awaitNewCheckpoint(cluster, id, Duration.ofMinutes(1));

      try (KafkaProducer<byte[], byte[]> producer = Rig.producer(KAFKA.bootstrapServers())) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (Corpus.Event e : corpus.events) {
          records.add(new ProducerRecord<>(topic, e.key().getBytes(UTF_8), e.value()));
        }
        Rig.send(producer, records);
      }
      // Let the job fill its network buffers with un-embedded documents.
      Rig.await(
          () -> inFlight(id) > 2_000,
          Duration.ofMinutes(2),
          "2,000 documents read by the job and not yet indexed");

      long published = DOCUMENTS;
      List<String> report = new ArrayList<>();
      long lastAnswerIndexed = 0;
      long checkpointsBefore = Rig.completedCheckpoints(cluster, id);
      for (int i = 0; i < QUERIES; i++) {
        Thread.sleep(250); // spread the queries over several checkpoint intervals
        long indexedAtPublish = sum(id, VectorIndexOperator.METRIC_DOCUMENTS_INDEXED);
        long aheadAtPublish = inFlight(id);
        String queryId = "backlog-q" + i;
        queries.send(
            Query.newBuilder()
                .setQueryId(queryId)
                .setNamespace(namespace)
                .setText("text of a query during the backlog " + i)
                .setK(5)
                .setEventTime(Instant.now())
                .build());
        queries.flush();
        Map<String, QueryResult> got = queries.await(List.of(queryId), Duration.ofMinutes(2));
        assertThat(got).as("answer to %s", queryId).containsKey(queryId);
        QueryResult r = got.get(queryId);
        assertThat(r.getStatus()).as("status of %s", queryId).isEqualTo(ResultStatus.OK);
        assertThat(r.getSubtasksAnswered()).isEqualTo(r.getSubtasksExpected()).isEqualTo(2);
        long indexedMeanwhile = r.getIndexSize() - indexedAtPublish;
        report.add(
            queryId
                + ": "
                + indexedAtPublish
                + " indexed and "
                + aheadAtPublish
                + " documents ahead in the job ("
                + (published - sum(id, DocumentDecoder.METRIC_DOCUMENTS_IN))
                + " unread in Kafka) at publish, "
                + indexedMeanwhile
                + " indexed before the answer (queue "
                + r.getTimings().getQueueMs()
                + " ms)");
        assertThat(aheadAtPublish)
            .as(
                "documents inside the job, not yet indexed, when %s was published:%n%s",
                queryId, String.join("\n", report))
            .isGreaterThan(500);
        assertThat(indexedMeanwhile)
            .as(
                "documents indexed between the publish of %s and its answer, of the %d that were"
                    + " ahead of it in the job:%n%s",
                queryId, aheadAtPublish, String.join("\n", report))
            .isLessThan(aheadAtPublish / 2);
        lastAnswerIndexed = r.getIndexSize();
      }
      LOG.info("Queries during the backlog:\n  {}", String.join("\n  ", report));
      assertThat(Rig.completedCheckpoints(cluster, id))
          .as("checkpoints completed while the queries ran")
          .isGreaterThan(checkpointsBefore);
      assertThat(lastAnswerIndexed)
          .as("documents indexed when the last query was answered: the backlog is still pending")
          .isLessThan(DOCUMENTS - 2_000);
      assertThat(queries.poll(Duration.ofSeconds(1))).as("no second answer to any query").isEmpty();
    } finally {
      Rig.cancelAndAwait(job);
    }
  }

  /** Documents the job has read from Kafka and not yet indexed. */
  private static long inFlight(JobID job) {
    return sum(job, DocumentDecoder.METRIC_DOCUMENTS_IN)
        - sum(job, VectorIndexOperator.METRIC_DOCUMENTS_INDEXED);
  }

  private static long sum(JobID job, String metric) {
    long total = 0;
    for (Metric m : METRICS.findMetrics(job, "\\." + metric + "$").values()) {
      if (m instanceof Counter c) {
        total += c.getCount();
      }
    }
    return total;
  }
}
