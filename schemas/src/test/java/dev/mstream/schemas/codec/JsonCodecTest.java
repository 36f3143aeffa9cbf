package dev.mstream.schemas.codec;

import static dev.mstream.schemas.codec.AvroSingleObjectCodecTest.assertReason;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mstream.schemas.DeadLetter;
import dev.mstream.schemas.Document;
import dev.mstream.schemas.Hit;
import dev.mstream.schemas.Operation;
import dev.mstream.schemas.Query;
import dev.mstream.schemas.QueryResult;
import dev.mstream.schemas.ResultStatus;
import dev.mstream.schemas.Timings;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonCodecTest {

  private final JsonCodec<Document> documents = new JsonCodec<>(Document.class);
  private final JsonCodec<Query> queries = new JsonCodec<>(Query.class);

  private static byte[] json(String text) {
    return text.replace('\'', '"').getBytes(UTF_8);
  }

  @Test
  void decodesHandWrittenJson() throws CodecException {
    String text =
        "{'id':'d1','namespace':'news','title':null,'text':'Nested dolls.',"
            + "'attributes':{'lang':'en'},'op':'UPSERT','event_time':1700000000000}";

    assertThat(documents.decode(json(text)))
        .isEqualTo(
            Document.newBuilder()
                .setId("d1")
                .setNamespace("news")
                .setText("Nested dolls.")
                .setAttributes(Map.of("lang", "en"))
                .setEventTime(Fixtures.T0)
                .build());
  }

  @Test
  void writesPlainValuesWithoutUnionWrappers() throws Exception {
    JsonNode written = new ObjectMapper().readTree(documents.encode(Fixtures.fullDocument()));

    assertThat(written.get("id").textValue()).isEqualTo("d1");
    assertThat(written.get("title").textValue()).isEqualTo("Matryoshka");
    assertThat(written.get("op").textValue()).isEqualTo("UPSERT");
    assertThat(written.get("event_time").isIntegralNumber()).isTrue();
    assertThat(written.get("event_time").longValue()).isEqualTo(1_700_000_000_000L);
    assertThat(written.get("attributes").get("lang").textValue()).isEqualTo("en");

    JsonNode minimal = new ObjectMapper().readTree(documents.encode(Fixtures.minimalDocument()));
    assertThat(minimal.get("title").isNull()).isTrue();
    assertThat(minimal.get("event_time").isNull()).isTrue();
  }

  @Test
  void absentFieldsTakeTheSchemaDefaults() throws CodecException {
    Document decoded = documents.decode(json("{'id':'d2','text':'just text'}"));

    assertThat(decoded).isEqualTo(Fixtures.minimalDocument());
    assertThat(decoded.getNamespace()).isEqualTo("default");
    assertThat(decoded.getOp()).isEqualTo(Operation.UPSERT);
    assertThat(decoded.getAttributes()).isEmpty();
    assertThat(decoded.getEventTime()).isNull();
  }

  @Test
  void defaultsAreFreshCopies() throws CodecException {
    Document first = documents.decode(json("{'id':'a'}"));
    first.getAttributes().put("mutated", "yes");

    assertThat(documents.decode(json("{'id':'b'}")).getAttributes()).isEmpty();
  }

  @Test
  void acceptsAnIsoInstantForATimestamp() throws CodecException {
    Document decoded = documents.decode(json("{'id':'d1','event_time':'2023-11-14T22:13:20Z'}"));
    Query offset =
        queries.decode(
            json("{'query_id':'q','text':'t','event_time':'2023-11-14T23:13:20+01:00'}"));

    assertThat(decoded.getEventTime()).isEqualTo(Fixtures.T0);
    assertThat(offset.getEventTime()).isEqualTo(Fixtures.T0);
  }

  @Test
  void ignoresFieldsTheSchemaDoesNotKnow() throws CodecException {
    Document decoded =
        documents.decode(json("{'id':'d1','_id':'other','extra':{'deep':[1,2]},'text':'t'}"));

    assertThat(decoded.getId()).isEqualTo("d1");
  }

  @Test
  void decodesNestedRecordsAndArrays() throws CodecException {
    String text =
        "{'query_id':'q1','status':'PARTIAL','hits':["
            + "{'doc_id':'d1','score':0.5,'attributes':{'lang':'en'}},"
            + "{'doc_id':'d2','score':1}],"
            + "'subtasks_answered':1,'subtasks_expected':2,"
            + "'timings':{'embed_ms':1.5,'search_ms':2,'total_ms':9}}";

    QueryResult decoded = new JsonCodec<>(QueryResult.class).decode(json(text));

    assertThat(decoded)
        .isEqualTo(
            QueryResult.newBuilder()
                .setQueryId("q1")
                .setStatus(ResultStatus.PARTIAL)
                .setHits(
                    List.of(
                        Hit.newBuilder()
                            .setDocId("d1")
                            .setScore(0.5f)
                            .setAttributes(Map.of("lang", "en"))
                            .build(),
                        Hit.newBuilder()
                            .setDocId("d2")
                            .setScore(1f)
                            .setAttributes(Map.of())
                            .build()))
                .setSubtasksAnswered(1)
                .setSubtasksExpected(2)
                .setTimings(
                    Timings.newBuilder().setEmbedMs(1.5).setSearchMs(2.0).setTotalMs(9L).build())
                .build());
  }

  @Test
  void bytesAreBase64() throws CodecException {
    JsonCodec<DeadLetter> letters = new JsonCodec<>(DeadLetter.class);
    String text =
        "{'reason':'R','message':'m','source_topic':'docs','source_partition':0,"
            + "'source_offset':1,'key':'ZDE=','value':null,'timestamp':1700000000000}";

    DeadLetter decoded = letters.decode(json(text));

    assertThat(decoded.getKey()).isEqualTo(ByteBuffer.wrap(new byte[] {'d', '1'}));
    assertThat(decoded.getValue()).isNull();
    assertThat(new String(letters.encode(decoded), UTF_8)).contains("\"key\":\"ZDE=\"");
  }

  @Test
  void emptyOrWhitespaceIsEmptyValue() {
    assertReason(() -> documents.decode(new byte[0]), CodecException.EMPTY_VALUE);
    assertReason(() -> documents.decode(null), CodecException.EMPTY_VALUE);
    assertReason(() -> documents.decode(json(" \n ")), CodecException.EMPTY_VALUE);
  }

  @Test
  void unparsableJsonIsMalformed() {
    assertReason(() -> documents.decode(json("{'id':")), CodecException.MALFORMED_JSON)
        .hasMessageContaining("line 1");
    assertReason(
        () -> documents.decode(json("{'id':'a'} trailing")), CodecException.MALFORMED_JSON);
    assertReason(() -> documents.decode(json("{'id':'a','id':'b'}")), CodecException.MALFORMED_JSON)
        .hasMessageContaining("Duplicate field 'id'");
  }

  @Test
  void topLevelNonObjectsAreNotAnObject() {
    assertReason(() -> documents.decode(json("[{'id':'d1'}]")), CodecException.NOT_AN_OBJECT)
        .hasMessageContaining("got an array");
    assertReason(() -> documents.decode(json("'d1'")), CodecException.NOT_AN_OBJECT);
    assertReason(() -> documents.decode(json("null")), CodecException.NOT_AN_OBJECT);
  }

  @Test
  void missingRequiredFieldsAreNamed() {
    assertReason(() -> documents.decode(json("{'text':'t'}")), CodecException.MISSING_FIELD)
        .hasMessageContaining("'id'");
    assertReason(() -> queries.decode(json("{'text':'t'}")), CodecException.MISSING_FIELD)
        .hasMessageContaining("'query_id'")
        .hasMessageContaining("a string");
    assertReason(
            () ->
                new JsonCodec<>(QueryResult.class)
                    .decode(
                        json("{'query_id':'q','status':'OK','hits':[{'score':1}],'timings':{}}")),
            CodecException.MISSING_FIELD)
        .hasMessageContaining("'hits[0].doc_id'");
  }

  @Test
  void wrongTypesNameTheFieldAndWhatWasExpected() {
    assertReason(() -> documents.decode(json("{'id':7}")), CodecException.WRONG_TYPE)
        .hasMessageContaining("field 'id': expected a string, got the number 7");
    assertReason(
            () -> documents.decode(json("{'id':'d','title':['x']}")), CodecException.WRONG_TYPE)
        .hasMessageContaining("field 'title': expected null or a string, got an array");
    assertReason(() -> documents.decode(json("{'id':null}")), CodecException.WRONG_TYPE);
    assertReason(
            () -> documents.decode(json("{'id':'d','attributes':{'n':1}}")),
            CodecException.WRONG_TYPE)
        .hasMessageContaining("attributes[\"n\"]");
    assertReason(
            () -> documents.decode(json("{'id':'d','event_time':'yesterday'}")),
            CodecException.WRONG_TYPE)
        .hasMessageContaining("ISO-8601");
    assertReason(
            () -> queries.decode(json("{'query_id':'q','text':'t','k':2.5}")),
            CodecException.WRONG_TYPE)
        .hasMessageContaining("field 'k'");
    assertReason(
            () -> queries.decode(json("{'query_id':'q','text':'t','k':3000000000}")),
            CodecException.WRONG_TYPE)
        .hasMessageContaining("32-bit");
    assertReason(
            () ->
                new JsonCodec<>(QueryResult.class)
                    .decode(
                        json(
                            "{'query_id':'q','status':'OK','hits':[{'doc_id':'d','score':'high'}],'timings':{}}")),
            CodecException.WRONG_TYPE)
        .hasMessageContaining("'hits[0].score'");
  }

  @Test
  void unknownEnumSymbolsListTheAllowedOnes() {
    assertReason(
            () -> documents.decode(json("{'id':'d','op':'upsert'}")), CodecException.UNKNOWN_ENUM)
        .hasMessageContaining("'op'")
        .hasMessageContaining("\"upsert\"")
        .hasMessageContaining("[UPSERT, DELETE]");
  }

  @Test
  void invalidUtf8IsReportedAsSuch() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.writeBytes(json("{'id':'d1','text':'caf"));
    bytes.writeBytes(
        new byte[] {(byte) 0xC3, 0x28}); // 0xC3 starts a 2-byte sequence; 0x28 cannot end it
    bytes.writeBytes(json("'}"));

    assertReason(() -> documents.decode(bytes.toByteArray()), CodecException.INVALID_UTF8)
        .hasMessageContaining("not valid UTF-8")
        .hasMessageContaining("C3 28");
  }

  @Test
  void encodingANullRequiredFieldNamesIt() {
    Document noId = Document.newBuilder(Fixtures.minimalDocument()).build();
    noId.setId(null);

    assertThatThrownBy(() -> documents.encode(noId))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("field 'id' is null");
  }
}
