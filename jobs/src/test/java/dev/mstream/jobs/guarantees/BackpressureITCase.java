package dev.mstream.jobs.guarantees;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mstream.decode.DocumentDecoder;
import dev.mstream.embed.MicroBatchEmbedOperator;
import dev.mstream.index.VectorIndexOperator;
import dev.mstream.jobs.EmbeddedKafkaExtension;
import dev.mstream.jobs.MStreamOptions;
import dev.mstream.jobs.MiniClusters;
import dev.mstream.schemas.codec.Encoding;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model slower than the input: the backlog stays in Kafka (the source stops fetching when the
 * pipeline pushes back) instead of piling up in the job. Measured while it drains: the records in
 * flight inside the job (read by the source, not yet indexed) stay under a bound set by Flink's
 * network buffers, far below the backlog; the embed operator never holds more than
 * mstream.embed.batch-size documents; the lag grows and then drains to zero; every document ends up
 * indexed, none twice, and the job never restarts.
 */
class BackpressureITCase {

  private static final Logger LOG = LoggerFactory.getLogger(BackpressureITCase.class);
  private static final int DOCUMENTS = 24_000;
  private static final int BATCH_SIZE = 32;

  /**
   * Documents that may be between the source and the index at once: what Flink's credit-based
   * network stack buffers (a few 32 KiB buffers per channel and gate: about 1.5 MiB here, some
   * 5,000 un-embedded documents of ~0.2 KB), plus the source's fetch queue and one embed batch per
   * subtask. It depends on buffer memory, not on the backlog: a third of the backlog here.
   */
  private static final long IN_FLIGHT_BOUND = DOCUMENTS / 3;

  private static final InMemoryReporter METRICS = InMemoryReporter.create();

  @RegisterExtension
  @Order(1)
  static final MiniClusterExtension FLINK =
      MiniClusters.of(1, 2, METRICS.addToConfiguration(new Configuration()));

  @RegisterExtension
  @Order(2)
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension(2);

  @Test
  void aSlowModelKeepsTheBacklogInKafkaAndLosesNothing(
      @InjectMiniCluster MiniCluster cluster, @TempDir Path dir) throws Exception {
    Corpus corpus = Corpus.inserts(Encoding.JSON, 6, DOCUMENTS, 4, "doc-");
    Configuration options = Rig.options(KAFKA.get(), dir, "backpressure", Encoding.JSON, 2);
    options.set(MStreamOptions.BATCH_SIZE, BATCH_SIZE);
    // Plain truncation instead of a PCA fit: the fit blocks an index subtask for seconds on a busy
    // machine and is not what this test is about (FailureRecoveryITCase and
    // SavepointRescaleITCase run with the rotation).
    options.set(MStreamOptions.ROTATE, false);
    String group = options.get(MStreamOptions.GROUP_ID);
    String topic = options.get(MStreamOptions.DOCUMENTS_TOPIC);

    // ~1 ms per text and 2 ms per call: about 1,800 documents/s over both subtasks, far slower
    // than the producer.
    JobClient job = Rig.submit(options, 2, null, HashEmbeddingModel.slow(2, 1_000));
    JobID id = job.getJobID();
    Rig.awaitAllRunning(cluster, id, Duration.ofMinutes(1));
    Rig.awaitNewCheckpoint(cluster, id, Duration.ofMinutes(1));

    try (KafkaProducer<byte[], byte[]> producer = Rig.producer(KAFKA.bootstrapServers())) {
      List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
      for (Corpus.Event e : corpus.events) {
        records.add(new ProducerRecord<>(topic, e.key().getBytes(UTF_8), e.value()));
      }
      Rig.send(producer, records);
    }

    long peakLag = 0;
    long peakUnread = 0;
    long peakInFlight = 0;
    int samples = 0;
    try (Admin admin = Rig.admin(KAFKA.bootstrapServers())) {
      long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
      long lag;
      do {
        lag = Rig.lag(admin, group, topic);
        long read = sum(id, "\\." + DocumentDecoder.METRIC_DOCUMENTS_IN + "$");
        long indexed = sum(id, "\\." + VectorIndexOperator.METRIC_DOCUMENTS_INDEXED + "$");
        // Kafka's own lag metric (pendingRecords) only updates when the source polls, which it
        // stops doing under backpressure; count what the job has not read instead.
        long published = Rig.endOffsets(admin, topic).values().stream().mapToLong(x -> x).sum();
        long unread = published - read;
        peakLag = Math.max(peakLag, lag);
        peakUnread = Math.max(peakUnread, unread);
        peakInFlight = Math.max(peakInFlight, read - indexed);
        samples++;
        assertThat(System.nanoTime()).as("backlog drained in time").isLessThan(deadline);
        Thread.sleep(100);
      } while (lag > 0);
    }
    long largestBatch = largestEmbedBatch(id);
    LOG.info(
        "{} samples: peak committed lag {}, peak unread by the source {}, peak in flight {},"
            + " largest embed batch {} (model saw {})",
        samples,
        peakLag,
        peakUnread,
        peakInFlight,
        largestBatch,
        HashEmbeddingModel.LARGEST_SLOW_BATCH.get());

    assertThat(peakLag).as("lag grew").isGreaterThan(DOCUMENTS / 2);
    assertThat(peakUnread).as("records left in Kafka by the source").isGreaterThan(DOCUMENTS / 2);
    assertThat(peakInFlight).as("documents inside the job at once").isLessThan(IN_FLIGHT_BOUND);
    assertThat(largestBatch).isBetween(1L, (long) BATCH_SIZE);
    assertThat(HashEmbeddingModel.LARGEST_SLOW_BATCH.get()).isLessThanOrEqualTo(BATCH_SIZE);
    assertThat(Rig.highestAttempt(Rig.graph(cluster, id))).as("restarts").isZero();

    String savepoint = Rig.stopWithSavepoint(job, dir);
    IndexState.assertEquals(corpus.expectedIndex(), IndexState.read(savepoint), corpus.deleted);
  }

  private static long sum(JobID job, String pattern) {
    long total = 0;
    for (Metric m : METRICS.findMetrics(job, pattern).values()) {
      if (m instanceof Counter c) {
        total += c.getCount();
      } else if (m instanceof Gauge<?> g && g.getValue() instanceof Number n) {
        total += Math.max(0, n.longValue());
      }
    }
    return total;
  }

  private static long largestEmbedBatch(JobID job) {
    long max = 0;
    for (Metric m :
        METRICS
            .findMetrics(
                job, "embed-documents.*\\." + MicroBatchEmbedOperator.METRIC_BATCH_SIZE + "$")
            .values()) {
      max = Math.max(max, ((Histogram) m).getStatistics().getMax());
    }
    return max;
  }
}
