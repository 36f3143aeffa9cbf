package dev.mstream.sql;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.junit.jupiter.api.Test;

/**
 * What Flink 2.2's planner does not allow around ML_PREDICT and VECTOR_SEARCH, as the README's SQL
 * section says, and what works instead. When a Flink upgrade lifts a limit, its test fails and the
 * README and the connector can catch up.
 */
class FlinkSqlLimitsTest {

  private final TableEnvironment sql = session(EnvironmentSettings.inStreamingMode());

  private static TableEnvironment session(EnvironmentSettings mode) {
    TableEnvironment sql = TableEnvironment.create(mode);
    sql.executeSql(
        "CREATE TEMPORARY VIEW q AS SELECT * FROM (VALUES ('why is the sky blue', 3,"
            + " ARRAY[CAST(1 AS FLOAT)])) AS t(text, k, v)");
    sql.executeSql(
        "CREATE TEMPORARY TABLE idx (doc_id STRING, topic STRING, embedding ARRAY<FLOAT>) WITH"
            + " ('connector' = 'mstream', 'bootstrap-servers' = 'broker:9092')");
    sql.executeSql(
        "CREATE TEMPORARY MODEL m INPUT (text STRING) OUTPUT (embedding ARRAY<FLOAT>) WITH"
            + " ('provider' = 'mstream', 'model' = 'all-minilm-l6-v2-q', 'role' = 'query')");
    return sql;
  }

  @Test
  void aFilterOnTheSearchTableIsRejectedUseTheFilterOptions() {
    sql.executeSql("CREATE TEMPORARY VIEW food AS SELECT * FROM idx WHERE topic = 'food'");
    Errors.assertFailure(() -> sql.explainSql(search("TABLE food, DESCRIPTOR(embedding), q.v, 3")))
        .contains("does not support filter on parameter search_table");
    // instead: the table's 'filter.topic' option, or the call's config map
    assertThat(
            sql.explainSql(
                search("TABLE idx, DESCRIPTOR(embedding), q.v, 3, MAP['filter.topic', 'food']")))
        .contains("VectorSearch");
  }

  @Test
  void theQueryMustBeAVectorEmbedTextWithMlPredictFirst() {
    Errors.assertFailure(
            () -> sql.explainSql(search("TABLE idx, DESCRIPTOR(embedding), q.text, 3")))
        .contains("Can not cast the query column type");
    assertThat(
            sql.explainSql(
                "SELECT doc_id, score FROM ML_PREDICT(TABLE q, MODEL m, DESCRIPTOR(text)) AS e,"
                    + " LATERAL TABLE(VECTOR_SEARCH(TABLE idx, DESCRIPTOR(embedding), e.embedding,"
                    + " 3))"))
        .contains("VectorSearch");
  }

  @Test
  void topKIsALiteralNotAColumn() {
    Errors.assertFailure(() -> sql.explainSql(search("TABLE idx, DESCRIPTOR(embedding), q.v, q.k")))
        .contains("top_k is an INTEGER NOT NULL literal");
  }

  @Test
  void anAliasedVectorSearchDoesNotPlanReferToItsColumnsUnqualified() {
    Errors.assertFailure(
            () ->
                sql.explainSql(
                    "SELECT s.doc_id FROM q, LATERAL TABLE(VECTOR_SEARCH(TABLE idx,"
                        + " DESCRIPTOR(embedding), q.v, 3)) AS s"))
        .contains("Cannot generate a valid execution plan");
    assertThat(sql.explainSql(search("TABLE idx, DESCRIPTOR(embedding), q.v, 3")))
        .contains("VectorSearch");
  }

  @Test
  void mlPredictRunsOnlyInStreamingMode() {
    TableEnvironment batch = session(EnvironmentSettings.inBatchMode());
    Errors.assertFailure(
            () -> batch.explainSql("SELECT * FROM ML_PREDICT(TABLE q, MODEL m, DESCRIPTOR(text))"))
        .containsAnyOf("Cannot generate a valid execution plan", "not supported");
  }

  private static String search(String arguments) {
    return "SELECT q.text, doc_id, score FROM q, LATERAL TABLE(VECTOR_SEARCH(" + arguments + "))";
  }
}
