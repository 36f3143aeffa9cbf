package dev.mstream.schemas.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mstream.schemas.Query;
import dev.mstream.schemas.QueryResult;
import dev.mstream.schemas.ResultStatus;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Records written before fields were added (by producers still on the earlier .avsc) decode: the
 * bytes below were written by the build of 2026-12-01, before Query got {@code probes} and {@code
 * measure_recall} and QueryResult {@code probes_used} and the recall fields. Keep them as they are.
 */
class PreviousSchemaTest {

  /** Query q-old: news, "nested dolls", k 5, dims 64, candidates 50, lang=en, event time T0. */
  static final String QUERY_V1 =
      "c3017c9297115eb2cf230a712d6f6c64086e657773186e657374656420646f6c6c730a028001026402086c616e67"
          + "04656e000280a0abfef962";

  /** QueryResult q-old: OK, one hit d1 0.5, dims 64, 100 scanned, 1000 docs, 2/2 subtasks. */
  static final String QUERY_RESULT_V1 =
      "c301cc14ba9ae6a851750a712d6f6c640000020464310000003f00008001c801d00f0404000000000000f83f00000"
          + "000000004400e";

  @Test
  void aQueryOfTheFirstSchemaDecodesWithTheNewFieldsAtTheirDefaults() throws CodecException {
    Query q = new AvroSingleObjectCodec<>(Query.class).decode(HexFormat.of().parseHex(QUERY_V1));
    assertThat(q.getQueryId()).isEqualTo("q-old");
    assertThat(q.getNamespace()).isEqualTo("news");
    assertThat(q.getText()).isEqualTo("nested dolls");
    assertThat(q.getK()).isEqualTo(5);
    assertThat(q.getDims()).isEqualTo(64);
    assertThat(q.getCandidates()).isEqualTo(50);
    assertThat(q.getFilter()).isEqualTo(Map.of("lang", "en"));
    assertThat(q.getEventTime()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
    assertThat(q.getProbes()).isNull();
    assertThat(q.getMeasureRecall()).isFalse();
  }

  @Test
  void aResultOfTheFirstSchemaDecodes() throws CodecException {
    QueryResult r =
        new AvroSingleObjectCodec<>(QueryResult.class)
            .decode(HexFormat.of().parseHex(QUERY_RESULT_V1));
    assertThat(r.getQueryId()).isEqualTo("q-old");
    assertThat(r.getStatus()).isEqualTo(ResultStatus.OK);
    assertThat(r.getHits()).hasSize(1);
    assertThat(r.getDimsUsed()).isEqualTo(64);
    assertThat(r.getTimings().getTotalMs()).isEqualTo(7);
    assertThat(r.getProbesUsed()).isZero();
    assertThat(r.getRecall()).isNull();
  }

  @Test
  void currentRecordsCarryTheNewFields() throws CodecException {
    AvroSingleObjectCodec<Query> codec = new AvroSingleObjectCodec<>(Query.class);
    Query q =
        Query.newBuilder()
            .setQueryId("q")
            .setText("t")
            .setProbes(12)
            .setMeasureRecall(true)
            .build();
    Query back = codec.decode(codec.encode(q));
    assertThat(back.getProbes()).isEqualTo(12);
    assertThat(back.getMeasureRecall()).isTrue();
  }
}
