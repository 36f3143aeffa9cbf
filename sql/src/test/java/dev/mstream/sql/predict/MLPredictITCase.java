package dev.mstream.sql.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mstream.embed.TextRole;
import dev.mstream.jobs.MStreamOptions;
import dev.mstream.jobs.eval.BeirDataset;
import dev.mstream.schemas.Document;
import dev.mstream.sql.JobEmbeddings;
import dev.mstream.sql.Sql;
import dev.mstream.sql.TestTexts;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * ML_PREDICT with the 'mstream' provider embeds exactly as the job does: for every text, the vector
 * from SQL and the vector from the job's own embed stage (same profile, same options) have cosine
 * similarity above 0.9999.
 */
class MLPredictITCase {

  private static final int PARALLELISM = 2;

  @RegisterExtension static final MiniClusterExtension FLINK = Sql.cluster(4);

  @Test
  void demoCorpusDocumentsAndQueriesGetTheJobsVectors() throws Exception {
    Map<String, String> docs = new LinkedHashMap<>();
    for (Document d : TestTexts.demoCorpus()) {
      docs.put(d.getId(), TestTexts.embeddedText(d));
    }
    assertSameVectors("all-minilm-l6-v2-q", TextRole.DOCUMENT, docs);
    assertSameVectors("all-minilm-l6-v2-q", TextRole.QUERY, TestTexts.demoQueries());
  }

  /**
   * The fp32 model batches for real (it is not batch-dependent): the job sorts 256 documents by
   * length into runs of 32, ML_PREDICT embeds the batches its async operator lets in flight. The
   * vectors must not depend on that.
   */
  @Test
  void sciFactTextsGetTheJobsVectorsWhateverTheBatches() throws Exception {
    Optional<BeirDataset> scifact = TestTexts.sciFact(20, 40);
    assumeTrue(scifact.isPresent(), TestTexts.noSciFact());
    Map<String, String> docs = new LinkedHashMap<>();
    for (Document d : scifact.get().corpus()) {
      docs.put(d.getId(), TestTexts.embeddedText(d));
    }
    assertThat(docs).hasSizeGreaterThan(50);
    assertSameVectors("all-minilm-l6-v2", TextRole.DOCUMENT, docs);
    assertSameVectors("all-minilm-l6-v2", TextRole.QUERY, scifact.get().queries());
  }

  private static void assertSameVectors(String model, TextRole role, Map<String, String> texts)
      throws Exception {
    Configuration job = new Configuration();
    job.set(MStreamOptions.MODEL, model);
    Map<String, float[]> expected = JobEmbeddings.of(texts, role, job, PARALLELISM);

    StreamTableEnvironment sql = Sql.session(PARALLELISM);
    Sql.texts(sql, "texts", texts);
    sql.executeSql(
        "CREATE TEMPORARY MODEL embedder INPUT (text STRING) OUTPUT (embedding ARRAY<FLOAT>) WITH"
            + " ('provider' = 'mstream', 'model' = '"
            + model
            + "', 'role' = '"
            + role.name().toLowerCase()
            + "')");
    List<Row> rows =
        Sql.collect(
            sql,
            "SELECT id, embedding FROM ML_PREDICT(TABLE texts, MODEL embedder, DESCRIPTOR(text))");

    Map<String, float[]> got = new HashMap<>();
    rows.forEach(r -> got.put((String) r.getField("id"), Sql.floats(r.getField("embedding"))));
    assertThat(got.keySet())
        .as("%s %s: one row per text", model, role)
        .isEqualTo(expected.keySet());
    for (Map.Entry<String, float[]> e : expected.entrySet()) {
      float[] v = got.get(e.getKey());
      assertThat(v).as("dimension").hasSize(e.getValue().length);
      assertThat(JobEmbeddings.cosine(v, e.getValue()))
          .as("%s %s: cosine of text %s to the job's vector", model, role, e.getKey())
          .isGreaterThan(0.9999);
    }
  }
}
