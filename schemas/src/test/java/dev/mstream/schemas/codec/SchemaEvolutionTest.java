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

  @Test
  void queriesWrittenWithTheFirstSchemaAreReadWithChunkFieldsAtTheirDefaults() throws Exception {
    for (Encoding encoding : Encoding.values()) {
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
    }
  }

  @Test
  void resultsWrittenWithTheFirstSchemaAreReadWithChunkAndTimingFieldsAtTheirDefaults()
      throws Exception {
    for (Encoding encoding : Encoding.values()) {
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
    assertThat(earlier).as("schema history files found").isGreaterThanOrEqualTo(2);
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
