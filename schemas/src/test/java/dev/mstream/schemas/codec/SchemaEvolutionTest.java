package dev.mstream.schemas.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mstream.schemas.DeadLetter;
import dev.mstream.schemas.Document;
import dev.mstream.schemas.Query;
import dev.mstream.schemas.QueryResult;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;

/**
 * Records written before a schema changed still decode. The fixtures under {@code fixtures/} were
 * written by the job's own codecs with the schema as it was ({@code Query.v1}: before {@code
 * vector}); they are never regenerated.
 */
class SchemaEvolutionTest {

  private static final Query V1_RECORD_NOW =
      Query.newBuilder()
          .setQueryId("q-v1")
          .setNamespace("news")
          .setText("nested dolls")
          .setK(7)
          .setDims(64)
          .setCandidates(150)
          .setFilter(Map.of("lang", "en"))
          .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L))
          .setVector(null)
          .build();

  @Test
  void anAvroQueryOfTheFirstSchemaDecodesWithoutAVector() throws Exception {
    byte[] bytes = fixture("query-v1.avro");
    // The header still carries the old fingerprint: the reader resolves it through the history.
    long v1 = SchemaNormalization.parsingFingerprint64(history(Query.getClassSchema()).get(0));
    assertThat(AvroSingleObjectCodec.readLittleEndianLong(bytes, 2)).isEqualTo(v1);
    assertThat(new AvroSingleObjectCodec<>(Query.class).fingerprint()).isNotEqualTo(v1);

    assertThat(new AvroSingleObjectCodec<>(Query.class).decode(bytes)).isEqualTo(V1_RECORD_NOW);
  }

  @Test
  void aJsonQueryOfTheFirstSchemaDecodesWithoutAVector() throws Exception {
    assertThat(new JsonCodec<>(Query.class).decode(fixture("query-v1.json")))
        .isEqualTo(V1_RECORD_NOW);
  }

  @Test
  void everyEarlierVersionCanBeReadByTheCurrentSchema() {
    for (Schema current :
        List.of(
            Document.getClassSchema(),
            Query.getClassSchema(),
            QueryResult.getClassSchema(),
            DeadLetter.getClassSchema())) {
      for (Schema old : history(current)) {
        assertThat(
                SchemaCompatibility.checkReaderWriterCompatibility(current, old)
                    .getResult()
                    .getCompatibility())
            .as("%s can read its earlier version %s", current.getName(), old)
            .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
      }
    }
    assertThat(history(Query.getClassSchema())).hasSize(1);
  }

  @Test
  void anUnknownFingerprintNamesTheCurrentOneAndTheEarlierVersions() {
    AvroSingleObjectCodec<Query> codec = new AvroSingleObjectCodec<>(Query.class);
    byte[] bytes = codec.encode(Fixtures.minimalQuery());
    bytes[2] ^= 0x55;
    AvroSingleObjectCodecTest.assertReason(() -> codec.decode(bytes), CodecException.UNKNOWN_SCHEMA)
        .hasMessageContaining(Hex.fingerprint(codec.fingerprint()))
        .hasMessageContaining("1 earlier version");
  }

  private static List<Schema> history(Schema current) {
    return SchemaHistory.of(current, SchemaEvolutionTest.class.getClassLoader());
  }

  private static byte[] fixture(String name) throws IOException {
    try (InputStream in = SchemaEvolutionTest.class.getResourceAsStream("/fixtures/" + name)) {
      assertThat(in).as("fixture %s", name).isNotNull();
      return in.readAllBytes();
    }
  }
}
