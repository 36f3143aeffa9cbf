package dev.mstream.sql.documents;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mstream.jobs.MStreamOptions;
import dev.mstream.jobs.local.EmbeddedKafka;
import dev.mstream.schemas.Document;
import dev.mstream.schemas.Hit;
import dev.mstream.schemas.Query;
import dev.mstream.schemas.QueryResult;
import dev.mstream.schemas.codec.AvroSqlCodec;
import dev.mstream.schemas.codec.Encoding;
import dev.mstream.sql.ReadmeSql;
import dev.mstream.sql.RunningJob;
import dev.mstream.sql.Sql;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroSchemaConverter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's upsert-kafka tables feed a running job from Flink SQL: a changelog (inserts, an
 * update, deletes) becomes the job's upserts and tombstones, in JSON and, with {@code
 * mstream.encoding=AVRO_SQL}, in Flink's plain Avro. Nothing is dead-lettered, the update replaces
 * the old text, and deleted documents are gone.
 */
class DocumentsFromSqlITCase {

  private static final int PARALLELISM = 2;
  private static final String NAMESPACE = "from-sql";

  @RegisterExtension static final MiniClusterExtension FLINK = Sql.cluster(6);

  @TempDir static Path dir;
  private static EmbeddedKafka kafka;

  @BeforeAll
  static void startBroker() {
    kafka = EmbeddedKafka.builder().partitions(PARALLELISM).start();
  }

  @AfterAll
  static void stopBroker() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void upsertKafkaWithJsonFeedsTheJob() throws Exception {
    feedAndCheck("documents-json", Encoding.JSON, "mstream_documents_upsert");
  }

  @Test
  void upsertKafkaWithFlinksAvroFeedsTheJobWithAvroSql() throws Exception {
    feedAndCheck("documents-avro", Encoding.AVRO_SQL, "mstream_documents_avro");
  }

  /** The README's columns are exactly what AVRO_SQL reads: Flink derives the same schema. */
  @Test
  void flinksAvroSchemaOfTheReadmeTableIsTheAvroSqlRowSchema() {
    StreamTableEnvironment sql = Sql.session(1);
    ReadmeSql.statements("documents-avro").forEach(sql::executeSql);
    LogicalType row =
        sql.from("mstream_documents_avro")
            .getResolvedSchema()
            .toPhysicalRowDataType()
            .getLogicalType();
    Schema flink = AvroSchemaConverter.convertToSchema(row, false);
    Schema ours = new AvroSqlCodec<>(Document.class).rowSchema();
    assertThat(withoutNames(flink)).isEqualTo(withoutNames(ours));
  }

  private void feedAndCheck(String block, Encoding encoding, String table) throws Exception {
    try (RunningJob job =
        RunningJob.start(kafka, block, encoding, PARALLELISM, dir.resolve(block))) {
      StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
      env.setParallelism(1);
      StreamTableEnvironment sql = Sql.session(env);
      for (String statement : ReadmeSql.statements(block)) {
        sql.executeSql(
            statement
                .replace("127.0.0.1:9092", kafka.bootstrapServers())
                .replace(
                    "'mstream.documents'", "'" + job.topic(MStreamOptions.DOCUMENTS_TOPIC) + "'"));
      }
      sql.createTemporaryView("changes", changelog(sql, env));
      sql.executeSql("INSERT INTO " + table + " SELECT * FROM changes").await();

      // d1 and d2 live (d2 updated), d3 deleted by a tombstone, d4 by op = 'DELETE'
      job.awaitDocumentsConsumed(Duration.ofMinutes(3));
      Map<String, QueryResult> results =
          job.ask(
              List.of(
                  query("q1", "Plants turn sunlight, water and air into sugar."),
                  query("q2", "Glaciers carve valleys as they slowly flow downhill."),
                  query("q2-old", "Volcanoes erupt molten rock from deep underground."),
                  query("q3", "The stock market rose sharply on Tuesday.")),
              Duration.ofMinutes(1));
      assertThat(first(results.get("q1"))).isEqualTo("d1");
      assertThat(results.get("q1").getHits().get(0).getAttributes())
          .containsEntry("topic", "science");
      assertThat(first(results.get("q2"))).isEqualTo("d2");
      assertThat(ids(results.get("q3"))).containsExactlyInAnyOrder("d1", "d2");
      assertThat(results.get("q2-old").getIndexSize()).isEqualTo(2);
      assertThat(job.deadLetters()).as("nothing SQL wrote was rejected").isEmpty();
    }
  }

  /**
   * A changelog as a CDC source would give it: four documents inserted, one updated, one deleted (a
   * tombstone on the topic), one deleted by its op.
   */
  private static Table changelog(StreamTableEnvironment sql, StreamExecutionEnvironment env) {
    TypeInformation<Row> type =
        Types.ROW_NAMED(
            new String[] {"id", "namespace", "title", "text", "attributes", "op", "event_time"},
            Types.STRING,
            Types.STRING,
            Types.STRING,
            Types.STRING,
            Types.MAP(Types.STRING, Types.STRING),
            Types.STRING,
            Types.INSTANT);
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    List<Row> rows =
        List.of(
            Row.ofKind(
                RowKind.INSERT,
                "d1",
                NAMESPACE,
                "Photosynthesis",
                "Plants turn sunlight, water and air into sugar.",
                Map.of("topic", "science"),
                null,
                t),
            Row.ofKind(
                RowKind.INSERT,
                "d2",
                NAMESPACE,
                null,
                "Volcanoes erupt molten rock from deep underground.",
                Map.of(),
                "UPSERT",
                t),
            Row.ofKind(
                RowKind.INSERT,
                "d3",
                NAMESPACE,
                null,
                "The stock market rose sharply on Tuesday.",
                null,
                null,
                null),
            Row.ofKind(
                RowKind.INSERT, "d4", NAMESPACE, null, "Soon deleted by its op.", null, null, null),
            Row.ofKind(
                RowKind.UPDATE_BEFORE,
                "d2",
                NAMESPACE,
                null,
                "Volcanoes erupt molten rock from deep underground.",
                Map.of(),
                "UPSERT",
                t),
            Row.ofKind(
                RowKind.UPDATE_AFTER,
                "d2",
                NAMESPACE,
                null,
                "Glaciers carve valleys as they slowly flow downhill.",
                Map.of(),
                null,
                t.plusSeconds(60)),
            Row.ofKind(
                RowKind.DELETE,
                "d3",
                NAMESPACE,
                null,
                "The stock market rose sharply on Tuesday.",
                null,
                null,
                null),
            Row.ofKind(
                RowKind.UPDATE_BEFORE,
                "d4",
                NAMESPACE,
                null,
                "Soon deleted by its op.",
                null,
                null,
                null),
            Row.ofKind(RowKind.UPDATE_AFTER, "d4", NAMESPACE, null, null, null, "DELETE", null));
    return sql.fromChangelogStream(
        env.fromData(rows).returns(type),
        org.apache.flink.table.api.Schema.newBuilder()
            .column("id", "STRING NOT NULL")
            .column("namespace", "STRING")
            .column("title", "STRING")
            .column("text", "STRING")
            .column("attributes", "MAP<STRING, STRING>")
            .column("op", "STRING")
            .column("event_time", "TIMESTAMP_LTZ(3)")
            .primaryKey("id")
            .build());
  }

  private static Query query(String id, String text) {
    return Query.newBuilder().setQueryId(id).setNamespace(NAMESPACE).setText(text).setK(3).build();
  }

  private static String first(QueryResult r) {
    assertThat(r).as("answered").isNotNull();
    assertThat(r.getHits()).isNotEmpty();
    return r.getHits().get(0).getDocId();
  }

  private static List<String> ids(QueryResult r) {
    return r.getHits().stream().map(Hit::getDocId).toList();
  }

  private static String withoutNames(Schema s) {
    return SchemaNormalization.toParsingForm(s)
        .replace("\"org.apache.flink.avro.generated.record\"", "\"row\"")
        .replace("\"dev.mstream.schemas.Document\"", "\"row\"");
  }
}
