package dev.mstream.sql.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mstream.jobs.MStreamOptions;
import dev.mstream.jobs.eval.BeirDataset;
import dev.mstream.jobs.local.EmbeddedKafka;
import dev.mstream.schemas.Document;
import dev.mstream.schemas.Hit;
import dev.mstream.schemas.Query;
import dev.mstream.schemas.QueryResult;
import dev.mstream.schemas.ResultStatus;
import dev.mstream.schemas.codec.Encoding;
import dev.mstream.sql.Errors;
import dev.mstream.sql.RunningJob;
import dev.mstream.sql.Sql;
import dev.mstream.sql.TestTexts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * VECTOR_SEARCH against a running job: the real job indexes the demo corpus (and a SciFact slice in
 * namespace {@code scifact} when the dataset is there); Flink SQL embeds the questions with
 * ML_PREDICT and searches the job's index. Each question's top-k from SQL is the top-k the queries
 * topic returns for its text.
 */
class VectorSearchITCase {

  private static final int PARALLELISM = 2;
  private static final int K = 5;

  @RegisterExtension static final MiniClusterExtension FLINK = Sql.cluster(6);

  @TempDir static Path dir;

  private static EmbeddedKafka kafka;
  private static RunningJob job;
  private static Optional<BeirDataset> scifact;

  @BeforeAll
  static void startTheJob() throws Exception {
    kafka = EmbeddedKafka.builder().partitions(PARALLELISM).start();
    job = RunningJob.start(kafka, "search", Encoding.JSON, PARALLELISM, dir);
    List<Document> demo = TestTexts.demoCorpus();
    job.publish(demo);
    scifact = TestTexts.sciFact(100, 0);
    if (scifact.isPresent()) {
      List<Document> docs = new ArrayList<>();
      scifact
          .get()
          .corpus()
          .forEach(d -> docs.add(Document.newBuilder(d).setNamespace("scifact").build()));
      job.publish(docs);
      job.awaitIndexed("scifact", docs.size(), Duration.ofMinutes(5));
    }
    job.awaitIndexed("default", demo.size(), Duration.ofMinutes(3));
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (job != null) {
        job.close();
      }
    } finally {
      if (kafka != null) {
        kafka.close();
      }
    }
  }

  @Test
  void everyQuestionGetsTheTopKOfTheQueriesTopic() throws Exception {
    Map<String, String> questions = TestTexts.demoQueries();
    assertThat(questions).hasSizeGreaterThanOrEqualTo(100);
    assertSameTopK(questions, "default", "");
  }

  @Test
  void sciFactQuestionsGetTheTopKOfTheQueriesTopic() throws Exception {
    assumeTrue(scifact.isPresent(), TestTexts.noSciFact());
    Map<String, String> questions = scifact.get().queries();
    assertThat(questions).hasSizeGreaterThanOrEqualTo(100);
    assertSameTopK(questions, "scifact", ", MAP['namespace', 'scifact']");
  }

  @Test
  void filtersAndNamespacesComeFromTheTableOrTheCall() throws Exception {
    StreamTableEnvironment sql = session();
    sql.executeSql(index("food_index", ", 'filter.topic' = 'food'"));
    Sql.texts(sql, "questions", Map.of("q", "how do I bake bread with a starter"));
    String search =
        "SELECT doc_id, topic FROM ML_PREDICT(TABLE questions, MODEL query_embedder,"
            + " DESCRIPTOR(text)) AS q, LATERAL TABLE(VECTOR_SEARCH(TABLE %s, DESCRIPTOR(embedding),"
            + " q.embedding, 3%s))";

    List<Row> food = Sql.collect(sql, String.format(search, "food_index", ""));
    assertThat(food).hasSize(3).allSatisfy(r -> assertThat(r.getField("topic")).isEqualTo("food"));
    List<Row> science =
        Sql.collect(sql, String.format(search, "food_index", ", MAP['filter.topic', 'science']"));
    assertThat(science)
        .hasSize(3)
        .allSatisfy(r -> assertThat(r.getField("topic")).isEqualTo("science"));
    assertThat(
            Sql.collect(sql, String.format(search, "food_index", ", MAP['namespace', 'nowhere']")))
        .isEmpty();
  }

  @Test
  void aQueryVectorOfAnotherDimensionFailsNamingIt() throws Exception {
    StreamTableEnvironment sql = session();
    sql.executeSql(
        "CREATE TEMPORARY VIEW tiny AS SELECT * FROM (VALUES (ARRAY[CAST(0.1 AS FLOAT),"
            + " CAST(0.2 AS FLOAT), CAST(0.3 AS FLOAT)])) AS t(v)");
    Errors.assertFailure(
            () ->
                Sql.collect(
                    sql,
                    "SELECT doc_id FROM tiny AS q, LATERAL TABLE(VECTOR_SEARCH(TABLE mstream_index,"
                        + " DESCRIPTOR(embedding), q.v, 3))"))
        .contains("VECTOR_DIMENSION")
        .contains("query vector has 3 dimensions")
        .contains("384");
  }

  @Test
  void noAnswerWithinTheTimeoutIsAClearError() throws Exception {
    kafka.createTopics(PARALLELISM, "nobody.queries", "nobody.results");
    StreamTableEnvironment sql = session();
    sql.executeSql(
        index("idle_index", "nobody.queries", "nobody.results", ", 'query-timeout' = '2 s'"));
    Sql.texts(sql, "questions", Map.of("q", "anything"));
    long start = System.nanoTime();
    Errors.assertFailure(
            () ->
                Sql.collect(
                    sql,
                    "SELECT doc_id FROM ML_PREDICT(TABLE questions, MODEL query_embedder,"
                        + " DESCRIPTOR(text)) AS q, LATERAL TABLE(VECTOR_SEARCH(TABLE idle_index,"
                        + " DESCRIPTOR(embedding), q.embedding, 3))"))
        .contains("no result for query")
        .contains("'nobody.results' within 2000 ms ('query-timeout')")
        .contains("Is the Matryoshka Stream job running");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMinutes(1));
  }

  /**
   * The same questions through the queries topic (text, embedded by the job) and through SQL
   * (ML_PREDICT, then VECTOR_SEARCH with the vector): the same documents in the same order, with
   * the same scores.
   */
  private static void assertSameTopK(Map<String, String> questions, String namespace, String config)
      throws Exception {
    List<Query> queries = new ArrayList<>();
    questions.forEach(
        (id, text) ->
            queries.add(
                Query.newBuilder()
                    .setQueryId(id)
                    .setNamespace(namespace)
                    .setText(text)
                    .setK(K)
                    .build()));
    Map<String, QueryResult> viaTopic = job.ask(queries, Duration.ofMinutes(3));
    assertThat(viaTopic).hasSize(questions.size());
    viaTopic.values().forEach(r -> assertThat(r.getStatus()).isEqualTo(ResultStatus.OK));

    StreamTableEnvironment sql = session();
    Sql.texts(sql, "questions", questions);
    List<Row> rows =
        Sql.collect(
            sql,
            "SELECT q.id, doc_id, score FROM ML_PREDICT(TABLE questions, MODEL query_embedder,"
                + " DESCRIPTOR(text)) AS q, LATERAL TABLE(VECTOR_SEARCH(TABLE mstream_index,"
                + " DESCRIPTOR(embedding), q.embedding, "
                + K
                + config
                + "))");

    Map<String, List<Hit>> viaSql = new HashMap<>();
    for (Row r : rows) {
      viaSql
          .computeIfAbsent((String) r.getField("id"), id -> new ArrayList<>())
          .add(
              Hit.newBuilder()
                  .setDocId((String) r.getField("doc_id"))
                  .setScore(((Double) r.getField("score")).floatValue())
                  .setAttributes(Map.of())
                  .build());
    }
    assertThat(viaSql.keySet()).isEqualTo(questions.keySet());
    for (String id : questions.keySet()) {
      List<Hit> expected = ranked(viaTopic.get(id).getHits());
      List<Hit> got = ranked(viaSql.get(id));
      assertThat(got).as("question %s", id).hasSize(expected.size());
      for (int i = 0; i < expected.size(); i++) {
        assertThat(got.get(i).getDocId())
            .as("question %s, rank %d", id, i)
            .isEqualTo(expected.get(i).getDocId());
        assertThat(got.get(i).getScore())
            .as("question %s, rank %d", id, i)
            .isCloseTo(expected.get(i).getScore(), org.assertj.core.data.Offset.offset(1e-5f));
      }
    }
  }

  /** Best first; equal scores by id, so ties cannot reorder a comparison. */
  private static List<Hit> ranked(List<Hit> hits) {
    List<Hit> sorted = new ArrayList<>(hits);
    sorted.sort(
        Comparator.comparing((Hit h) -> -Math.round(h.getScore() * 1e5))
            .thenComparing(Hit::getDocId));
    return sorted;
  }

  /** A session with the query model and the job's index table. */
  private static StreamTableEnvironment session() {
    StreamTableEnvironment sql = Sql.session(PARALLELISM);
    sql.executeSql(
        "CREATE TEMPORARY MODEL query_embedder INPUT (text STRING) OUTPUT (embedding ARRAY<FLOAT>)"
            + " WITH ('provider' = 'mstream', 'model' = 'all-minilm-l6-v2-q', 'role' = 'query')");
    sql.executeSql(index("mstream_index", ""));
    return sql;
  }

  private static String index(String name, String options) {
    return index(
        name,
        job.topic(MStreamOptions.QUERIES_TOPIC),
        job.topic(MStreamOptions.RESULTS_TOPIC),
        options);
  }

  private static String index(String name, String queries, String results, String options) {
    return "CREATE TEMPORARY TABLE "
        + name
        + " (doc_id STRING, topic STRING, attributes"
        + " MAP<STRING, STRING>, embedding ARRAY<FLOAT>) WITH ('connector' = 'mstream',"
        + " 'bootstrap-servers' = '"
        + kafka.bootstrapServers()
        + "', 'topics.queries' = '"
        + queries
        + "', 'topics.results' = '"
        + results
        + "'"
        + options
        + ")";
  }
}
