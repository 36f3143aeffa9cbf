package dev.mstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mstream.jobs.client.DocumentPublisher;
import dev.mstream.jobs.client.QueryClient;
import dev.mstream.jobs.local.LocalClients;
import dev.mstream.jobs.local.LocalRunner;
import dev.mstream.schemas.Document;
import dev.mstream.schemas.Hit;
import dev.mstream.schemas.Operation;
import dev.mstream.schemas.Query;
import dev.mstream.schemas.QueryResult;
import dev.mstream.schemas.ResultStatus;
import dev.mstream.schemas.codec.Encoding;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path on real parts: in-process Kafka broker, MiniCluster at parallelism 2, RocksDB, the
 * bundled model. Documents (with updates and deletes) in, queries in, one result per query.
 */
class MStreamPipelineITCase {

  private static final int PARALLELISM = 2;
  private static final int DOCUMENTS = 1_000;

  @RegisterExtension
  @Order(1)
  static final MiniClusterExtension FLINK = MiniClusters.of(1, PARALLELISM);

  @RegisterExtension
  @Order(2)
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension(PARALLELISM);

  @Test
  void indexesDocumentsAndAnswersEveryQueryOnce(@TempDir Path dir) throws Exception {
    Configuration options = new Configuration();
    options.set(MStreamOptions.BOOTSTRAP_SERVERS, KAFKA.bootstrapServers());
    options.set(MStreamOptions.ENCODING, Encoding.AVRO);
    options.set(MStreamOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(1));
    options.set(MStreamOptions.CHECKPOINT_DIR, dir.resolve("checkpoints").toUri().toString());
    options.set(MStreamOptions.GROUP_ID, "it-mstream");
    // Fit the projection early so most queries go through the funnel, not the exact warm-up.
    options.set(MStreamOptions.FIT_SAMPLE, 200);
    LocalRunner.createTopics(KAFKA.get(), PARALLELISM, options);

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(PARALLELISM);
    MStreamJob.configure(env, options);
    MStreamPipeline.build(env, options);
    JobClient job = env.executeAsync("mstream-it");
    try (LocalClients clients = LocalClients.open(KAFKA.bootstrapServers(), options)) {
      Corpus corpus = publishCorpus(clients.documents());
      TestKafka.awaitConsumed(
          KAFKA.bootstrapServers(),
          options.get(MStreamOptions.GROUP_ID),
          options.get(MStreamOptions.DOCUMENTS_TOPIC),
          Duration.ofMinutes(3));
      Drained.await(job, dir.resolve("drained"), Duration.ofMinutes(2));
      checkQueries(clients.queries(), corpus);
    } finally {
      job.cancel().get();
    }
  }

  /** What the index must hold after all changes: id → final text, and what was deleted. */
  private record Corpus(Map<String, String> live, Map<String, String> deletedTexts) {}

  private Corpus publishCorpus(DocumentPublisher publisher) {
    Map<String, String> live = new LinkedHashMap<>();
    Map<String, String> deletedTexts = new HashMap<>();
    Random rnd = new Random(7);
    for (int i = 0; i < DOCUMENTS; i++) {
      String id = "doc-" + i;
      String text = Sentences.sentence(i);
      publisher.publish(document(id, text, Operation.UPSERT));
      live.put(id, text);
    }
    // Updates: 200 documents get new text; the old text must no longer find them first.
    for (int i = 0; i < 200; i++) {
      String id = "doc-" + rnd.nextInt(DOCUMENTS);
      String text = Sentences.sentence(DOCUMENTS + i);
      publisher.publish(document(id, text, Operation.UPSERT));
      live.put(id, text);
    }
    // Deletes: half as DELETE records, half as Kafka tombstones.
    List<String> ids = new ArrayList<>(live.keySet());
    for (int i = 0; i < 150; i++) {
      String id = ids.get(rnd.nextInt(ids.size()));
      if (!live.containsKey(id)) {
        continue;
      }
      if (i % 2 == 0) {
        publisher.publish(document(id, null, Operation.DELETE));
      } else {
        publisher.tombstone(id);
      }
      deletedTexts.put(id, live.remove(id));
    }
    publisher.flush();
    assertThat(deletedTexts).hasSizeGreaterThan(100);
    return new Corpus(live, deletedTexts);
  }

  private void checkQueries(QueryClient client, Corpus corpus) {
    Map<String, String> expectedFirst = new LinkedHashMap<>();
    List<Query> queries = new ArrayList<>();
    List<String> liveIds = new ArrayList<>(corpus.live().keySet());
    for (int i = 0; i < 80; i++) {
      String id = liveIds.get(i * (liveIds.size() / 80));
      Query q = query("q-live-" + i, corpus.live().get(id));
      queries.add(q);
      expectedFirst.put(q.getQueryId(), id);
    }
    List<String> deletedIds = new ArrayList<>(corpus.deletedTexts().keySet());
    for (int i = 0; i < 20; i++) {
      queries.add(query("q-deleted-" + i, corpus.deletedTexts().get(deletedIds.get(i))));
    }

    queries.forEach(client::send);
    client.flush();
    List<QueryResult> results = new ArrayList<>();
    Set<String> answered = new HashSet<>();
    long end = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (answered.size() < queries.size() && System.nanoTime() < end) {
      for (QueryResult r : client.poll(Duration.ofMillis(500))) {
        results.add(r);
        answered.add(r.getQueryId());
      }
    }
    // Linger a little: a duplicate answer would arrive right behind the first.
    results.addAll(client.poll(Duration.ofSeconds(2)));

    Map<String, Integer> perQuery = new HashMap<>();
    results.forEach(r -> perQuery.merge(r.getQueryId(), 1, Integer::sum));
    assertThat(perQuery).hasSize(queries.size());
    assertThat(perQuery.values()).allMatch(n -> n == 1);

    for (QueryResult r : results) {
      assertThat(r.getStatus()).as(r.getQueryId()).isEqualTo(ResultStatus.OK);
      assertThat(r.getSubtasksAnswered()).isEqualTo(PARALLELISM);
      // The whole 192-dim PACKED prefix by default; 32 when the burst of queries queues up
      // (load-adaptive dims, after the probes).
      assertThat(r.getDimsUsed()).as("funnel shortlist dims").isIn(32, 192);
      assertThat(r.getIndexSize()).isEqualTo(corpus.live().size());
      assertThat(r.getHits()).hasSize(10);
      for (Hit h : r.getHits()) {
        assertThat(corpus.deletedTexts())
            .as("deleted document in a result")
            .doesNotContainKey(h.getDocId());
      }
      String want = expectedFirst.get(r.getQueryId());
      if (want != null) {
        assertThat(r.getHits().get(0).getDocId()).as(r.getQueryId()).isEqualTo(want);
        assertThat(r.getHits().get(0).getScore()).isGreaterThan(0.99f);
      }
    }
  }

  private static Document document(String id, String text, Operation op) {
    return Document.newBuilder()
        .setId(id)
        .setText(text)
        .setOp(op)
        .setAttributes(Map.of("n", id.substring(4)))
        .setEventTime(Instant.now())
        .build();
  }

  private static Query query(String id, String text) {
    return Query.newBuilder()
        .setQueryId(id)
        .setText(text)
        .setK(10)
        .setEventTime(Instant.now())
        .build();
  }
}
