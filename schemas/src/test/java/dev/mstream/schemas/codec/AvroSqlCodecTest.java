package dev.mstream.schemas.codec;

import static dev.mstream.schemas.codec.AvroSingleObjectCodecTest.assertReason;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mstream.schemas.Document;
import dev.mstream.schemas.Operation;
import dev.mstream.schemas.QueryResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

class AvroSqlCodecTest {

  private final AvroSqlCodec<Document> codec = new AvroSqlCodec<>(Document.class);

  @Test
  void theRowSchemaIsWhatSqlColumnsNaturallyDeclare() {
    Schema row = codec.rowSchema();
    Schema avsc = ForeignAvroWriter.avsc("Document");
    assertThat(row.getFields())
        .extracting(Schema.Field::name)
        .containsExactlyElementsOf(avsc.getFields().stream().map(Schema.Field::name).toList());
    // id has no default: STRING NOT NULL; op is an enum with a default: a nullable STRING
    assertThat(row.getField("id").schema().getType()).isEqualTo(Schema.Type.STRING);
    assertThat(row.getField("op").schema().getTypes())
        .extracting(Schema::getType)
        .containsExactly(Schema.Type.NULL, Schema.Type.STRING);
    // MAP<STRING, STRING>: nullable map, nullable values
    Schema attributes = row.getField("attributes").schema().getTypes().get(1);
    assertThat(attributes.getValueType().isNullable()).isTrue();
    // nested: QueryResult.status (an enum without default) is a plain string
    Schema result = new AvroSqlCodec<>(QueryResult.class).rowSchema();
    assertThat(result.getField("status").schema().getType()).isEqualTo(Schema.Type.STRING);
  }

  /**
   * What Flink SQL's avro format writes for the documented table: a schema it derives from the
   * columns (its own record name, {@code ["null", T]} for nullable columns, a string for {@code
   * op}) and a generic writer, no header. Built here by hand so that this module needs no Flink;
   * the SQL module checks the same against Flink's own converter and a real INSERT.
   */
  @Test
  void decodesWhatAGenericWriterWritesWithTheFlinkDerivedSchema() throws Exception {
    Schema nullableString =
        Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING));
    Schema flink =
        SchemaBuilder.record("record")
            .namespace("org.apache.flink.avro.generated")
            .fields()
            .requiredString("id")
            .optionalString("namespace")
            .optionalString("title")
            .optionalString("text")
            .name("attributes")
            .type()
            .unionOf()
            .nullType()
            .and()
            .map()
            .values(nullableString)
            .endUnion()
            .nullDefault()
            .optionalString("op")
            .name("event_time")
            .type()
            .unionOf()
            .nullType()
            .and()
            .type(
                org.apache.avro.LogicalTypes.timestampMillis()
                    .addToSchema(Schema.create(Schema.Type.LONG)))
            .endUnion()
            .nullDefault()
            .endRecord();
    assertThat(
            SchemaNormalization.toParsingForm(flink)
                .replace("org.apache.flink.avro.generated.record", "X"))
        .isEqualTo(
            SchemaNormalization.toParsingForm(codec.rowSchema())
                .replace("dev.mstream.schemas.Document", "X"));

    GenericRecord r = new GenericData.Record(flink);
    r.put("id", "d1");
    r.put("namespace", "news");
    r.put("title", null);
    r.put("text", "written by Flink SQL");
    Map<String, String> attributes = new java.util.HashMap<>();
    attributes.put("lang", "en");
    attributes.put("empty", null); // MAP<STRING, STRING> may hold NULL: no such attribute
    r.put("attributes", attributes);
    r.put("op", "DELETE");
    r.put("event_time", Fixtures.T0.toEpochMilli());
    byte[] bytes = plain(r);

    assertThat(codec.decode(bytes))
        .isEqualTo(
            Document.newBuilder()
                .setId("d1")
                .setNamespace("news")
                .setText("written by Flink SQL")
                .setAttributes(Map.of("lang", "en"))
                .setOp(Operation.DELETE)
                .setEventTime(Fixtures.T0)
                .build());
  }

  @Test
  void nullColumnsTakeTheFieldsDefaults() throws Exception {
    GenericRecord r = new GenericData.Record(codec.rowSchema());
    r.put("id", "d2");
    r.put("text", "only an id and a text");
    Document d = codec.decode(plain(r));
    assertThat(d.getNamespace()).isEqualTo("default");
    assertThat(d.getOp()).isEqualTo(Operation.UPSERT);
    assertThat(d.getAttributes()).isEmpty();
    assertThat(d.getEventTime()).isNull();
    // what the codec writes, it reads back
    assertThat(codec.decode(codec.encode(d))).isEqualTo(d);
  }

  @Test
  void anOperationThatIsNoSymbolIsAnUnknownEnumNamingTheField() {
    Document d = Fixtures.fullDocument();
    byte[] upsert = codec.encode(d);
    // "UPSERT" is written as a string: length 6 (zigzag 0x0C), then the letters.
    int at = indexOf(upsert, "UPSERT".getBytes());
    byte[] lower = upsert.clone();
    System.arraycopy("upsert".getBytes(), 0, lower, at, 6);

    assertReason(() -> codec.decode(lower), CodecException.UNKNOWN_ENUM)
        .hasMessageContaining("'op'")
        .hasMessageContaining("\"upsert\"")
        .hasMessageContaining("[UPSERT, DELETE]");
  }

  @Test
  void singleObjectEncodingAndOtherLayoutsAreMalformedNotMisread() {
    byte[] singleObject =
        new AvroSingleObjectCodec<>(Document.class).encode(Fixtures.fullDocument());
    assertReason(() -> codec.decode(singleObject), CodecException.MALFORMED_AVRO)
        .hasMessageContaining("AVRO_SQL");

    byte[] valid = codec.encode(Fixtures.fullDocument());
    byte[] trailing = Arrays.copyOf(valid, valid.length + 1);
    assertReason(() -> codec.decode(trailing), CodecException.MALFORMED_AVRO)
        .hasMessageContaining("unexpected byte");
    assertReason(
        () -> codec.decode(Arrays.copyOf(valid, valid.length - 2)), CodecException.MALFORMED_AVRO);
    assertReason(() -> codec.decode(new byte[0]), CodecException.EMPTY_VALUE);
  }

  private static byte[] plain(GenericRecord record) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }
}
