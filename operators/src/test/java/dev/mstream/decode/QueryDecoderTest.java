package dev.mstream.decode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mstream.records.DeadLetterRecord;
import dev.mstream.records.RawRecord;
import dev.mstream.records.SearchRequest;
import dev.mstream.records.SearchResult;
import dev.mstream.schemas.Query;
import dev.mstream.schemas.codec.Codecs;
import dev.mstream.schemas.codec.Encoding;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class QueryDecoderTest {

  private static final InputLimits LIMITS =
      new InputLimits(1000, 50, 500, 384, List.of(64, 128, 384));
  private static final Encoding JSON = Encoding.JSON;

  @Test
  void validQueriesPassAndInvalidOnesGetAnErrorResultAndADeadLetter() throws Exception {
    try (var h =
        new OneInputStreamOperatorTestHarness<>(
            new ProcessOperator<>(new QueryDecoder(JSON, LIMITS)))) {
      h.open();
      h.processElement(raw(query("ok", "hello", 5, 64, 100)), 0);
      h.processElement(raw(query("bad-k", "hello", 0, null, null)), 0);
      h.processElement(raw(query("big-k", "hello", 51, null, null)), 0);
      h.processElement(raw(query("bad-dims", "hello", 5, 65, null)), 0);
      h.processElement(raw(query("bad-cand", "hello", 5, null, 501)), 0);
      h.processElement(raw(query("empty", " ", 5, null, null)), 0);
      h.processElement(raw(query("", "hello", 5, null, null)), 0);
      h.processElement(raw("{\"query_id\": 3}".getBytes()), 0);

      List<SearchRequest> ok = h.extractOutputValues();
      assertThat(ok).hasSize(1);
      assertThat(ok.get(0).dims).isEqualTo(64);
      assertThat(ok.get(0).candidates).isEqualTo(100);
      assertThat(ok.get(0).filter).containsEntry("lang", "en");

      assertThat(h.getSideOutput(QueryDecoder.ERROR_RESULTS))
          .extracting(r -> r.getValue().queryId + ":" + r.getValue().status)
          .containsExactly(
              "bad-k:ERROR", "big-k:ERROR", "bad-dims:ERROR", "bad-cand:ERROR", "empty:ERROR");
      SearchResult err = h.getSideOutput(QueryDecoder.ERROR_RESULTS).peek().getValue();
      assertThat(err.error).contains("INVALID_K").contains("mstream.query.max-k");

      assertThat(h.getSideOutput(QueryDecoder.DEAD_LETTERS))
          .extracting(r -> ((DeadLetterRecord) r.getValue()).reason)
          .containsExactly(
              "INVALID_K",
              "INVALID_K",
              "INVALID_DIMS",
              "INVALID_CANDIDATES",
              "EMPTY_TEXT",
              "EMPTY_QUERY_ID",
              "WRONG_TYPE");
    }
  }

  @Test
  void aQueryVectorIsCheckedNormalisedAndNeedsNoText() throws Exception {
    try (var h =
        new OneInputStreamOperatorTestHarness<>(
            new ProcessOperator<>(new QueryDecoder(JSON, LIMITS)))) {
      h.open();
      StringBuilder v = new StringBuilder("[3, 4");
      for (int i = 2; i < 384; i++) {
        v.append(", 0");
      }
      v.append(']');
      h.processElement(raw(("{\"query_id\": \"v\", \"vector\": " + v + "}").getBytes()), 0);
      h.processElement(
          raw(("{\"query_id\": \"v3\", \"text\": \"t\", \"vector\": [1, 2, 3]}").getBytes()), 0);

      List<SearchRequest> ok = h.extractOutputValues();
      assertThat(ok).hasSize(1);
      assertThat(ok.get(0).text).isEmpty();
      assertThat(ok.get(0).vector).hasSize(384);
      assertThat(ok.get(0).vector[0]).isEqualTo(0.6f);
      assertThat(ok.get(0).vector[1]).isEqualTo(0.8f);
      assertThat(ok.get(0).textToEmbed()).as("not embedded again").isNull();

      SearchResult err = h.getSideOutput(QueryDecoder.ERROR_RESULTS).peek().getValue();
      assertThat(err.queryId).isEqualTo("v3");
      assertThat(err.error)
          .startsWith("VECTOR_DIMENSION: ")
          .contains("3 dimensions")
          .contains("384");
      assertThat(h.getSideOutput(QueryDecoder.DEAD_LETTERS))
          .extracting(r -> ((DeadLetterRecord) r.getValue()).reason)
          .containsExactly("VECTOR_DIMENSION");
    }
  }

  private static byte[] query(String id, String text, int k, Integer dims, Integer candidates) {
    return Codecs.of(Query.class, JSON)
        .encode(
            Query.newBuilder()
                .setQueryId(id)
                .setText(text)
                .setK(k)
                .setDims(dims)
                .setCandidates(candidates)
                .setFilter(Map.of("lang", "en"))
                .build());
  }

  private static RawRecord raw(byte[] value) {
    return new RawRecord("queries", 1, 7, 1000L, null, value);
  }
}
