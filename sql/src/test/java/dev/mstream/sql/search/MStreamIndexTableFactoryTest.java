package dev.mstream.sql.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mstream.sql.Errors;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.assertj.core.api.AbstractStringAssert;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Index table problems fail when a VECTOR_SEARCH over the table is planned (nothing connects to
 * Kafka), naming the table and the option, column or config key.
 */
class MStreamIndexTableFactoryTest {

  private static final String COLUMNS = "(doc_id STRING, topic STRING, embedding ARRAY<FLOAT>)";

  private TableEnvironment sql;

  @BeforeEach
  void setUp() {
    sql = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
    sql.executeSql(
        "CREATE TEMPORARY VIEW q AS SELECT * FROM (VALUES (ARRAY[CAST(1 AS FLOAT)])) AS t(v)");
  }

  @Test
  void aWellFormedTablePlans() {
    table("idx", COLUMNS, ", 'bootstrap-servers' = 'broker:9092', 'filter.topic' = 'food'");
    assertThat(sql.explainSql(search("idx", ""))).contains("VectorSearch");
  }

  @Test
  void aMissingOptionIsNamed() {
    table("idx", COLUMNS, "");
    assertPlanning("idx", "")
        .contains("table default_catalog.default_database.idx")
        .contains("Missing required options")
        .contains("bootstrap-servers");
  }

  @Test
  void unknownOptionsAndBadValuesAreNamed() {
    table("a", COLUMNS, ", 'bootstrap-servers' = 'b:1', 'namespce' = 'x'");
    assertPlanning("a", "").contains("Unsupported options").contains("namespce");
    table("b", COLUMNS, ", 'bootstrap-servers' = 'b:1', 'dims' = '0'");
    assertPlanning("b", "").contains("option 'dims' = 0 must be positive");
    table("c", COLUMNS, ", 'bootstrap-servers' = 'b:1', 'query-timeout' = '5 min'");
    assertPlanning("c", "")
        .contains("'query-timeout' = PT5M is not below table.exec.async-vector-search.timeout");
    table("d", COLUMNS, ", 'bootstrap-servers' = 'b:1', 'encoding' = 'XML'");
    assertPlanning("d", "").contains("encoding");
  }

  @Test
  void columnsThatAreNoPartOfAHitAreNamed() {
    table("a", "(doc_id INT, embedding ARRAY<FLOAT>)", ", 'bootstrap-servers' = 'b:1'");
    assertPlanning("a", "").contains("column `doc_id` is INT, expected STRING");
    table(
        "b", "(doc_id STRING, hits INT, embedding ARRAY<FLOAT>)", ", 'bootstrap-servers' = 'b:1'");
    assertPlanning("b", "").contains("column `hits` is INT");
    table(
        "c",
        "(doc_id STRING, embedding ARRAY<FLOAT>, other ARRAY<FLOAT>)",
        ", 'bootstrap-servers' = 'b:1'");
    assertPlanning("c", "").contains("two vector columns, `embedding` and `other`");
  }

  @Test
  void unknownConfigKeysOfTheCallAreNamed() {
    table("idx", COLUMNS, ", 'bootstrap-servers' = 'b:1'");
    assertPlanning("idx", ", MAP['namepsace', 'x']")
        .contains("unknown VECTOR_SEARCH config key 'namepsace'")
        .contains("namespace");
    assertPlanning("idx", ", MAP['timeout', '10 s']")
        .contains("VECTOR_SEARCH's 'timeout' = PT10S is not above the table's 'query-timeout'");
    assertThat(sql.explainSql(search("idx", ", MAP['namespace', 'x', 'filter.lang', 'en']")))
        .contains("VectorSearch");
  }

  private void table(String name, String columns, String options) {
    sql.executeSql(
        "CREATE TEMPORARY TABLE "
            + name
            + " "
            + columns
            + " WITH ('connector' = 'mstream'"
            + options
            + ")");
  }

  private static String search(String table, String config) {
    return "SELECT q.v, doc_id, score FROM q, LATERAL TABLE(VECTOR_SEARCH(TABLE "
        + table
        + ", DESCRIPTOR(embedding), q.v, 3"
        + config
        + "))";
  }

  private AbstractStringAssert<?> assertPlanning(String table, String config) {
    return Errors.assertFailure(() -> sql.explainSql(search(table, config)));
  }
}
