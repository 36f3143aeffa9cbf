package dev.mstream.decode;

import static dev.mstream.testing.CorruptBytes.replace;
import static dev.mstream.testing.CorruptBytes.unknownAvroOp;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mstream.chunk.ChunkingSettings;
import dev.mstream.chunk.DocumentChunker;
import dev.mstream.chunk.OverChunkLimit;
import dev.mstream.embed.HuggingFaceTextTokenizer;
import dev.mstream.embed.ModelProfiles;
import dev.mstream.records.DeadLetterRecord;
import dev.mstream.records.RawRecord;
import dev.mstream.records.SearchResult;
import dev.mstream.schemas.ChunkAggregation;
import dev.mstream.schemas.Document;
import dev.mstream.schemas.Operation;
import dev.mstream.schemas.Query;
import dev.mstream.schemas.codec.CodecException;
import dev.mstream.schemas.codec.Codecs;
import dev.mstream.schemas.codec.Encoding;
import dev.mstream.schemas.codec.RecordCodec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every kind of bad input the product promises to survive (issue 4, "Bad input"), in both
 * encodings: each one is dead-lettered with its original key and bytes, source topic, partition and
 * offset, a stable reason code and a message; a bad query that names a query_id also gets an ERROR
 * result. Valid records in between still pass.
 */
class BadInputCatalogTest {

  private static final int MAX_TEXT_BYTES = 200;
  private static final InputLimits LIMITS =
      new InputLimits(MAX_TEXT_BYTES, 50, 500, 384, List.of(32, 64, 128, 384));

  /** One input and what must become of it. */
  private record Case(String name, byte[] key, byte[] value, String reason, boolean errorResult) {}

  @ParameterizedTest
  @EnumSource(Encoding.class)
  void everyBadDocumentIsDeadLetteredWithItsProvenanceAndReason(Encoding encoding)
      throws Exception {
    RecordCodec<Document> codec = Codecs.of(Document.class, encoding);
    RecordCodec<Query> queries = Codecs.of(Query.class, encoding);
    // Both Avro encodings reject malformed binary alike; they differ on "another schema".
    boolean avro = encoding != Encoding.JSON;
    byte[] valid = codec.encode(doc("d0", "a valid document"));

    List<Case> cases = new ArrayList<>();
    cases.add(
        new Case(
            "truncated",
            key("d1"),
            Arrays.copyOf(valid, valid.length / 2),
            avro ? CodecException.MALFORMED_AVRO : CodecException.MALFORMED_JSON,
            false));
    cases.add(
        new Case(
            "random bytes",
            key("d2"),
            new byte[] {0x13, 0x37, 0x00, 0x7F, 0x42},
            avro ? CodecException.MALFORMED_AVRO : CodecException.MALFORMED_JSON,
            false));
    cases.add(
        new Case(
            "random high bytes",
            key("d2b"),
            new byte[] {(byte) 0xC3, 0x01, (byte) 0xFE, (byte) 0x80},
            avro ? CodecException.MALFORMED_AVRO : CodecException.INVALID_UTF8,
            false));
    cases.add(new Case("empty value", key("d3"), new byte[0], CodecException.EMPTY_VALUE, false));
    cases.add(
        new Case(
            // Avro: another schema's fingerprint. JSON has no fingerprint: a Query has no `id`.
            "another schema",
            key("q"),
            queries.encode(Query.newBuilder().setQueryId("q").setText("t").build()),
            anotherSchema(encoding),
            false));
    cases.add(
        new Case(
            "not an object",
            key("d4"),
            "[1, 2, 3]".getBytes(UTF_8),
            avro ? CodecException.MALFORMED_AVRO : CodecException.NOT_AN_OBJECT,
            false));
    if (!avro) {
      cases.add(
          new Case(
              "missing required field",
              key("d5"),
              "{\"text\": \"no id\"}".getBytes(UTF_8),
              CodecException.MISSING_FIELD,
              false));
      cases.add(
          new Case(
              "wrong type",
              key("d5b"),
              "{\"id\": 5, \"text\": \"x\"}".getBytes(UTF_8),
              CodecException.WRONG_TYPE,
              false));
    }
    cases.add(
        new Case(
            "empty text", key("d6"), codec.encode(doc("d6", "")), Rejection.EMPTY_TEXT, false));
    cases.add(
        new Case(
            "whitespace text",
            key("d7"),
            codec.encode(doc("d7", " \t\n ")),
            Rejection.EMPTY_TEXT,
            false));
    cases.add(
        new Case(
            "text above the byte limit",
            key("d8"),
            // 101 two-byte characters: 202 bytes, but only 101 chars
            codec.encode(doc("d8", "é".repeat(MAX_TEXT_BYTES / 2 + 1))),
            Rejection.TEXT_TOO_LONG,
            false));
    cases.add(
        new Case(
            "invalid UTF-8 in the text",
            key("d9"),
            replace(codec.encode(doc("d9", "text MARK")), "MARK", new byte[] {(byte) 0xFF}),
            CodecException.INVALID_UTF8,
            false));
    cases.add(
        new Case(
            "overlong UTF-8 in an attribute",
            key("d9b"),
            replace(
                codec.encode(
                    Document.newBuilder()
                        .setId("d9b")
                        .setText("t")
                        .setAttributes(Map.of("k", "MARK"))
                        .build()),
                "MARK",
                new byte[] {(byte) 0xC0, (byte) 0xAF}),
            CodecException.INVALID_UTF8,
            false));
    cases.add(
        new Case(
            "invalid UTF-8 in the key of a tombstone",
            new byte[] {'d', (byte) 0xFF},
            null,
            CodecException.INVALID_UTF8,
            false));
    cases.add(
        new Case(
            "unknown op",
            key("d10"),
            switch (encoding) {
              case AVRO -> unknownAvroOp(codec.encode(doc("d10", "t")));
              // the row layout writes op as a string
              case AVRO_SQL ->
                  replace(codec.encode(doc("d10", "t")), "UPSERT", "MERGEX".getBytes());
              case JSON -> "{\"id\": \"d10\", \"text\": \"t\", \"op\": \"MERGE\"}".getBytes(UTF_8);
            },
            CodecException.UNKNOWN_ENUM,
            false));
    cases.add(new Case("tombstone without key", null, null, Rejection.MISSING_KEY, false));
    cases.add(new Case("empty id", key(""), codec.encode(doc("", "t")), Rejection.EMPTY_ID, false));
    cases.add(
        new Case(
            "key is not the id",
            key("other"),
            codec.encode(doc("d11", "t")),
            Rejection.KEY_MISMATCH,
            false));
    cases.add(
        new Case(
            "more chunks than allowed",
            key("d12"),
            // 50 one-token words: more than 2 chunks of 16 tokens, within the byte limit
            codec.encode(doc("d12", "a ".repeat(50).trim())),
            Rejection.TOO_MANY_CHUNKS,
            false));

    // Chunks of at most 16 tokens, at most 2 per document, dead-lettered beyond.
    DocumentChunker chunker =
        new DocumentChunker(
            new ChunkingSettings(true, 16, 2, 2, OverChunkLimit.DEAD_LETTER),
            256,
            "",
            HuggingFaceTextTokenizer.factory(ModelProfiles.defaultProfile()));
    try (var h =
        new OneInputStreamOperatorTestHarness<>(
            new ProcessOperator<>(new DocumentDecoder(encoding, LIMITS, chunker)))) {
      h.open();
      List<RawRecord> sent = new ArrayList<>();
      int offset = 100;
      for (Case c : cases) {
        RawRecord r = new RawRecord("docs", 3, offset++, 1000L, c.key(), c.value());
        sent.add(r);
        h.processElement(r, 0);
        // A valid record after each bad one still passes.
        h.processElement(new RawRecord("docs", 3, offset++, 1000L, key("d0"), valid), 0);
      }
      assertThat(h.extractOutputValues()).hasSize(cases.size());
      assertDeadLetters(
          cases, sent, new ArrayList<>(h.getSideOutput(DocumentDecoder.DEAD_LETTERS)));
    }
  }

  @ParameterizedTest
  @EnumSource(Encoding.class)
  void everyBadQueryIsDeadLetteredAndAnsweredWithAnErrorWhenItHasAnId(Encoding encoding)
      throws Exception {
    RecordCodec<Query> codec = Codecs.of(Query.class, encoding);
    RecordCodec<Document> docs = Codecs.of(Document.class, encoding);
    // Both Avro encodings reject malformed binary alike; they differ on "another schema".
    boolean avro = encoding != Encoding.JSON;
    byte[] valid = codec.encode(query("ok", "text", 10, null, null));

    List<Case> cases = new ArrayList<>();
    cases.add(
        new Case(
            "k = 0",
            key("k0"),
            codec.encode(query("k0", "t", 0, null, null)),
            Rejection.INVALID_K,
            true));
    cases.add(
        new Case(
            "k < 0",
            key("kn"),
            codec.encode(query("kn", "t", -3, null, null)),
            Rejection.INVALID_K,
            true));
    cases.add(
        new Case(
            "k above max-k",
            key("kb"),
            codec.encode(query("kb", "t", 51, null, null)),
            Rejection.INVALID_K,
            true));
    cases.add(
        new Case(
            "dims not servable",
            key("dm"),
            codec.encode(query("dm", "t", 5, 100, null)),
            Rejection.INVALID_DIMS,
            true));
    cases.add(
        new Case(
            "dims 0",
            key("d0"),
            codec.encode(query("d0", "t", 5, 0, null)),
            Rejection.INVALID_DIMS,
            true));
    cases.add(
        new Case(
            "candidates above max",
            key("cb"),
            codec.encode(query("cb", "t", 5, null, 501)),
            Rejection.INVALID_CANDIDATES,
            true));
    cases.add(
        new Case(
            "candidates 0",
            key("c0"),
            codec.encode(query("c0", "t", 5, null, 0)),
            Rejection.INVALID_CANDIDATES,
            true));
    cases.add(
        new Case(
            "chunk_top_m 0",
            key("m0"),
            codec.encode(
                Query.newBuilder(query("m0", "t", 5, null, null))
                    .setChunkAggregation(ChunkAggregation.SUM)
                    .setChunkTopM(0)
                    .build()),
            Rejection.INVALID_CHUNK_TOP_M,
            true));
    cases.add(
        new Case(
            "empty query_id",
            null,
            codec.encode(query("", "t", 5, null, null)),
            Rejection.EMPTY_QUERY_ID,
            false));
    cases.add(
        new Case(
            "blank query_id",
            null,
            codec.encode(query("  ", "t", 5, null, null)),
            Rejection.EMPTY_QUERY_ID,
            false));
    cases.add(
        new Case(
            "whitespace text",
            key("ws"),
            codec.encode(query("ws", "  ", 5, null, null)),
            Rejection.EMPTY_TEXT,
            true));
    cases.add(
        new Case(
            "text above the byte limit",
            key("tl"),
            codec.encode(query("tl", "x".repeat(MAX_TEXT_BYTES + 1), 5, null, null)),
            Rejection.TEXT_TOO_LONG,
            true));
    // Undecodable: nobody to answer to, a dead letter only.
    cases.add(
        new Case(
            "invalid UTF-8 in the text",
            key("u8"),
            replace(
                codec.encode(query("u8", "MARK", 5, null, null)),
                "MARK",
                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}),
            CodecException.INVALID_UTF8,
            false));
    cases.add(new Case("tombstone", key("tb"), null, CodecException.EMPTY_VALUE, false));
    cases.add(
        new Case(
            "truncated",
            key("tr"),
            Arrays.copyOf(valid, valid.length - 3),
            avro ? CodecException.MALFORMED_AVRO : CodecException.MALFORMED_JSON,
            false));
    cases.add(
        new Case(
            "another schema",
            key("as"),
            docs.encode(doc("d1", "t")),
            anotherSchema(encoding),
            false));
    if (!avro) {
      cases.add(
          new Case(
              "not an object",
              key("na"),
              "\"text\"".getBytes(UTF_8),
              CodecException.NOT_AN_OBJECT,
              false));
      cases.add(
          new Case(
              "neither text nor vector",
              key("mt"),
              "{\"query_id\": \"mt\"}".getBytes(UTF_8),
              Rejection.EMPTY_TEXT,
              true));
    }
    cases.add(
        new Case(
            "vector of another dimension",
            key("vd"),
            codec.encode(vectorQuery("vd", new float[] {1, 2, 3})),
            Rejection.VECTOR_DIMENSION,
            true));
    float[] nan = new float[LIMITS.dimension()];
    nan[7] = Float.NaN;
    cases.add(
        new Case(
            "vector with NaN",
            key("vn"),
            codec.encode(vectorQuery("vn", nan)),
            Rejection.INVALID_VECTOR,
            true));
    cases.add(
        new Case(
            "vector of zeros",
            key("vz"),
            codec.encode(vectorQuery("vz", new float[LIMITS.dimension()])),
            Rejection.INVALID_VECTOR,
            true));

    try (var h =
        new OneInputStreamOperatorTestHarness<>(
            new ProcessOperator<>(new QueryDecoder(encoding, LIMITS)))) {
      h.open();
      List<RawRecord> sent = new ArrayList<>();
      int offset = 7;
      for (Case c : cases) {
        RawRecord r = new RawRecord("queries", 1, offset++, 1000L, c.key(), c.value());
        sent.add(r);
        h.processElement(r, 0);
        h.processElement(new RawRecord("queries", 1, offset++, 1000L, null, valid), 0);
      }
      assertThat(h.extractOutputValues()).hasSize(cases.size());
      assertDeadLetters(cases, sent, new ArrayList<>(h.getSideOutput(QueryDecoder.DEAD_LETTERS)));

      Map<String, SearchResult> errors = new LinkedHashMap<>();
      for (StreamRecord<SearchResult> r : h.getSideOutput(QueryDecoder.ERROR_RESULTS)) {
        assertThat(errors.put(r.getValue().queryId, r.getValue()))
            .as("one ERROR per query")
            .isNull();
      }
      List<String> expectErrors = new ArrayList<>();
      for (Case c : cases) {
        if (c.errorResult()) {
          expectErrors.add(new String(c.key(), UTF_8));
        }
      }
      assertThat(errors.keySet()).containsExactlyElementsOf(expectErrors);
      for (Case c : cases) {
        if (c.errorResult()) {
          SearchResult e = errors.get(new String(c.key(), UTF_8));
          assertThat(e.status).isEqualTo(SearchResult.Status.ERROR);
          assertThat(e.error).as(c.name()).startsWith(c.reason() + ": ");
          assertThat(e.hits).isEmpty();
        }
      }
    }
  }

  /** A record of another type: Avro says so by its fingerprint, the other two by its fields. */
  private static String anotherSchema(Encoding encoding) {
    return switch (encoding) {
      case AVRO -> CodecException.UNKNOWN_SCHEMA;
      // no fingerprint: the row layout of the other type does not parse as this one
      case AVRO_SQL -> CodecException.MALFORMED_AVRO;
      case JSON -> CodecException.MISSING_FIELD;
    };
  }

  private static Query vectorQuery(String id, float[] vector) {
    List<Float> values = new ArrayList<>();
    for (float x : vector) {
      values.add(x);
    }
    return Query.newBuilder().setQueryId(id).setVector(values).build();
  }

  private static void assertDeadLetters(
      List<Case> cases, List<RawRecord> sent, List<StreamRecord<DeadLetterRecord>> dead) {
    assertThat(dead).hasSize(cases.size());
    for (int i = 0; i < cases.size(); i++) {
      Case c = cases.get(i);
      RawRecord in = sent.get(i);
      DeadLetterRecord d = dead.get(i).getValue();
      assertThat(d.reason).as(c.name()).isEqualTo(c.reason());
      assertThat(d.message).as(c.name()).isNotBlank();
      assertThat(d.source.topic).isEqualTo(in.topic);
      assertThat(d.source.partition).isEqualTo(in.partition);
      assertThat(d.source.offset).as(c.name()).isEqualTo(in.offset);
      assertThat(d.source.key).as(c.name() + ": original key").isEqualTo(c.key());
      assertThat(d.source.value).as(c.name() + ": original bytes").isEqualTo(c.value());
      assertThat(d.timestamp).isPositive();
    }
  }

  private static Document doc(String id, String text) {
    return Document.newBuilder()
        .setId(id)
        .setNamespace("ns")
        .setText(text)
        .setOp(Operation.UPSERT)
        .setAttributes(Map.of("lang", "en"))
        .build();
  }

  private static Query query(String id, String text, int k, Integer dims, Integer candidates) {
    return Query.newBuilder()
        .setQueryId(id)
        .setText(text)
        .setK(k)
        .setDims(dims)
        .setCandidates(candidates)
        .build();
  }

  private static byte[] key(String id) {
    return id.getBytes(UTF_8);
  }
}
