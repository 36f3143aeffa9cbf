package dev.mstream.schemas.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mstream.schemas.Document;
import dev.mstream.schemas.Operation;
import dev.mstream.schemas.QueryResult;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class AvroSingleObjectCodecTest {

  private final AvroSingleObjectCodec<Document> codec = new AvroSingleObjectCodec<>(Document.class);

  @Test
  void writesTheSpecHeaderWithTheFingerprintOfTheAvsc() {
    long avscFingerprint =
        SchemaNormalization.parsingFingerprint64(ForeignAvroWriter.avsc("Document"));

    byte[] bytes = codec.encode(Fixtures.fullDocument());

    assertThat(codec.fingerprint()).isEqualTo(avscFingerprint);
    assertThat(bytes[0]).isEqualTo((byte) 0xC3);
    assertThat(bytes[1]).isEqualTo((byte) 0x01);
    assertThat(AvroSingleObjectCodec.readLittleEndianLong(bytes, 2)).isEqualTo(avscFingerprint);
  }

  @Test
  void decodesWhatAGenericWriterProducesFromTheAvsc() throws CodecException {
    Schema schema = ForeignAvroWriter.avsc("Document");
    GenericRecord record = new GenericData.Record(schema);
    record.put("id", "d9");
    record.put("namespace", "news");
    record.put("title", null);
    record.put("text", "written from the .avsc alone");
    record.put("attributes", Map.of("lang", "en"));
    record.put("op", new GenericData.EnumSymbol(schema.getField("op").schema(), "DELETE"));
    record.put("event_time", Fixtures.T0.toEpochMilli());
    byte[] foreign = ForeignAvroWriter.write(record);

    Document expected =
        Document.newBuilder()
            .setId("d9")
            .setNamespace("news")
            .setText("written from the .avsc alone")
            .setAttributes(Map.of("lang", "en"))
            .setOp(Operation.DELETE)
            .setEventTime(Fixtures.T0)
            .build();
    assertThat(codec.decode(foreign)).isEqualTo(expected);
    // Byte for byte the same, so other languages can also read what the job writes.
    assertThat(codec.encode(expected)).isEqualTo(foreign);
  }

  @Test
  void emptyOrNullIsEmptyValue() {
    assertReason(() -> codec.decode(new byte[0]), CodecException.EMPTY_VALUE);
    assertReason(() -> codec.decode(null), CodecException.EMPTY_VALUE);
  }

  @Test
  void randomBytesAreMalformed() {
    byte[] random = new byte[64];
    new Random(7).nextBytes(random);
    random[0] = 0x42;

    assertReason(() -> codec.decode(random), CodecException.MALFORMED_AVRO)
        .hasMessageContaining("expected header C3 01")
        .hasMessageContaining("42");
  }

  @Test
  void jsonIsNotAvro() {
    assertReason(() -> codec.decode("{\"id\":\"d1\"}".getBytes()), CodecException.MALFORMED_AVRO);
  }

  @Test
  void aHeaderWithoutTheFullFingerprintIsMalformed() {
    assertReason(
            () -> codec.decode(new byte[] {(byte) 0xC3, 0x01, 1, 2, 3}),
            CodecException.MALFORMED_AVRO)
        .hasMessageContaining("5 byte(s)");
  }

  @Test
  void everyTruncationOfAValidRecordIsMalformed() {
    byte[] valid = codec.encode(Fixtures.fullDocument());
    for (int length = 1; length < valid.length; length++) {
      byte[] truncated = Arrays.copyOf(valid, length);
      assertReason(() -> codec.decode(truncated), CodecException.MALFORMED_AVRO);
    }
  }

  @Test
  void aRecordOfAnotherSchemaIsUnknownSchema() {
    byte[] result = Codecs.of(QueryResult.class, Encoding.AVRO).encode(Fixtures.okResult());

    assertReason(() -> codec.decode(result), CodecException.UNKNOWN_SCHEMA)
        .hasMessageContaining(Hex.fingerprint(codec.fingerprint()))
        .hasMessageContaining("dev.mstream.schemas.Document");
  }

  @Test
  void aChangedSchemaIsUnknownSchema() {
    // A producer that added a field without the job knowing the new schema.
    Schema evolved =
        new Schema.Parser()
            .parse(
                ForeignAvroWriter.avsc("Document")
                    .toString()
                    .replace(
                        "\"fields\":[",
                        "\"fields\":[{\"name\":\"extra\",\"type\":\"int\",\"default\":0},"));
    GenericRecord record = new GenericData.Record(evolved);
    record.put("extra", 1);
    record.put("id", "d1");
    record.put("namespace", "default");
    record.put("attributes", Map.of());
    record.put("op", new GenericData.EnumSymbol(evolved.getField("op").schema(), "UPSERT"));

    assertReason(
        () -> codec.decode(ForeignAvroWriter.write(record)), CodecException.UNKNOWN_SCHEMA);
  }

  @Test
  void aHugeDeclaredLengthIsMalformedWithoutAllocatingIt() {
    // id's length varint says 2^31 - 9 bytes follow; Avro alone would allocate that much first.
    byte[] bytes = withBody(zigZagVarint(Integer.MAX_VALUE - 8));

    assertReason(() -> codec.decode(bytes), CodecException.MALFORMED_AVRO)
        .hasMessageContaining("field id")
        .hasMessageContaining("length 2147483639");
  }

  @Test
  void aNegativeLengthIsMalformed() {
    assertReason(() -> codec.decode(withBody(zigZagVarint(-5))), CodecException.MALFORMED_AVRO)
        .hasMessageContaining("negative");
  }

  @Test
  void aHugeCollectionCountIsMalformed() {
    AvroSingleObjectCodec<QueryResult> results = new AvroSingleObjectCodec<>(QueryResult.class);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(new byte[] {2, 'q'}); // query_id "q"
    body.write(0); // status OK
    body.write(0); // error: null branch
    body.writeBytes(zigZagVarint(1_000_000_000)); // hits: a block of a billion items
    byte[] bytes = withHeader(results.fingerprint(), body.toByteArray());

    assertReason(() -> results.decode(bytes), CodecException.MALFORMED_AVRO)
        .hasMessageContaining("field hits")
        .hasMessageContaining("1000000000 items");
  }

  @Test
  void anEnumIndexOutOfRangeIsAnUnknownEnum() {
    Document doc = Fixtures.minimalDocument();
    byte[] bytes = codec.encode(doc);
    // Layout after the header: id, namespace, title (null), text, attributes (empty), op.
    int op = bytes.length - 2;
    bytes[op] = 2 * 2; // zig-zag 2: Operation has only indexes 0 and 1

    // The same reason as an unknown "op" symbol in JSON.
    assertReason(() -> codec.decode(bytes), CodecException.UNKNOWN_ENUM)
        .hasMessageContaining("field op")
        .hasMessageContaining("enum Operation index 2");
  }

  @Test
  void trailingBytesAreMalformed() {
    byte[] valid = codec.encode(Fixtures.fullDocument());
    byte[] longer = Arrays.copyOf(valid, valid.length + 3);

    assertReason(() -> codec.decode(longer), CodecException.MALFORMED_AVRO)
        .hasMessageContaining("3 unexpected byte(s)");
  }

  @Test
  void encodingAnIncompleteRecordFailsNamingTheProblem() {
    Document noId = new Document();
    assertThatThrownBy(() -> codec.encode(noId))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Document");
  }

  private byte[] withBody(byte[] body) {
    return withHeader(codec.fingerprint(), body);
  }

  private static byte[] withHeader(long fingerprint, byte[] body) {
    byte[] bytes = new byte[AvroSingleObjectCodec.HEADER_LENGTH + body.length];
    bytes[0] = (byte) 0xC3;
    bytes[1] = 0x01;
    for (int i = 0; i < 8; i++) {
      bytes[2 + i] = (byte) (fingerprint >>> (8 * i));
    }
    System.arraycopy(body, 0, bytes, AvroSingleObjectCodec.HEADER_LENGTH, body.length);
    return bytes;
  }

  private static byte[] zigZagVarint(long value) {
    long v = (value << 1) ^ (value >> 63);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
    return out.toByteArray();
  }

  static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> assertReason(
      ThrowingCallable call, String reason) {
    return assertThatThrownBy(call)
        .isInstanceOf(CodecException.class)
        .satisfies(e -> assertThat(((CodecException) e).reason()).isEqualTo(reason));
  }
}
