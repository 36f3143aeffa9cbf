package dev.mstream.schemas.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mstream.schemas.ChunkAggregation;
import dev.mstream.schemas.Hit;
import dev.mstream.schemas.Query;
import dev.mstream.schemas.QueryResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * Schemas only grow compatibly: records written by an earlier build (fixtures) are read by this
 * one, with the new fields at their defaults; and every earlier schema and the current one can read
 * each other's records by Avro's resolution rules, so consumers on an older schema keep working
 * once they are given the writer's schema (JSON consumers ignore the new fields anyway).
 */
class SchemaEvolutionTest {

  private static final List<Class<? extends SpecificRecord>> RECORDS =
      List.of(
          dev.mstream.schemas.Document.class,
          Query.class,
          QueryResult.class,
          dev.mstream.schemas.DeadLetter.class);

  /** The encodings records of an earlier schema are read in: AVRO_SQL carries no schema id. */
  private static final List<Encoding> VERSIONED = List.of(Encoding.AVRO, Encoding.JSON);

  @Test
  void queriesWrittenWithTheFirstSchemaAreReadWithChunkFieldsAndVectorAtTheirDefaults()
      throws Exception {
    for (Encoding encoding : VERSIONED) {
      Query q = Codecs.of(Query.class, encoding).decode(fixture("Query.v1", encoding));
      assertThat(q.getQueryId()).isEqualTo("q1");
      assertThat(q.getText()).isEqualTo("nested dolls 😀");
      assertThat(q.getK()).isEqualTo(5);
      assertThat(q.getDims()).isEqualTo(64);
      assertThat(q.getCandidates()).isEqualTo(200);
      assertThat(q.getFilter()).isEqualTo(Map.of("lang", "en"));
      assertThat(q.getEventTime()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
      assertThat(q.getChunkAggregation()).isNull();
      assertThat(q.getChunkTopM()).isNull();
      assertThat(q.getProbes()).isNull();
      assertThat(q.getMeasureRecall()).isFalse();
      assertThat(q.getVector()).isNull();
    }
    // the header still names the first schema: it is resolved through the history
    byte[] avro = fixture("Query.v1", Encoding.AVRO);
    long v1 =
        SchemaNormalization.parsingFingerprint64(SchemaHistory.of(Query.class, "Query").get(0));
    assertThat(AvroSingleObjectCodec.readLittleEndianLong(avro, 2)).isEqualTo(v1);
    assertThat(new AvroSingleObjectCodec<>(Query.class).fingerprint()).isNotEqualTo(v1);
  }

  /**
   * Version 2 (chunk fields, before {@code vector}): written here with Avro's own single-object
   * encoder and the history file, as a producer on that schema writes it; read without a vector.
   */
  @Test
  void queriesWrittenWithTheChunkSchemaAreReadWithoutAVector() throws Exception {
    Schema v2 = SchemaHistory.of(Query.class, "Query").get(1);
    assertThat(v2.getField("chunk_top_m")).isNotNull();
    assertThat(v2.getField("vector")).isNull();
    GenericData.Record old = new GenericData.Record(v2);
    old.put("query_id", "q2");
    old.put("namespace", "news");
    old.put("text", "nested dolls");
    old.put("k", 4);
    old.put("filter", Map.of());
    old.put(
        "chunk_aggregation",
        new GenericData.EnumSymbol(
            v2.getField("chunk_aggregation").schema().getTypes().get(1), "SUM"));
    old.put("chunk_top_m", 2);
    byte[] bytes =
        new BinaryMessageEncoder<GenericData.Record>(GenericData.get(), v2).encode(old).array();

    Query q = new AvroSingleObjectCodec<>(Query.class).decode(bytes);
    assertThat(q.getQueryId()).isEqualTo("q2");
    assertThat(q.getText()).isEqualTo("nested dolls");
    assertThat(q.getK()).isEqualTo(4);
    assertThat(q.getChunkAggregation()).isEqualTo(ChunkAggregation.SUM);
    assertThat(q.getChunkTopM()).isEqualTo(2);
    assertThat(q.getVector()).isNull();
  }

  /**
   * Versions 2 and 3 of the query (chunk fields; then the query vector) and version 2 of the result
   * (chunk fields and the latency breakdown), all before the inverted file's fields: records
   * written by a producer on those schemas, as {@link ForeignAvroWriter} writes them, read with the
   * inverted file's fields at their defaults.
   */
  @Test
  void recordsOfTheSecondSchemaAreReadWithTheInvertedFileFieldsAtTheirDefaults() throws Exception {
    Schema v2 = SchemaHistory.of(Query.class, "Query").get(1);
    org.apache.avro.generic.GenericRecord query =
        new org.apache.avro.generic.GenericData.Record(v2);
    query.put("query_id", "q2");
    query.put("namespace", "news");
    query.put("text", "nested dolls");
    query.put("k", 5);
    query.put("filter", Map.of());
    query.put("chunk_top_m", 4);
    Query q = Codecs.of(Query.class, Encoding.AVRO).decode(ForeignAvroWriter.write(query));
    assertThat(q.getQueryId()).isEqualTo("q2");
    assertThat(q.getChunkTopM()).isEqualTo(4);
    assertThat(q.getProbes()).isNull();
    assertThat(q.getMeasureRecall()).isFalse();

    // Version 3 (the query vector, before the inverted file's fields).
    Schema v3 = SchemaHistory.of(Query.class, "Query").get(2);
    assertThat(v3.getField("vector")).isNotNull();
    assertThat(v3.getField("probes")).isNull();
    GenericData.Record withVector = new GenericData.Record(v3);
    withVector.put("query_id", "q3");
    withVector.put("namespace", "news");
    withVector.put("text", "");
    withVector.put("k", 5);
    withVector.put("filter", Map.of());
    withVector.put("vector", java.util.List.of(0.6f, 0.8f));
    Query q3 = Codecs.of(Query.class, Encoding.AVRO).decode(ForeignAvroWriter.write(withVector));
    assertThat(q3.getVector()).containsExactly(0.6f, 0.8f);
    assertThat(q3.getProbes()).isNull();
    assertThat(q3.getMeasureRecall()).isFalse();

    Schema r2 = SchemaHistory.of(QueryResult.class, "QueryResult").get(1);
    org.apache.avro.generic.GenericRecord result =
        new org.apache.avro.generic.GenericRecordBuilder(r2)
            .set("query_id", "q2")
            .set(
                "status",
                new org.apache.avro.generic.GenericData.EnumSymbol(
                    r2.getField("status").schema(), "OK"))
            .set("index_size", 7L)
            .set(
                "timings",
                new org.apache.avro.generic.GenericRecordBuilder(r2.getField("timings").schema())
                    .build())
            .build();
    QueryResult r =
        Codecs.of(QueryResult.class, Encoding.AVRO).decode(ForeignAvroWriter.write(result));
    assertThat(r.getQueryId()).isEqualTo("q2");
    assertThat(r.getIndexSize()).isEqualTo(7L);
    assertThat(r.getProbesUsed()).isZero();
    assertThat(r.getCodesScanned()).isZero();
    assertThat(r.getRecall()).isNull();
    assertThat(r.getEstimatedRecall()).isNull();
  }

  @Test
  void resultsWrittenWithTheFirstSchemaAreReadWithChunkAndTimingFieldsAtTheirDefaults()
      throws Exception {
    for (Encoding encoding : VERSIONED) {
      QueryResult r =
          Codecs.of(QueryResult.class, encoding).decode(fixture("QueryResult.v1", encoding));
      assertThat(r.getIndexSize()).isEqualTo(12_345L);
      assertThat(r.getHits()).extracting(Hit::getDocId).containsExactly("d1", "d7");
      Hit first = r.getHits().get(0);
      assertThat(first.getScore()).isEqualTo(0.875f);
      assertThat(first.getAttributes()).isEqualTo(Map.of("lang", "en"));
      assertThat(first.getChunk()).isZero();
      assertThat(first.getChunkCount()).isEqualTo(1);
      assertThat(first.getChunkStart()).isNull();
      assertThat(first.getChunkEnd()).isNull();
      assertThat(first.getPassage()).isNull();
      // the latency breakdown added to Timings since: written values kept, new stages at 0
      assertThat(r.getTimings().getEmbedMs()).isEqualTo(1.25);
      assertThat(r.getTimings().getSearchMs()).isEqualTo(3.5);
      assertThat(r.getTimings().getTotalMs()).isEqualTo(12);
      assertThat(r.getTimings().getSourceMs()).isZero();
      assertThat(r.getTimings().getQueueMs()).isZero();
      assertThat(r.getTimings().getScanMs()).isZero();
      assertThat(r.getTimings().getMergeMs()).isZero();
    }
  }

  @Test
  void aQueryWithTheNewFieldsRoundTrips() throws Exception {
    Query q =
        Query.newBuilder()
            .setQueryId("q")
            .setText("t")
            .setChunkAggregation(ChunkAggregation.SUM)
            .setChunkTopM(4)
            .setVector(List.of(0.5f, -0.25f))
            .build();
    for (Encoding encoding : Encoding.values()) {
      RecordCodec<Query> codec = Codecs.of(Query.class, encoding);
      assertThat(codec.decode(codec.encode(q))).isEqualTo(q);
    }
  }

  @Test
  void everyEarlierSchemaAndTheCurrentOneReadEachOther() {
    int earlier = 0;
    for (Class<? extends SpecificRecord> type : RECORDS) {
      Schema current = SpecificData.get().getSchema(type);
      for (Schema old : SchemaHistory.of(type, current.getName())) {
        earlier++;
        assertThat(compatibility(current, old))
            .as("%s: current reads records of an earlier version", current.getName())
            .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        assertThat(compatibility(old, current))
            .as("%s: a reader on an earlier version reads current records", current.getName())
            .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
      }
    }
    assertThat(earlier).as("schema history files found").isGreaterThanOrEqualTo(3);
  }

  private static SchemaCompatibilityType compatibility(Schema reader, Schema writer) {
    return SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getType();
  }

  private static byte[] fixture(String name, Encoding encoding) throws IOException {
    String file = "/record-fixtures/" + name + (encoding == Encoding.AVRO ? ".avro.hex" : ".json");
    try (InputStream in = SchemaEvolutionTest.class.getResourceAsStream(file)) {
      if (in == null) {
        throw new IOException("missing test resource " + file);
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
      return encoding == Encoding.AVRO
          ? HexFormat.of().parseHex(text)
          : text.getBytes(StandardCharsets.UTF_8);
    }
  }
}
