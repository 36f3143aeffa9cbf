package dev.mstream.sql.predict;

import dev.mstream.sql.Errors;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.assertj.core.api.AbstractStringAssert;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * CREATE MODEL problems fail when a statement using the model is planned (nothing runs), with a
 * message naming the model and the option or column at fault.
 */
class MStreamModelProviderFactoryTest {

  private TableEnvironment sql;

  @BeforeEach
  void setUp() {
    sql = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
    sql.executeSql("CREATE TEMPORARY VIEW texts AS SELECT * FROM (VALUES ('a'), ('b')) AS t(text)");
    sql.executeSql("CREATE TEMPORARY VIEW numbers AS SELECT * FROM (VALUES (1), (2)) AS t(text)");
  }

  @Test
  void aMissingModelOptionIsNamed() {
    model("m", "INPUT (text STRING) OUTPUT (embedding ARRAY<FLOAT>)", "");
    assertPlanning("m")
        .contains("model default_catalog.default_database.m")
        .contains("Missing required options")
        .contains("model");
  }

  @Test
  void anUnknownModelIsNamedWithTheKnownOnes() {
    model("m", "INPUT (text STRING) OUTPUT (embedding ARRAY<FLOAT>)", ", 'model' = 'gpt-9'");
    assertPlanning("m")
        .contains("option 'model' = 'gpt-9'")
        .contains("unknown model profile 'gpt-9'")
        .contains("all-minilm-l6-v2-q");
  }

  @Test
  void aMissingProfileFileIsNamed() {
    model(
        "m",
        "INPUT (text STRING) OUTPUT (embedding ARRAY<FLOAT>)",
        ", 'model' = '/nonexistent/profile.yaml'");
    assertPlanning("m").contains("/nonexistent/profile.yaml");
  }

  @Test
  void anUnknownOptionIsNamed() {
    model(
        "m",
        "INPUT (text STRING) OUTPUT (embedding ARRAY<FLOAT>)",
        ", 'model' = 'all-minilm-l6-v2-q', 'batchsize' = '8'");
    assertPlanning("m").contains("Unsupported options").contains("batchsize");
  }

  @Test
  void badValuesAreNamed() {
    model(
        "d",
        "INPUT (text STRING) OUTPUT (embedding ARRAY<FLOAT>)",
        ", 'model' = 'all-minilm-l6-v2-q', 'device' = 'tpu'");
    assertPlanning("d").contains("option 'device' = 'tpu'").contains("cuda:N");
    model(
        "b",
        "INPUT (text STRING) OUTPUT (embedding ARRAY<FLOAT>)",
        ", 'model' = 'all-minilm-l6-v2-q', 'batch-size' = '0'");
    assertPlanning("b").contains("option 'batch-size' = '0'");
    model(
        "r",
        "INPUT (text STRING) OUTPUT (embedding ARRAY<FLOAT>)",
        ", 'model' = 'all-minilm-l6-v2-q', 'role' = 'passage'");
    assertPlanning("r").contains("role");
  }

  @Test
  void wrongColumnsAreNamed() {
    model(
        "i",
        "INPUT (text INT) OUTPUT (embedding ARRAY<FLOAT>)",
        ", 'model' = 'all-minilm-l6-v2-q'");
    assertPlanning("i", "numbers").contains("INPUT column `text` is INT");
    model(
        "o",
        "INPUT (text STRING) OUTPUT (embedding ARRAY<INT>)",
        ", 'model' = 'all-minilm-l6-v2-q'");
    assertPlanning("o")
        .contains("OUTPUT column `embedding` is ARRAY<INT>")
        .contains("ARRAY<FLOAT>");
    model(
        "two",
        "INPUT (text STRING) OUTPUT (embedding ARRAY<FLOAT>, norm FLOAT)",
        ", 'model' = 'all-minilm-l6-v2-q'");
    assertPlanning("two").contains("OUTPUT must be exactly one physical column");
  }

  private void model(String name, String columns, String options) {
    sql.executeSql(
        "CREATE TEMPORARY MODEL "
            + name
            + " "
            + columns
            + " WITH ('provider' = 'mstream'"
            + options
            + ")");
  }

  private AbstractStringAssert<?> assertPlanning(String model) {
    return assertPlanning(model, "texts");
  }

  private AbstractStringAssert<?> assertPlanning(String model, String table) {
    return Errors.assertFailure(
        () ->
            sql.explainSql(
                "SELECT * FROM ML_PREDICT(TABLE "
                    + table
                    + ", MODEL "
                    + model
                    + ", DESCRIPTOR(text))"));
  }
}
