package dev.mstream.jobs.guarantees;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mstream.jobs.EmbeddedKafkaExtension;
import dev.mstream.jobs.MStreamOptions;
import dev.mstream.jobs.MiniClusters;
import dev.mstream.schemas.Hit;
import dev.mstream.schemas.Query;
import dev.mstream.schemas.QueryResult;
import dev.mstream.schemas.ResultStatus;
import dev.mstream.schemas.codec.Codecs;
import dev.mstream.schemas.codec.Encoding;
import dev.mstream.schemas.codec.RecordCodec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
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
 * Stop with a savepoint and restart at another parallelism, 2 → 3 → 1: after each step the index
 * read out of the savepoint is identical to the one the input defines (same ids, versions, every
 * chunk's vector bits and offsets, attributes), and the same queries answer the same — exactly
 * (dims = 384: same ids, scores, attributes and matching chunks, in the same order) and through the
 * funnel (same first hit, chunk included; the rest of an approximate top-k may differ because each
 * subtask fits its own projection). Chunks move with their document's key group.
 */
class SavepointRescaleITCase {

  private static final Logger LOG = LoggerFactory.getLogger(SavepointRescaleITCase.class);

  @RegisterExtension
  @Order(1)
  static final MiniClusterExtension FLINK = MiniClusters.of(1, 3);

  @RegisterExtension
  @Order(2)
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension(2);

  @Test
  void indexAndAnswersSurviveStopWithSavepointAndRescaling(
      @InjectMiniCluster MiniCluster cluster, @TempDir Path dir) throws Exception {
    Corpus corpus = Corpus.generate(Encoding.JSON, 9, 12_000, 3_000, 5, "doc-");
    LOG.info("corpus: {}", corpus.summary());
    Configuration options = Rig.options(KAFKA.get(), dir, "rescale", Encoding.JSON, 2);
    Map<String, String> expected = corpus.expectedIndex();

    JobClient job = Rig.submit(options, 2, null, HashEmbeddingModel.fast());
    try (KafkaProducer<byte[], byte[]> producer = Rig.producer(KAFKA.bootstrapServers())) {
      List<ProducerRecord<byte[], byte[]>> docs = new ArrayList<>();
      for (Corpus.Event e : corpus.events) {
        docs.add(
            new ProducerRecord<>(
                options.get(MStreamOptions.DOCUMENTS_TOPIC), e.key().getBytes(UTF_8), e.value()));
      }
      Rig.send(producer, docs);
    }
    Rig.awaitConsumed(
        KAFKA.bootstrapServers(),
        options.get(MStreamOptions.GROUP_ID),
        Duration.ofMinutes(3),
        options.get(MStreamOptions.DOCUMENTS_TOPIC));

    List<Query> queries = queries(corpus);
    Map<String, QueryResult> atTwo = ask(cluster, job, options, queries, "p2");
    String savepoint = Rig.stopWithSavepoint(job, dir);
    IndexState.assertEquals(expected, IndexState.read(savepoint), corpus.deleted);

    job = Rig.submit(options, 3, savepoint, HashEmbeddingModel.fast());
    Map<String, QueryResult> atThree = ask(cluster, job, options, queries, "p3");
    savepoint = Rig.stopWithSavepoint(job, dir);
    IndexState.assertEquals(expected, IndexState.read(savepoint), corpus.deleted);

    job = Rig.submit(options, 1, savepoint, HashEmbeddingModel.fast());
    Map<String, QueryResult> atOne = ask(cluster, job, options, queries, "p1");
    savepoint = Rig.stopWithSavepoint(job, dir);
    IndexState.assertEquals(expected, IndexState.read(savepoint), corpus.deleted);

    for (Query q : queries) {
      QueryResult two = atTwo.get(q.getQueryId());
      assertThat(two.getStatus()).isEqualTo(ResultStatus.OK);
      for (Hit h : two.getHits()) {
        assertThat(h.getAttributes().get("ns")).isEqualTo(q.getNamespace());
      }
      for (QueryResult other : List.of(atThree.get(q.getQueryId()), atOne.get(q.getQueryId()))) {
        assertThat(other.getStatus()).isEqualTo(ResultStatus.OK);
        assertThat(other.getIndexSize()).as(q.getQueryId()).isEqualTo(two.getIndexSize());
        if (q.getDims() != null && q.getDims() == HashEmbeddingModel.DIMENSION) {
          assertThat(other.getHits())
              .as("exact answer to %s", q.getQueryId())
              .isEqualTo(two.getHits());
        } else {
          assertThat(other.getHits()).isNotEmpty();
          assertThat(other.getHits().get(0))
              .as("first hit of %s", q.getQueryId())
              .isEqualTo(two.getHits().get(0));
        }
      }
    }
    assertThat(atTwo.values().stream().mapToLong(r -> r.getHits().size()).sum()).isGreaterThan(500);
  }

  /** Exact and funnel queries with the texts of live documents, in their namespaces. */
  private static List<Query> queries(Corpus corpus) {
    Random random = new Random(3);
    List<String> ids = new ArrayList<>(corpus.live.keySet());
    List<Query> out = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      // Half of the queries ask for documents of several chunks, by the text of one of them.
      Corpus.Expected e = corpus.live.get(ids.get(random.nextInt(ids.size())));
      for (int tries = 0; i % 2 == 1 && tries < 100 && e.chunks() == 1; tries++) {
        e = corpus.live.get(ids.get(random.nextInt(ids.size())));
      }
      // Filters only on exact queries: an approximate top-1 among filtered-in strangers is a
      // near-tie that the per-subtask projections may break differently.
      Map<String, String> filter =
          i % 4 == 0 ? Map.of("color", Corpus.COLORS[i % 3]) : new HashMap<>();
      out.add(
          Query.newBuilder()
              .setQueryId("q" + i)
              .setNamespace(e.namespace())
              .setText(e.chunkTexts().get(random.nextInt(e.chunks())))
              .setK(10)
              .setDims(i % 2 == 0 ? HashEmbeddingModel.DIMENSION : null)
              .setFilter(filter)
              .build());
    }
    return out;
  }

  /** Sends the queries (ids suffixed with {@code run}) and returns the answers by original id. */
  private static Map<String, QueryResult> ask(
      MiniCluster cluster, JobClient job, Configuration options, List<Query> queries, String run)
      throws Exception {
    Rig.awaitAllRunning(cluster, job.getJobID(), Duration.ofMinutes(1));
    RecordCodec<Query> codec = Codecs.of(Query.class, options.get(MStreamOptions.ENCODING));
    try (KafkaProducer<byte[], byte[]> producer = Rig.producer(KAFKA.bootstrapServers())) {
      List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
      for (Query q : queries) {
        Query renamed = Query.newBuilder(q).setQueryId(q.getQueryId() + "@" + run).build();
        records.add(
            new ProducerRecord<>(
                options.get(MStreamOptions.QUERIES_TOPIC),
                renamed.getQueryId().getBytes(UTF_8),
                codec.encode(renamed)));
      }
      Rig.send(producer, records);
    }
    // The query source of the first run starts at the latest offset once it runs; later runs
    // resume from the savepoint's offsets, so nothing sent in between is skipped.
    Rig.awaitConsumed(
        KAFKA.bootstrapServers(),
        options.get(MStreamOptions.GROUP_ID),
        Duration.ofMinutes(2),
        options.get(MStreamOptions.QUERIES_TOPIC));
    Map<String, QueryResult> answers = new LinkedHashMap<>();
    for (QueryResult r : Rig.readOutput(options, MStreamOptions.RESULTS_TOPIC, QueryResult.class)) {
      if (r.getQueryId().endsWith("@" + run)) {
        String id = r.getQueryId().substring(0, r.getQueryId().length() - run.length() - 1);
        assertThat(answers.put(id, r)).as("one answer to %s", r.getQueryId()).isNull();
      }
    }
    assertThat(answers.keySet()).hasSize(queries.size());
    return answers;
  }
}
