package dev.mstream.jobs.guarantees;

import static dev.mstream.testing.CorruptBytes.replace;
import static dev.mstream.testing.CorruptBytes.unknownAvroOp;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mstream.decode.DeadLetters;
import dev.mstream.jobs.EmbeddedKafkaExtension;
import dev.mstream.jobs.MStreamOptions;
import dev.mstream.jobs.MiniClusters;
import dev.mstream.schemas.DeadLetter;
import dev.mstream.schemas.Document;
import dev.mstream.schemas.Hit;
import dev.mstream.schemas.Operation;
import dev.mstream.schemas.Query;
import dev.mstream.schemas.QueryResult;
import dev.mstream.schemas.ResultStatus;
import dev.mstream.schemas.Timings;
import dev.mstream.schemas.codec.CodecException;
import dev.mstream.schemas.codec.Codecs;
import dev.mstream.schemas.codec.Encoding;
import dev.mstream.schemas.codec.RecordCodec;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bad input never stops the job. On both topics, in each encoding, thousands of broken records —
 * every kind the product promises to handle, pure noise, and bit-flipped copies of valid records —
 * are mixed with valid ones. Afterwards: every valid document is indexed exactly as the input says
 * and every valid query answered once; every broken record is on the dead-letter topic once, with
 * its original key and bytes, topic, partition, offset and the expected reason, and the per-reason
 * metric counts the same; bad queries that name a query_id get one ERROR result; the job never
 * restarted. The job runs with Kafka secrets in its options (ignored by PLAINTEXT) and none of them
 * may appear in any log line.
 */
class BadInputFuzzITCase {

  private static final Logger LOG = LoggerFactory.getLogger(BadInputFuzzITCase.class);
  private static final int MAX_TEXT_BYTES = 2_000;
  private static final int MAX_K = 100;
  private static final int MAX_CANDIDATES = 500;

  private static final InMemoryReporter METRICS = InMemoryReporter.create();

  @RegisterExtension
  @Order(1)
  static final MiniClusterExtension FLINK =
      MiniClusters.of(1, 2, METRICS.addToConfiguration(new Configuration()));

  @RegisterExtension
  @Order(2)
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension(2);

  /** One record sent, and what must become of it. */
  private record Sent(
      String topic,
      byte[] key,
      byte[] value,
      Kind kind,
      String reason, // expected dead-letter reason (CONSTRUCTED only)
      String errorFor) // query id that must get an ERROR result, or null
  {}

  private enum Kind {
    VALID, // must be processed, never dead-lettered
    CONSTRUCTED, // broken on purpose: dead-lettered with `reason`
    NOISE, // random bytes: dead-lettered, any reason
    MUTATED // bit-flipped valid record: dead-lettered or processed, never both, never a crash
  }

  @ParameterizedTest
  @EnumSource(Encoding.class)
  void garbageIsDeadLetteredValidInputIsServedAndTheJobNeverRestarts(
      Encoding encoding, @InjectMiniCluster MiniCluster cluster, @TempDir Path dir)
      throws Exception {
    Random random = new Random(31 + encoding.ordinal());
    String name = "fuzz-" + encoding.name().toLowerCase();
    Configuration options = Rig.options(KAFKA.get(), dir, name, encoding, 2);
    options.set(MStreamOptions.MAX_TEXT_BYTES, MAX_TEXT_BYTES);
    options.set(MStreamOptions.MAX_K, MAX_K);
    options.set(MStreamOptions.MAX_CANDIDATES, MAX_CANDIDATES);
    // Plain truncation instead of a PCA fit: the fit blocks an index subtask for seconds on a busy
    // machine and is not what this test is about (FailureRecoveryITCase and
    // SavepointRescaleITCase run with the rotation).
    options.set(MStreamOptions.ROTATE, false);
    // Secrets a real deployment would pass; PLAINTEXT ignores them, but they are handed to every
    // Kafka client the job creates and must never be logged.
    String canary = "CANARY" + Long.toHexString(random.nextLong());
    Map<String, String> secrets =
        Map.of(
            "ssl.truststore.password", canary + "-truststore",
            "ssl.keystore.password", canary + "-keystore",
            "ssl.key.password", canary + "-key",
            "ssl.keystore.key", "-----BEGIN PRIVATE KEY-----" + canary + "-pem",
            "sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\""
                    + " password=\""
                    + canary
                    + "-jaas\";");
    secrets.forEach((k, v) -> options.setString(MStreamOptions.KAFKA_PROPERTIES_PREFIX + k, v));
    String docsTopic = options.get(MStreamOptions.DOCUMENTS_TOPIC);
    String queriesTopic = options.get(MStreamOptions.QUERIES_TOPIC);

    Corpus corpus = Corpus.generate(encoding, 17, 3_000, 800, 5, "doc-");
    Inputs in = new Inputs(encoding, random, docsTopic, queriesTopic);
    in.documents(corpus);
    in.queries(corpus);
    Collections.shuffle(in.docs, random);
    Collections.shuffle(in.queries, random);
    // Valid document events must keep their order per id: put them back in input order.
    restoreOrder(in.docs, corpus);
    LOG.info(
        "{}: {} document records, {} query records", encoding, in.docs.size(), in.queries.size());

    JobID id;
    List<RecordMetadata> docMeta;
    List<RecordMetadata> queryMeta;
    Map<String, String> index;
    AccessExecutionGraph before;
    Map<String, Long> counted = new TreeMap<>();
    try (LogCapture logs = LogCapture.open()) {
      JobClient job = Rig.submit(options, 2, null, HashEmbeddingModel.fast());
      id = job.getJobID();
      Rig.awaitAllRunning(cluster, id, Duration.ofMinutes(1));
      Rig.awaitNewCheckpoint(cluster, id, Duration.ofMinutes(1));
      try (KafkaProducer<byte[], byte[]> producer = Rig.producer(KAFKA.bootstrapServers())) {
        docMeta = Rig.send(producer, in.docs.stream().map(BadInputFuzzITCase::record).toList());
        queryMeta =
            Rig.send(producer, in.queries.stream().map(BadInputFuzzITCase::record).toList());
      }
      Rig.awaitConsumed(
          KAFKA.bootstrapServers(),
          options.get(MStreamOptions.GROUP_ID),
          Duration.ofMinutes(3),
          docsTopic,
          queriesTopic);
      before = Rig.graph(cluster, id);
      // Read before the job stops: its metrics go with it.
      for (var e :
          METRICS
              .findMetrics(
                  id,
                  "\\."
                      + DeadLetters.REASON_LABEL
                      + "\\.[A-Z0-9_]+\\."
                      + DeadLetters.METRIC_DEAD_LETTERS
                      + "$")
              .entrySet()) {
        String[] parts = e.getKey().split("\\.");
        counted.merge(parts[parts.length - 2], ((Counter) e.getValue()).getCount(), Long::sum);
      }
      String savepoint = Rig.stopWithSavepoint(job, dir);
      index = IndexState.read(savepoint);

      // No secret in any log line, and the check is not vacuous: the clients did log their
      // configuration (with the secrets masked).
      assertThat(logs.linesContaining("ProducerConfig values")).isNotEmpty();
      assertThat(logs.linesContaining("ConsumerConfig values")).isNotEmpty();
      assertThat(logs.linesContaining(canary)).as("log lines with a secret").isEmpty();
      LOG.info("{} log lines captured, none with a secret", logs.size());
    }

    // The job never restarted.
    assertThat(before.getState()).isEqualTo(JobStatus.RUNNING);
    assertThat(Rig.highestAttempt(before)).as("execution attempts").isZero();
    assertThat(before.getCheckpointStatsSnapshot().getCounts().getNumberOfRestoredCheckpoints())
        .isZero();
    assertThat(before.getFailureInfo()).isNull();

    // Dead letters: each broken record once, with its provenance and reason.
    Map<String, DeadLetter> dead = new HashMap<>();
    for (DeadLetter d :
        Rig.readOutput(options, MStreamOptions.DEAD_LETTERS_TOPIC, DeadLetter.class)) {
      String where = d.getSourceTopic() + "/" + d.getSourcePartition() + "@" + d.getSourceOffset();
      assertThat(dead.put(where, d)).as("dead-lettered twice: %s", where).isNull();
    }
    Map<Kind, int[]> tally = new TreeMap<>(); // kind -> {sent, dead-lettered}
    checkDeadLetters(in.docs, docMeta, dead, tally);
    checkDeadLetters(in.queries, queryMeta, dead, tally);
    assertThat(tally.values().stream().mapToInt(t -> t[1]).sum()).isEqualTo(dead.size());
    int broken =
        tally.get(Kind.CONSTRUCTED)[0] + tally.get(Kind.NOISE)[0] + tally.get(Kind.MUTATED)[0];
    assertThat(broken).as("broken records sent").isGreaterThanOrEqualTo(10_000);
    LOG.info(
        "{}: sent/dead-lettered per kind: {}",
        encoding,
        tally.entrySet().stream()
            .map(e -> e.getKey() + "=" + Arrays.toString(e.getValue()))
            .toList());

    // The metric counts dead letters by reason, exactly as many as on the topic.
    Map<String, Long> onTopic = new TreeMap<>();
    dead.values().forEach(d -> onTopic.merge(d.getReason(), 1L, Long::sum));
    assertThat(counted).as("deadLetters metric by reason").isEqualTo(onTopic);
    LOG.info("{}: dead letters by reason {}", encoding, onTopic);

    // Valid documents indexed exactly; broken ones changed nothing of theirs.
    Map<String, String> docs = new TreeMap<>(index);
    docs.keySet().removeIf(k -> !k.startsWith("doc-"));
    IndexState.assertEquals(corpus.expectedIndex(), docs, corpus.deleted);

    // Results: one per valid query, one ERROR per bad query with an id, nothing else but for
    // mutated queries (which may have become valid, possibly under another id).
    Map<String, List<QueryResult>> results = new HashMap<>();
    for (QueryResult r : Rig.readOutput(options, MStreamOptions.RESULTS_TOPIC, QueryResult.class)) {
      results.computeIfAbsent(r.getQueryId(), k -> new ArrayList<>()).add(r);
    }
    int checked = 0;
    for (Sent s : in.queries) {
      if (s.kind() == Kind.VALID) {
        Query q = in.validQueries.get(new String(s.key(), UTF_8));
        List<QueryResult> rs = results.remove(q.getQueryId());
        assertThat(rs).as("answers to %s", q.getQueryId()).hasSize(1);
        QueryResult r = rs.get(0);
        assertThat(r.getStatus())
            .as("%s: %s", q.getQueryId(), r.getError())
            .isEqualTo(ResultStatus.OK);
        for (Hit h : r.getHits()) {
          if (h.getDocId().startsWith("doc-")) {
            assertThat(h.getAttributes().get("ns")).isEqualTo(q.getNamespace());
          }
        }
        checked++;
      } else if (s.errorFor() != null) {
        List<QueryResult> rs = results.remove(s.errorFor());
        assertThat(rs).as("ERROR answers to %s", s.errorFor()).hasSize(1);
        assertThat(rs.get(0).getStatus()).isEqualTo(ResultStatus.ERROR);
        assertThat(rs.get(0).getError()).startsWith(s.reason() + ": ");
        checked++;
      }
    }
    long mutatedQueries = in.queries.stream().filter(s -> s.kind() == Kind.MUTATED).count();
    assertThat(results.values().stream().mapToInt(List::size).sum())
        .as("results nobody asked for (only mutated queries may cause them)")
        .isLessThanOrEqualTo((int) mutatedQueries);
    assertThat(checked).isGreaterThan(1_000);
  }

  private static void checkDeadLetters(
      List<Sent> sent,
      List<RecordMetadata> meta,
      Map<String, DeadLetter> dead,
      Map<Kind, int[]> tally) {
    for (int i = 0; i < sent.size(); i++) {
      Sent s = sent.get(i);
      RecordMetadata m = meta.get(i);
      String where = m.topic() + "/" + m.partition() + "@" + m.offset();
      DeadLetter d = dead.get(where);
      int[] t = tally.computeIfAbsent(s.kind(), k -> new int[2]);
      t[0]++;
      if (d != null) {
        t[1]++;
      }
      switch (s.kind()) {
        case VALID -> assertThat(d).as("valid record dead-lettered: %s", d).isNull();
        case CONSTRUCTED, NOISE -> {
          assertThat(d)
              .as("%s record at %s not dead-lettered (expected %s)", s.kind(), where, s.reason())
              .isNotNull();
          if (s.kind() == Kind.CONSTRUCTED) {
            assertThat(d.getReason()).as(where).isEqualTo(s.reason());
          }
        }
        case MUTATED -> {}
      }
      if (d != null) {
        assertThat(d.getMessage()).isNotBlank();
        assertThat(bytes(d.getKey())).as("original key at %s", where).isEqualTo(s.key());
        assertThat(bytes(d.getValue())).as("original value at %s", where).isEqualTo(s.value());
      }
    }
  }

  private static byte[] bytes(ByteBuffer b) {
    if (b == null) {
      return null;
    }
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  private static ProducerRecord<byte[], byte[]> record(Sent s) {
    return new ProducerRecord<>(s.topic(), s.key(), s.value());
  }

  /** Puts the valid document events back in the order of the corpus, keeping their slots. */
  private static void restoreOrder(List<Sent> docs, Corpus corpus) {
    List<Integer> slots = new ArrayList<>();
    for (int i = 0; i < docs.size(); i++) {
      if (docs.get(i).kind() == Kind.VALID) {
        slots.add(i);
      }
    }
    List<Sent> ordered = new ArrayList<>();
    for (Corpus.Event e : corpus.events) {
      ordered.add(
          new Sent(
              docs.get(0).topic(), e.key().getBytes(UTF_8), e.value(), Kind.VALID, null, null));
    }
    for (int i = 0; i < slots.size(); i++) {
      docs.set(slots.get(i), ordered.get(i));
    }
  }

  /** Builds the records of both topics. */
  private static final class Inputs {
    final List<Sent> docs = new ArrayList<>();
    final List<Sent> queries = new ArrayList<>();
    final Map<String, Query> validQueries = new HashMap<>();
    private final Encoding encoding;
    private final boolean avro;
    private final Random random;
    private final String docsTopic;
    private final String queriesTopic;
    private final RecordCodec<Document> docCodec;
    private final RecordCodec<Query> queryCodec;

    Inputs(Encoding encoding, Random random, String docsTopic, String queriesTopic) {
      this.encoding = encoding;
      // Both Avro encodings reject malformed binary alike; they differ on "another schema".
      this.avro = encoding != Encoding.JSON;
      this.random = random;
      this.docsTopic = docsTopic;
      this.queriesTopic = queriesTopic;
      this.docCodec = Codecs.of(Document.class, encoding);
      this.queryCodec = Codecs.of(Query.class, encoding);
    }

    void documents(Corpus corpus) {
      for (Corpus.Event e : corpus.events) {
        docs.add(new Sent(docsTopic, e.key().getBytes(UTF_8), e.value(), Kind.VALID, null, null));
      }
      for (int i = 0; i < 4_000; i++) {
        docs.add(brokenDocument(i));
      }
      for (int i = 0; i < 2_000; i++) {
        docs.add(new Sent(docsTopic, noiseKey(i), noise(), Kind.NOISE, null, null));
      }
      for (int i = 0; i < 2_000; i++) {
        String id = "fz-" + i;
        byte[] valid = docCodec.encode(doc(id, "mutant " + i + " of a valid document"));
        docs.add(new Sent(docsTopic, id.getBytes(UTF_8), mutate(valid), Kind.MUTATED, null, null));
      }
    }

    void queries(Corpus corpus) {
      List<String> texts = new ArrayList<>();
      corpus.live.values().forEach(e -> texts.add(e.text()));
      Integer[] dims = {null, 32, 64, 128, 384};
      for (int i = 0; i < 400; i++) {
        Query q =
            Query.newBuilder()
                .setQueryId("vq-" + i)
                .setNamespace("ns-" + random.nextInt(5))
                .setText(texts.get(random.nextInt(texts.size())))
                .setK(1 + random.nextInt(MAX_K))
                .setDims(dims[random.nextInt(dims.length)])
                .setCandidates(random.nextBoolean() ? null : 1 + random.nextInt(MAX_CANDIDATES))
                .build();
        validQueries.put(q.getQueryId(), q);
        queries.add(
            new Sent(
                queriesTopic, key(q.getQueryId()), queryCodec.encode(q), Kind.VALID, null, null));
      }
      for (int i = 0; i < 1_000; i++) {
        queries.add(brokenQueryWithId(i));
      }
      for (int i = 0; i < 500; i++) {
        queries.add(brokenQueryWithoutId(i));
      }
      for (int i = 0; i < 1_000; i++) {
        queries.add(new Sent(queriesTopic, noiseKey(i), noise(), Kind.NOISE, null, null));
      }
      for (int i = 0; i < 1_000; i++) {
        Query q = query("mq-" + i, "a mutated query " + i, 10, null, null);
        queries.add(
            new Sent(
                queriesTopic,
                key(q.getQueryId()),
                mutate(queryCodec.encode(q)),
                Kind.MUTATED,
                null,
                null));
      }
    }

    private Sent brokenDocument(int i) {
      String id = "bad-" + i;
      byte[] valid = docCodec.encode(doc(id, "a document that is fine but for one thing " + i));
      return switch (i % 15) {
        case 0 ->
            broken(
                key(id),
                Arrays.copyOf(valid, 1 + random.nextInt(valid.length - 1)),
                avro ? CodecException.MALFORMED_AVRO : CodecException.MALFORMED_JSON);
        case 1 -> broken(key(id), new byte[0], CodecException.EMPTY_VALUE);
        case 2 -> broken(key(id), anotherTypesRecord(id), anotherSchema());
        case 3 ->
            broken(
                key(id),
                "[1, 2, 3]".getBytes(UTF_8),
                avro ? CodecException.MALFORMED_AVRO : CodecException.NOT_AN_OBJECT);
        case 4 ->
            switch (encoding) {
              case AVRO ->
                  broken(
                      key(id),
                      withFingerprint(valid, random.nextLong()),
                      CodecException.UNKNOWN_SCHEMA);
              // a single-object record where plain binary is expected: its header is no length
              case AVRO_SQL ->
                  broken(
                      key(id),
                      Codecs.of(Document.class, Encoding.AVRO).encode(doc(id, "t")),
                      CodecException.MALFORMED_AVRO);
              case JSON ->
                  broken(
                      key(id),
                      ("{\"text\": \"no id " + i + "\"}").getBytes(UTF_8),
                      CodecException.MISSING_FIELD);
            };
        case 5 -> broken(key(id), docCodec.encode(doc(id, "")), "EMPTY_TEXT");
        case 6 ->
            broken(key(id), docCodec.encode(doc(id, " \t \n ".repeat(1 + i % 3))), "EMPTY_TEXT");
        case 7 ->
            broken(
                key(id),
                docCodec.encode(doc(id, "ü".repeat(MAX_TEXT_BYTES / 2 + 1 + i % 50))),
                "TEXT_TOO_LONG");
        case 8 ->
            broken(
                key(id),
                replace(docCodec.encode(doc(id, "bad MARK utf8")), "MARK", invalidUtf8()),
                CodecException.INVALID_UTF8);
        case 9 ->
            broken(
                key(id),
                switch (encoding) {
                  case AVRO -> unknownAvroOp(docCodec.encode(doc(id, "t")));
                  // the row layout writes op as a string
                  case AVRO_SQL ->
                      replace(docCodec.encode(doc(id, "t")), "UPSERT", "MERGEX".getBytes(UTF_8));
                  case JSON ->
                      ("{\"id\": \"" + id + "\", \"text\": \"t\", \"op\": \"MERGE\"}")
                          .getBytes(UTF_8);
                },
                CodecException.UNKNOWN_ENUM);
        case 10 -> broken(null, null, "MISSING_KEY");
        case 11 -> broken(key(""), docCodec.encode(doc("", "no id")), "EMPTY_ID");
        case 12 -> broken(key("other-" + i), valid, "KEY_MISMATCH");
        case 13 ->
            broken(new byte[] {'b', (byte) 0xC0, (byte) 0xAF}, null, CodecException.INVALID_UTF8);
        // Surrogates: as escapes in JSON, as UTF-8-encoded surrogate bytes in Avro.
        default ->
            avro
                ? broken(
                    key(id),
                    replace(
                        docCodec.encode(doc(id, "MARK")),
                        "MARK",
                        new byte[] {(byte) 0xED, (byte) 0xB0, (byte) 0x80}),
                    CodecException.INVALID_UTF8)
                : broken(
                    key(id),
                    ("{\"id\": \"" + id + "\", \"text\": \"lone \\udc00 x\"}").getBytes(UTF_8),
                    CodecException.INVALID_UTF8);
      };
    }

    private Sent broken(byte[] key, byte[] value, String reason) {
      return new Sent(docsTopic, key, value, Kind.CONSTRUCTED, reason, null);
    }

    private Sent brokenQueryWithId(int i) {
      String id = "bq-" + i;
      Query q =
          switch (i % 9) {
            case 0 -> query(id, "t", 0, null, null);
            case 1 -> query(id, "t", -1 - random.nextInt(100), null, null);
            case 2 -> query(id, "t", MAX_K + 1 + random.nextInt(1000), null, null);
            case 3 -> query(id, "t", 5, 100, null);
            case 4 -> query(id, "t", 5, 0, null);
            case 5 -> query(id, "t", 5, null, MAX_CANDIDATES + 1 + random.nextInt(1000));
            case 6 -> query(id, "t", 5, null, 0);
            case 7 -> query(id, "   ", 5, null, null);
            default -> query(id, "y".repeat(MAX_TEXT_BYTES + 1), 5, null, null);
          };
      String reason =
          switch (i % 9) {
            case 0, 1, 2 -> "INVALID_K";
            case 3, 4 -> "INVALID_DIMS";
            case 5, 6 -> "INVALID_CANDIDATES";
            case 7 -> "EMPTY_TEXT";
            default -> "TEXT_TOO_LONG";
          };
      return new Sent(queriesTopic, key(id), queryCodec.encode(q), Kind.CONSTRUCTED, reason, id);
    }

    private Sent brokenQueryWithoutId(int i) {
      String id = "bn-" + i;
      byte[] valid = queryCodec.encode(query(id, "some MARK", 5, null, null));
      return switch (i % 6) {
        case 0 ->
            new Sent(
                queriesTopic,
                null,
                queryCodec.encode(query("", "t", 5, null, null)),
                Kind.CONSTRUCTED,
                "EMPTY_QUERY_ID",
                null);
        case 1 ->
            new Sent(
                queriesTopic,
                null,
                queryCodec.encode(query(" \t", "t", 5, null, null)),
                Kind.CONSTRUCTED,
                "EMPTY_QUERY_ID",
                null);
        case 2 ->
            new Sent(
                queriesTopic,
                key(id),
                replace(valid, "MARK", invalidUtf8()),
                Kind.CONSTRUCTED,
                CodecException.INVALID_UTF8,
                null);
        case 3 ->
            new Sent(
                queriesTopic, key(id), null, Kind.CONSTRUCTED, CodecException.EMPTY_VALUE, null);
        case 4 ->
            new Sent(
                queriesTopic,
                key(id),
                Arrays.copyOf(valid, valid.length - 1 - random.nextInt(5)),
                Kind.CONSTRUCTED,
                avro ? CodecException.MALFORMED_AVRO : CodecException.MALFORMED_JSON,
                null);
        default ->
            new Sent(
                queriesTopic,
                key(id),
                docCodec.encode(doc(id, "a document")),
                Kind.CONSTRUCTED,
                anotherSchema(),
                null);
      };
    }

    /**
     * A record of another type for the documents topic. With AVRO_SQL nothing in the bytes names
     * the schema, and a record is rejected only when its columns' types do not line up with a
     * document's (README, "Flink SQL"): a query's do since queries grew optional columns (its bytes
     * read as a document with a garbage text), a result's do not.
     */
    private byte[] anotherTypesRecord(String id) {
      if (encoding != Encoding.AVRO_SQL) {
        return queryCodec.encode(query(id, "t", 5, null, null));
      }
      return Codecs.of(QueryResult.class, encoding)
          .encode(
              QueryResult.newBuilder()
                  .setQueryId(id)
                  .setStatus(ResultStatus.OK)
                  .setHits(List.of())
                  .setSubtasksAnswered(1)
                  .setSubtasksExpected(1)
                  .setTimings(Timings.newBuilder().build())
                  .build());
    }

    /** A record of the other type: Avro tells by the fingerprint, the others by the fields. */
    private String anotherSchema() {
      return switch (encoding) {
        case AVRO -> CodecException.UNKNOWN_SCHEMA;
        // no fingerprint: the other type's row layout does not parse as this one
        case AVRO_SQL -> CodecException.MALFORMED_AVRO;
        case JSON -> CodecException.MISSING_FIELD;
      };
    }

    private byte[] invalidUtf8() {
      byte[][] bad = {
        {(byte) 0xFF},
        {(byte) 0xC3, 0x28},
        {(byte) 0xC0, (byte) 0xAF},
        {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
        {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
        {(byte) 0x80}
      };
      return bad[random.nextInt(bad.length)];
    }

    private byte[] noise() {
      byte[] b = new byte[random.nextInt(300)];
      random.nextBytes(b);
      return b;
    }

    private byte[] noiseKey(int i) {
      return switch (i % 3) {
        case 0 -> null;
        case 1 -> key("noise-" + i);
        default -> {
          byte[] b = new byte[1 + random.nextInt(16)];
          random.nextBytes(b);
          yield b;
        }
      };
    }

    /** One of: flipped bits, overwritten bytes, a cut, appended noise. */
    private byte[] mutate(byte[] valid) {
      byte[] b = valid.clone();
      switch (random.nextInt(4)) {
        case 0 -> {
          for (int j = 0, n = 1 + random.nextInt(3); j < n; j++) {
            b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
          }
        }
        case 1 -> {
          for (int j = 0, n = 1 + random.nextInt(4); j < n; j++) {
            b[random.nextInt(b.length)] = (byte) random.nextInt(256);
          }
        }
        case 2 -> b = Arrays.copyOf(b, random.nextInt(b.length));
        default -> {
          byte[] tail = new byte[1 + random.nextInt(20)];
          random.nextBytes(tail);
          b = Arrays.copyOf(b, b.length + tail.length);
          System.arraycopy(tail, 0, b, valid.length, tail.length);
        }
      }
      return b;
    }
  }

  private static Document doc(String id, String text) {
    return Document.newBuilder()
        .setId(id)
        .setNamespace("ns-" + Math.floorMod(id.hashCode(), 5))
        .setText(text)
        .setOp(Operation.UPSERT)
        .setAttributes(Map.of("kind", "fuzz"))
        .build();
  }

  private static Query query(String id, String text, int k, Integer dims, Integer candidates) {
    return Query.newBuilder()
        .setQueryId(id)
        .setNamespace("ns-1")
        .setText(text)
        .setK(k)
        .setDims(dims)
        .setCandidates(candidates)
        .build();
  }

  private static byte[] key(String s) {
    return s.getBytes(UTF_8);
  }

  private static byte[] withFingerprint(byte[] avro, long fingerprint) {
    byte[] out = avro.clone();
    for (int i = 0; i < 8; i++) {
      out[2 + i] = (byte) (fingerprint >>> (8 * i));
    }
    return out;
  }
}
