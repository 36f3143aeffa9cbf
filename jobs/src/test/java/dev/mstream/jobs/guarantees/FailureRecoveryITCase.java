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
import dev.mstream.testing.FailureInjector;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exactly-once index state under real failures. A MiniCluster of two TaskManagers with one slot
 * each runs the job at parallelism 2 (RocksDB, a checkpoint every second, the fake model) while
 * 50,000 document events (about one upsert in ten long enough for several chunks) stream in with
 * queries between them; at random moments a TaskManager is terminated (and a fresh one started), or
 * the index operator throws in the middle of a document update (after its full record is written,
 * before its prefix entry). After the input is consumed the index is read out of a savepoint and
 * compared, document by document, with the state the input defines: same ids, each with exactly its
 * last version (every chunk's vector bits and offsets, attributes, namespace, content hash, version
 * count, event time) and a prefix entry of exactly its chunks, nothing deleted present. Probes then
 * find chunks by their text (chunk ordinal and offsets included) and find no chunk of a deleted
 * document or of a longer earlier version. Every query — those that ran through the failures and
 * the probes afterwards — must see only its own namespace.
 */
class FailureRecoveryITCase {

  private static final Logger LOG = LoggerFactory.getLogger(FailureRecoveryITCase.class);
  private static final int PARALLELISM = 2;
  private static final int NAMESPACES = 20;

  // One slot per TaskManager: the job needs both, so every termination hits a running task.
  @RegisterExtension
  @Order(1)
  static final MiniClusterExtension FLINK = MiniClusters.of(2, 1);

  @RegisterExtension
  @Order(2)
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension(PARALLELISM);

  /** Indexes of the MiniCluster's TaskManagers that are still running. */
  private static final List<Integer> liveTaskManagers = new ArrayList<>(List.of(0, 1));

  private static int startedTaskManagers = 2;

  @AfterEach
  void disarm() {
    FailureInjector.disarm();
  }

  private enum Failure {
    KILL_TASK_MANAGER,
    INDEX_EXCEPTION
  }

  @Test
  void exactlyOnceIndexAndOneResultPerQueryThroughTaskManagerLossAndOperatorFailures(
      @InjectMiniCluster MiniCluster cluster, @TempDir Path dir) throws Exception {
    long seed = System.nanoTime();
    LOG.info("failure schedule seed {}", seed);
    Random random = new Random(seed);
    Corpus corpus = Corpus.generate(Encoding.AVRO, 4, 50_000, 8_000, NAMESPACES, "doc-");
    LOG.info("corpus: {}", corpus.summary());
    Configuration options =
        Rig.options(KAFKA.get(), dir, "failures-eo", Encoding.AVRO, PARALLELISM);
    options.set(MStreamOptions.RESULTS_DELIVERY, DeliveryGuarantee.EXACTLY_ONCE);
    options.setString(MStreamOptions.KAFKA_PROPERTIES_PREFIX + "transaction.timeout.ms", "60000");

    List<Failure> plan =
        new ArrayList<>(
            List.of(
                Failure.KILL_TASK_MANAGER,
                Failure.INDEX_EXCEPTION,
                Failure.KILL_TASK_MANAGER,
                Failure.INDEX_EXCEPTION,
                Failure.KILL_TASK_MANAGER,
                Failure.INDEX_EXCEPTION));
    java.util.Collections.shuffle(plan, random);

    Outcome outcome = run(cluster, dir, options, corpus, plan, random, 10, 40);

    assertThat(outcome.restores)
        .as("checkpoint restores (one per failure)")
        .isGreaterThanOrEqualTo(plan.size());
    IndexState.assertEquals(corpus.expectedIndex(), outcome.index, corpus.deleted);

    // Exactly-once delivery: a read_committed consumer sees exactly one result per query.
    Map<String, Integer> perQuery = new HashMap<>();
    outcome.results.forEach(r -> perQuery.merge(r.getQueryId(), 1, Integer::sum));
    assertThat(perQuery.keySet()).containsExactlyInAnyOrderElementsOf(outcome.queries.keySet());
    assertThat(perQuery.entrySet().stream().filter(e -> e.getValue() != 1).toList())
        .as("queries answered more than once")
        .isEmpty();
    checkResults(outcome, corpus);
  }

  @Test
  void atLeastOnceResultsMayRepeatButCarryTheSameQueryIdAndTheIndexIsStillExact(
      @InjectMiniCluster MiniCluster cluster, @TempDir Path dir) throws Exception {
    long seed = System.nanoTime();
    LOG.info("failure schedule seed {}", seed);
    Random random = new Random(seed);
    Corpus corpus = Corpus.generate(Encoding.JSON, 5, 10_000, 2_000, NAMESPACES, "doc-");
    Configuration options =
        Rig.options(KAFKA.get(), dir, "failures-alo", Encoding.JSON, PARALLELISM);
    options.set(MStreamOptions.RESULTS_DELIVERY, DeliveryGuarantee.AT_LEAST_ONCE);

    List<Failure> plan = List.of(Failure.INDEX_EXCEPTION, Failure.KILL_TASK_MANAGER);
    Outcome outcome = run(cluster, dir, options, corpus, plan, random, 4, 40);

    assertThat(outcome.restores).isGreaterThanOrEqualTo(plan.size());
    IndexState.assertEquals(corpus.expectedIndex(), outcome.index, corpus.deleted);

    Map<String, Integer> perQuery = new HashMap<>();
    outcome.results.forEach(r -> perQuery.merge(r.getQueryId(), 1, Integer::sum));
    // Every query answered at least once; a repeat is a result with the same query_id (and the
    // same status), never a result for a query nobody sent.
    assertThat(perQuery.keySet()).containsExactlyInAnyOrderElementsOf(outcome.queries.keySet());
    long repeated = perQuery.values().stream().filter(n -> n > 1).count();
    LOG.info(
        "AT_LEAST_ONCE: {} results for {} queries, {} queries answered more than once",
        outcome.results.size(),
        outcome.queries.size(),
        repeated);
    checkResults(outcome, corpus);
  }

  /** What a run left behind. */
  private record Outcome(
      Map<String, String> index,
      List<QueryResult> results,
      Map<String, Query> queries,
      Map<String, String> probes,
      long restores) {}

  private Outcome run(
      MiniCluster cluster,
      Path dir,
      Configuration options,
      Corpus corpus,
      List<Failure> plan,
      Random random,
      int chunks,
      int queriesPerChunk)
      throws Exception {
    String bootstrap = KAFKA.bootstrapServers();
    RecordCodec<Query> queryCodec = Codecs.of(Query.class, options.get(MStreamOptions.ENCODING));
    Map<String, Query> queries = new LinkedHashMap<>();
    Map<String, String> probes = new HashMap<>(); // probe query id -> what it must (not) find

    int embeddedBefore = HashEmbeddingModel.TEXTS.get();
    JobClient job =
        Rig.submit(
            options, PARALLELISM, null, HashEmbeddingModel.fast(), FailureInjector.indexHook());
    JobID id = job.getJobID();
    try (KafkaProducer<byte[], byte[]> producer = Rig.producer(bootstrap)) {
      Rig.awaitAllRunning(cluster, id, Duration.ofMinutes(1));
      // Queries start at the latest offset: send them only once a checkpoint holds that offset.
      Rig.awaitNewCheckpoint(cluster, id, Duration.ofMinutes(1));

      // Failures are spread over the chunks; each happens a random time after a chunk was sent.
      List<Integer> failAfterChunk = new ArrayList<>();
      for (int i = 0; i < plan.size(); i++) {
        failAfterChunk.add(i * chunks / plan.size());
      }
      int perChunk = (corpus.events.size() + chunks - 1) / chunks;
      List<String> texts = new ArrayList<>();
      corpus.live.values().forEach(e -> texts.add(e.text()));
      int failures = 0;
      for (int chunk = 0; chunk < chunks; chunk++) {
        List<ProducerRecord<byte[], byte[]>> docs = new ArrayList<>();
        for (int i = chunk * perChunk;
            i < Math.min(corpus.events.size(), (chunk + 1) * perChunk);
            i++) {
          Corpus.Event e = corpus.events.get(i);
          docs.add(
              new ProducerRecord<>(
                  options.get(MStreamOptions.DOCUMENTS_TOPIC), e.key().getBytes(UTF_8), e.value()));
        }
        boolean failHere = failures < plan.size() && failAfterChunk.get(failures) == chunk;
        if (failHere && plan.get(failures) == Failure.INDEX_EXCEPTION) {
          // Fires while this chunk is indexed: it holds more upserts than that.
          int after = 1 + random.nextInt(docs.size() / 2);
          LOG.info("arming an index failure after {} documents", after);
          FailureInjector.arm(FailureInjector.INDEX_AFTER_DOCUMENT_WRITE, after);
        }
        for (ProducerRecord<byte[], byte[]> r : docs) {
          producer.send(r);
        }
        for (int q = 0; q < queriesPerChunk; q++) {
          Query query = randomQuery("c" + chunk + "-q" + q, random, texts);
          queries.put(query.getQueryId(), query);
          producer.send(
              new ProducerRecord<>(
                  options.get(MStreamOptions.QUERIES_TOPIC),
                  query.getQueryId().getBytes(UTF_8),
                  queryCodec.encode(query)));
        }
        producer.flush();
        if (failHere) {
          fail(cluster, id, plan.get(failures), random);
          failures++;
        }
      }
      Rig.awaitConsumed(
          bootstrap,
          options.get(MStreamOptions.GROUP_ID),
          Duration.ofMinutes(5),
          options.get(MStreamOptions.DOCUMENTS_TOPIC),
          options.get(MStreamOptions.QUERIES_TOPIC));

      // Probes on the settled index: exact (dims = 384) and funnel queries with known answers.
      sendProbes(producer, queryCodec, options, corpus, random, queries, probes);
      Rig.awaitConsumed(
          bootstrap,
          options.get(MStreamOptions.GROUP_ID),
          Duration.ofMinutes(2),
          options.get(MStreamOptions.QUERIES_TOPIC));
    }
    long restores = Rig.restoredCheckpoints(cluster, id);
    String savepoint = Rig.stopWithSavepoint(job, dir);
    long[] checkedAgainstFits = new long[1];
    Map<String, String> index = IndexState.read(savepoint, checkedAgainstFits);
    // The inverted file's codes and lists were checked against the fits they were made under
    // (a mismatch marks the document's line, and the comparison with the input fails on it).
    assertThat(checkedAgainstFits[0]).as("prefix entries checked against their fit").isPositive();
    boolean committed =
        options.get(MStreamOptions.RESULTS_DELIVERY) == DeliveryGuarantee.EXACTLY_ONCE;
    List<QueryResult> results =
        Rig.readOutput(
            options,
            MStreamOptions.RESULTS_TOPIC,
            QueryResult.class,
            committed,
            Duration.ofMinutes(2));
    LOG.info(
        "{} failures, {} checkpoint restores, {} documents in the index, {} results; {} texts"
            + " embedded (replays included) for {} upserts, {} of which kept their text",
        plan.size(),
        restores,
        index.size(),
        results.size(),
        HashEmbeddingModel.TEXTS.get() - embeddedBefore,
        corpus.upserts,
        corpus.unchangedTexts);
    return new Outcome(index, results, queries, probes, restores);
  }

  /**
   * Fails the running job once (an armed index failure: waits for it to fire) and waits until it
   * runs again with a new checkpoint.
   */
  private void fail(MiniCluster cluster, JobID job, Failure failure, Random random)
      throws Exception {
    long restoresBefore = Rig.restoredCheckpoints(cluster, job);
    switch (failure) {
      case KILL_TASK_MANAGER -> {
        Thread.sleep(random.nextInt(1500)); // while the chunk is being processed
        int victim = liveTaskManagers.remove(random.nextInt(liveTaskManagers.size()));
        LOG.info("terminating TaskManager {}", victim);
        cluster.terminateTaskManager(victim).get();
        cluster.startTaskManager();
        liveTaskManagers.add(startedTaskManagers++);
      }
      case INDEX_EXCEPTION ->
          Rig.await(() -> !FailureInjector.armed(), Duration.ofMinutes(2), "the injected failure");
    }
    Rig.await(
        () -> {
          try {
            return Rig.restoredCheckpoints(cluster, job) > restoresBefore;
          } catch (Exception e) {
            return false;
          }
        },
        Duration.ofMinutes(1),
        "the job to restore a checkpoint after " + failure);
    Rig.awaitAllRunning(cluster, job, Duration.ofMinutes(1));
    Rig.awaitNewCheckpoint(cluster, job, Duration.ofMinutes(1));
  }

  private static Query randomQuery(String id, Random random, List<String> texts) {
    Integer[] dims = {null, 32, 64, 128, 384};
    Map<String, String> filter = new HashMap<>();
    if (random.nextInt(3) == 0) {
      filter.put("color", Corpus.COLORS[random.nextInt(Corpus.COLORS.length)]);
    }
    return Query.newBuilder()
        .setQueryId(id)
        .setNamespace("ns-" + random.nextInt(NAMESPACES))
        .setText(texts.get(random.nextInt(texts.size())))
        .setK(1 + random.nextInt(20))
        .setDims(dims[random.nextInt(dims.length)])
        .setFilter(filter)
        .setEventTime(Instant.now())
        .build();
  }

  /**
   * Queries whose answers the final state fixes: a live document's own text in its namespace finds
   * it first with score 1 (exactly, and through the funnel); the last text of a deleted document,
   * or of a moved one in the namespace it left, does not find it; and one query per namespace
   * reports that namespace's size.
   */
  private static void sendProbes(
      KafkaProducer<byte[], byte[]> producer,
      RecordCodec<Query> codec,
      Configuration options,
      Corpus corpus,
      Random random,
      Map<String, Query> queries,
      Map<String, String> probes) {
    List<String> live = new ArrayList<>(corpus.live.keySet());
    List<Query> out = new ArrayList<>();
    int n;
    for (int i = 0; i < 150; i++) {
      // Every other probe asks for a document of several chunks, by the text of one of them.
      String docId = live.get(random.nextInt(live.size()));
      for (int tries = 0;
          i % 2 == 0 && tries < 100 && corpus.live.get(docId).chunks() == 1;
          tries++) {
        docId = live.get(random.nextInt(live.size()));
      }
      Corpus.Expected e = corpus.live.get(docId);
      int chunk = random.nextInt(e.chunks());
      Integer dims = i % 3 == 0 ? null : 384;
      Query q = probe("probe-live-" + i, e.namespace(), e.chunkTexts().get(chunk), 3, dims);
      out.add(q);
      probes.put(q.getQueryId(), "first:" + docId + ":" + chunk);
    }
    n = 0;
    for (var g : corpus.goneChunkTexts.entrySet()) {
      if (n++ == 60) {
        break;
      }
      Query q =
          probe("probe-gone-" + n, corpus.live.get(g.getKey()).namespace(), g.getValue(), 10, 384);
      out.add(q);
      probes.put(q.getQueryId(), "notone:" + g.getKey());
    }
    n = 0;
    for (var d : corpus.deletedTexts.entrySet()) {
      if (n++ == 60) {
        break;
      }
      for (int ns = 0; ns < NAMESPACES; ns += 7) {
        Query q = probe("probe-deleted-" + n + "-" + ns, "ns-" + ns, d.getValue(), 10, 384);
        out.add(q);
        probes.put(q.getQueryId(), "absent:" + d.getKey());
      }
    }
    n = 0;
    for (var m : corpus.movedFrom.entrySet()) {
      if (n++ == 60) {
        break;
      }
      Query q =
          probe(
              "probe-moved-" + n,
              m.getValue(),
              corpus.live.get(m.getKey()).chunkTexts().get(0),
              10,
              384);
      out.add(q);
      probes.put(q.getQueryId(), "absent:" + m.getKey());
    }
    corpus
        .namespaceSizes()
        .forEach(
            (ns, size) -> {
              Query q = probe("probe-size-" + ns, ns, "anything", 1, 384);
              out.add(q);
              probes.put(q.getQueryId(), "size:" + size);
            });
    for (Query q : out) {
      queries.put(q.getQueryId(), q);
      producer.send(
          new ProducerRecord<>(
              options.get(MStreamOptions.QUERIES_TOPIC),
              q.getQueryId().getBytes(UTF_8),
              codec.encode(q)));
    }
    producer.flush();
  }

  private static Query probe(String id, String ns, String text, int k, Integer dims) {
    return Query.newBuilder()
        .setQueryId(id)
        .setNamespace(ns)
        .setText(text)
        .setK(k)
        .setDims(dims)
        .setEventTime(Instant.now())
        .build();
  }

  /**
   * Every result: complete (all subtasks answered), at most k hits, best first, each hit of the
   * query's own namespace (its attributes are those of the stored version, which carry "ns") and
   * matching the filter; probes as the final state says.
   */
  private static void checkResults(Outcome outcome, Corpus corpus) {
    int hits = 0;
    for (QueryResult r : outcome.results) {
      Query q = outcome.queries.get(r.getQueryId());
      assertThat(q).as("result for a query nobody sent: %s", r.getQueryId()).isNotNull();
      assertThat(r.getStatus())
          .as("%s: %s", r.getQueryId(), r.getError())
          .isEqualTo(ResultStatus.OK);
      assertThat(r.getSubtasksAnswered()).isEqualTo(r.getSubtasksExpected());
      assertThat(r.getHits().size()).isLessThanOrEqualTo(q.getK());
      for (Hit h : r.getHits()) {
        assertThat(h.getAttributes().get("ns"))
            .as(
                "query %s in %s got %s of another namespace",
                q.getQueryId(), q.getNamespace(), h.getDocId())
            .isEqualTo(q.getNamespace());
        q.getFilter().forEach((k, v) -> assertThat(h.getAttributes()).containsEntry(k, v));
        hits++;
      }
      String probe = outcome.probes.get(r.getQueryId());
      if (probe == null) {
        continue;
      }
      String want = probe.substring(probe.indexOf(':') + 1);
      if (probe.startsWith("first:")) {
        String[] docAndChunk = want.split(":");
        Corpus.Expected e = corpus.live.get(docAndChunk[0]);
        int chunk = Integer.parseInt(docAndChunk[1]);
        assertThat(r.getHits()).as(r.getQueryId()).isNotEmpty();
        Hit first = r.getHits().get(0);
        assertThat(first.getDocId()).as(r.getQueryId()).isEqualTo(docAndChunk[0]);
        assertThat(first.getScore()).isGreaterThan(0.999f);
        assertThat(first.getAttributes()).isEqualTo(e.attributes());
        // The chunk the text came from, with its offsets; all of the document's chunks there.
        assertThat(first.getChunk()).as(r.getQueryId()).isEqualTo(chunk);
        assertThat(first.getChunkCount()).as(r.getQueryId()).isEqualTo(e.chunks());
        assertThat(first.getChunkStart()).isEqualTo(e.ranges()[2 * chunk]);
        assertThat(first.getChunkEnd()).isEqualTo(e.ranges()[2 * chunk + 1]);
      } else if (probe.startsWith("notone:")) {
        // The text of a chunk a later, shorter version no longer has: no orphan answers it.
        for (Hit h : r.getHits()) {
          if (h.getDocId().equals(want)) {
            assertThat(h.getScore())
                .as("%s: orphaned chunk of %s", r.getQueryId(), want)
                .isLessThan(0.9f);
          }
        }
      } else if (probe.startsWith("absent:")) {
        assertThat(r.getHits()).extracting(Hit::getDocId).as(r.getQueryId()).doesNotContain(want);
      } else {
        assertThat(r.getIndexSize()).as(r.getQueryId()).isEqualTo(Long.parseLong(want));
      }
    }
    assertThat(hits).as("hits checked for isolation").isGreaterThan(1_000);
  }
}
