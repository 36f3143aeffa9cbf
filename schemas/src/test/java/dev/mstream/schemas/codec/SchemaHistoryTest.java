package dev.mstream.schemas.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mstream.schemas.QueryResult;
import dev.mstream.schemas.ResultStatus;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;

/**
 * Records written before a schema changed still decode. The fixtures ({@code
 * fixtures/query-result-1.*}) were written by the build before {@code Timings} gained its latency
 * breakdown (version 1 of {@code QueryResult}); they are kept, never regenerated.
 */
class SchemaHistoryTest {

  @Test
  void anAvroResultOfTheFirstSchemaDecodesWithDefaultsForTheNewFields() throws Exception {
    QueryResult r =
        Codecs.of(QueryResult.class, Encoding.AVRO).decode(fixture("query-result-1.avro"));
    assertFirstFixture(r);
  }

  @Test
  void aJsonResultOfTheFirstSchemaDecodesWithDefaultsForTheNewFields() throws Exception {
    QueryResult r =
        Codecs.of(QueryResult.class, Encoding.JSON).decode(fixture("query-result-1.json"));
    assertFirstFixture(r);
  }

  private static void assertFirstFixture(QueryResult r) {
    assertThat(r.getQueryId()).isEqualTo("q-old-1");
    assertThat(r.getStatus()).isEqualTo(ResultStatus.OK);
    assertThat(r.getHits()).hasSize(2);
    assertThat(r.getHits().get(0).getDocId()).isEqualTo("d1");
    assertThat(r.getHits().get(0).getScore()).isEqualTo(0.875f);
    assertThat(r.getHits().get(0).getAttributes()).isEqualTo(Map.of("lang", "en"));
    assertThat(r.getIndexSize()).isEqualTo(2440);
    assertThat(r.getTimings().getEmbedMs()).isEqualTo(3.25);
    assertThat(r.getTimings().getSearchMs()).isEqualTo(0.5);
    assertThat(r.getTimings().getTotalMs()).isEqualTo(197);
    assertThat(r.getTimings().getQueueMs()).isZero();
    assertThat(r.getTimings().getScanMs()).isZero();
    assertThat(r.getTimings().getMergeMs()).isZero();
  }

  @Test
  void everyEarlierVersionIsReadableByTheCurrentSchemaAndHasItsOwnFingerprint() {
    Schema current = QueryResult.getClassSchema();
    List<Schema> earlier = SchemaHistory.of(current, QueryResult.class.getClassLoader());
    assertThat(earlier).as("QueryResult versions kept").isNotEmpty();
    long fingerprint = SchemaNormalization.parsingFingerprint64(current);
    for (Schema old : earlier) {
      assertThat(SchemaNormalization.parsingFingerprint64(old)).isNotEqualTo(fingerprint);
      assertThat(
              SchemaCompatibility.checkReaderWriterCompatibility(current, old)
                  .getResult()
                  .getCompatibility())
          .as("current schema reads records written with %s", old)
          .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
    }
  }

  @Test
  void aRecordOfAnUnknownSchemaIsStillRejected() throws Exception {
    byte[] bytes = fixture("query-result-1.avro");
    bytes[5] ^= 0x55; // another fingerprint
    assertThatThrownBy(() -> Codecs.of(QueryResult.class, Encoding.AVRO).decode(bytes))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("unknown schema fingerprint");
  }

  private static byte[] fixture(String name) throws IOException {
    try (InputStream in = SchemaHistoryTest.class.getResourceAsStream("/fixtures/" + name)) {
      assertThat(in).as("fixture %s", name).isNotNull();
      return in.readAllBytes();
    }
  }
}
