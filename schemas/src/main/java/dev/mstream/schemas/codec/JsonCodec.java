package dev.mstream.schemas.codec;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;

/**
 * One UTF-8 JSON object per record, keyed by the Avro field names, with plain values: {@code
 * {"id":"d1","title":null,"op":"UPSERT","event_time":1700000000000}}. Easy to produce with
 * kafka-console-producer or any language's JSON library; the schema still decides what is valid.
 * Fields the schema does not know are ignored; fields it knows are never renamed or aliased.
 */
public final class JsonCodec<T extends SpecificRecord> implements RecordCodec<T> {

  private static final long serialVersionUID = 1L;

  private final Class<T> type;

  // ObjectMapper and the Avro model are not meant for Java serialization; Flink ships codecs
  // inside functions, so they are rebuilt on first use. A race only builds an equivalent twin.
  private transient volatile State<T> state;

  public JsonCodec(Class<T> type) {
    this.type = Objects.requireNonNull(type, "type");
    state(); // fail at construction, not on the first record, for a class without a schema
  }

  public Class<T> type() {
    return type;
  }

  @Override
  public Encoding encoding() {
    return Encoding.JSON;
  }

  /**
   * @throws IllegalArgumentException naming the field when the record does not fit its schema
   */
  @Override
  public byte[] encode(T record) {
    State<T> s = state();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (JsonGenerator out = s.mapper.getFactory().createGenerator(bytes, JsonEncoding.UTF8)) {
      s.writer.write(s.record.schema, record, out, "");
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "cannot encode " + type.getSimpleName() + " as JSON: " + e.getMessage(), e);
    }
    return bytes.toByteArray();
  }

  @Override
  public T decode(byte[] bytes) throws CodecException {
    State<T> s = state();
    String name = s.record.name();
    if (bytes == null || bytes.length == 0) {
      throw new CodecException(
          CodecException.EMPTY_VALUE, "empty value, expected a JSON " + name + " object");
    }
    // Jackson lets overlong forms, encoded surrogates and code points above U+10FFFF through.
    int bad = Utf8Validation.firstInvalidByte(bytes, 0, bytes.length);
    if (bad >= 0) {
      throw new CodecException(
          CodecException.INVALID_UTF8,
          "not valid UTF-8 for "
              + name
              + ": "
              + Hex.bytes(bytes, bad, Math.min(4, bytes.length - bad))
              + " at byte "
              + bad
              + " (JSON records must be UTF-8)");
    }
    JsonNode node = parse(s.mapper, bytes, name);
    if (!node.isObject()) {
      throw new CodecException(
          CodecException.NOT_AN_OBJECT,
          "expected a JSON object for " + name + ", got " + JsonSchemaText.found(node));
    }
    try {
      return s.record.type.cast(s.reader.read(s.record.schema, node, ""));
    } catch (RuntimeException e) {
      // Not expected; but a bug here must dead-letter one record, not crash the job.
      throw new CodecException(
          CodecException.MALFORMED_JSON,
          "cannot build "
              + name
              + " from JSON: "
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private static JsonNode parse(ObjectMapper mapper, byte[] bytes, String name)
      throws CodecException {
    JsonNode node;
    try {
      node = mapper.readTree(bytes);
    } catch (IOException e) {
      JsonProcessingException jackson = e instanceof JsonProcessingException j ? j : null;
      String problem = jackson != null ? jackson.getOriginalMessage() : e.getMessage();
      // Jackson reports bad UTF-8 as an ordinary parse error; only its wording tells them apart.
      String reason =
          problem != null && problem.contains("Invalid UTF-8")
              ? CodecException.INVALID_UTF8
              : CodecException.MALFORMED_JSON;
      String where = jackson != null ? at(jackson.getLocation()) : "";
      throw new CodecException(reason, "not valid JSON for " + name + ": " + problem + where, e);
    }
    if (node == null || node.isMissingNode()) {
      throw new CodecException(
          CodecException.EMPTY_VALUE,
          "value holds only whitespace, expected a JSON " + name + " object");
    }
    return node;
  }

  private static String at(JsonLocation location) {
    return location == null || location.getLineNr() < 0
        ? ""
        : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
  }

  private State<T> state() {
    State<T> s = state;
    if (s == null) {
      s = new State<>(RecordType.of(type));
      state = s;
    }
    return s;
  }

  @Override
  public String toString() {
    return "JsonCodec[" + type.getName() + "]";
  }

  private static final class State<T extends SpecificRecord> {
    final RecordType<T> record;
    final ObjectMapper mapper;
    final JsonRecordReader reader;
    final JsonRecordWriter writer;

    State(RecordType<T> record) {
      this.record = record;
      // Duplicate keys and trailing garbage make the intended record ambiguous: reject them
      // rather than silently pick one reading.
      this.mapper =
          JsonMapper.builder(
                  JsonFactory.builder()
                      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                      .build())
              .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
              .build();
      this.reader = new JsonRecordReader(record.model);
      this.writer = new JsonRecordWriter(record.model);
    }
  }
}
