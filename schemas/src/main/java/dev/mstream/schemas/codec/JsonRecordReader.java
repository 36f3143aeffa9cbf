package dev.mstream.schemas.codec;

import static dev.mstream.schemas.codec.JsonSchemaText.child;
import static dev.mstream.schemas.codec.JsonSchemaText.element;
import static dev.mstream.schemas.codec.JsonSchemaText.entry;
import static dev.mstream.schemas.codec.JsonSchemaText.expected;
import static dev.mstream.schemas.codec.JsonSchemaText.found;
import static dev.mstream.schemas.codec.JsonSchemaText.isTimestampMillis;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Conversion;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalType;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;

/**
 * Builds Avro values from plain JSON by walking the schema: the JSON a person or a script would
 * write, not Avro's own JSON encoding with its {"string": ...} union wrappers.
 */
final class JsonRecordReader {

  private final SpecificData model;

  JsonRecordReader(SpecificData model) {
    this.model = model;
  }

  /** Reads {@code node} as a value of {@code schema}; {@code path} names it in error messages. */
  Object read(Schema schema, JsonNode node, String path) throws CodecException {
    if (schema.getType() == Schema.Type.UNION) {
      return readUnion(schema, node, path);
    }
    if (!accepts(schema, node)) {
      throw wrongType(schema, node, path);
    }
    Object raw =
        switch (schema.getType()) {
          case RECORD -> readRecord(schema, node, path);
          case ARRAY -> readArray(schema, node, path);
          case MAP -> readMap(schema, node, path);
          case ENUM -> readEnum(schema, node, path);
          case STRING -> text(node.textValue(), path);
          case BYTES -> ByteBuffer.wrap(base64(schema, node, path));
          case FIXED -> model.createFixed(null, base64(schema, node, path), schema);
          case INT -> node.intValue();
          case LONG -> node.isTextual() ? instantMillis(schema, node, path) : node.longValue();
          case FLOAT -> node.isTextual() ? Float.parseFloat(node.textValue()) : node.floatValue();
          case DOUBLE ->
              node.isTextual() ? Double.parseDouble(node.textValue()) : node.doubleValue();
          case BOOLEAN -> node.booleanValue();
          case NULL, UNION -> null;
        };
    return toLogical(schema, raw, path);
  }

  private Object readRecord(Schema schema, JsonNode node, String path) throws CodecException {
    Object record = model.newRecord(null, schema);
    for (Schema.Field field : schema.getFields()) {
      JsonNode value = node.get(field.name());
      String fieldPath = child(path, field.name());
      Object datum;
      if (value != null) {
        datum = read(field.schema(), value, fieldPath);
      } else if (field.hasDefaultValue()) {
        // Copied because the model caches one default instance per field, and maps are mutable.
        datum = model.deepCopy(field.schema(), model.getDefaultValue(field));
      } else {
        throw new CodecException(
            CodecException.MISSING_FIELD,
            "missing required field '" + fieldPath + "': expected " + expected(field.schema()));
      }
      model.setField(record, field.name(), field.pos(), datum);
    }
    return record;
  }

  private Object readUnion(Schema union, JsonNode node, String path) throws CodecException {
    // The first branch whose JSON type matches wins, so ["null", X] takes null or a plain X.
    for (Schema branch : union.getTypes()) {
      if (accepts(branch, node)) {
        return read(branch, node, path);
      }
    }
    throw wrongType(union, node, path);
  }

  private List<Object> readArray(Schema schema, JsonNode node, String path) throws CodecException {
    List<Object> items = new ArrayList<>(node.size());
    for (int i = 0; i < node.size(); i++) {
      items.add(read(schema.getElementType(), node.get(i), element(path, i)));
    }
    return items;
  }

  private Map<String, Object> readMap(Schema schema, JsonNode node, String path)
      throws CodecException {
    Map<String, Object> map = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      String key = text(e.getKey(), path);
      map.put(key, read(schema.getValueType(), e.getValue(), entry(path, key)));
    }
    return map;
  }

  private Object readEnum(Schema schema, JsonNode node, String path) throws CodecException {
    String symbol = node.textValue();
    if (!schema.hasEnumSymbol(symbol)) {
      throw new CodecException(
          CodecException.UNKNOWN_ENUM,
          "field '"
              + path
              + "': unknown "
              + schema.getName()
              + " symbol \""
              + symbol
              + "\", expected one of "
              + schema.getEnumSymbols()
              + " (exact case)");
    }
    return model.createEnum(symbol, schema);
  }

  /**
   * A string as it is, unless it holds an unpaired surrogate: JSON can write one as an escape of
   * its own, but it is not Unicode text and no encoder can write it as UTF-8.
   */
  private static String text(String s, String path) throws CodecException {
    int bad = Utf8Validation.firstUnpairedSurrogate(s);
    if (bad >= 0) {
      throw new CodecException(
          CodecException.INVALID_UTF8,
          String.format(
              "field '%s': unpaired surrogate \\u%04X at character %d is not valid Unicode",
              path, (int) s.charAt(bad), bad));
    }
    return s;
  }

  private long instantMillis(Schema schema, JsonNode node, String path) throws CodecException {
    try {
      return Instant.parse(node.textValue()).toEpochMilli();
    } catch (DateTimeException | ArithmeticException e) {
      throw new CodecException(
          CodecException.WRONG_TYPE,
          "field '" + path + "': expected " + expected(schema) + ", got " + found(node),
          e);
    }
  }

  private static byte[] base64(Schema schema, JsonNode node, String path) throws CodecException {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(node.textValue());
    } catch (IllegalArgumentException e) {
      throw new CodecException(
          CodecException.WRONG_TYPE,
          "field '" + path + "': expected " + expected(schema) + ", got invalid base64",
          e);
    }
    if (schema.getType() == Schema.Type.FIXED && bytes.length != schema.getFixedSize()) {
      throw new CodecException(
          CodecException.WRONG_TYPE,
          "field '"
              + path
              + "': expected "
              + expected(schema)
              + ", got "
              + bytes.length
              + " bytes");
    }
    return bytes;
  }

  /** Whether the JSON value has the right shape for {@code schema}; contents are checked later. */
  private static boolean accepts(Schema schema, JsonNode node) {
    return switch (schema.getType()) {
      case NULL -> node.isNull();
      case BOOLEAN -> node.isBoolean();
      case INT -> node.isIntegralNumber() && node.canConvertToInt();
      case LONG ->
          (node.isIntegralNumber() && node.canConvertToLong())
              || (node.isTextual() && isTimestampMillis(schema));
      case FLOAT, DOUBLE -> node.isNumber() || isNonFinite(node);
      case STRING, ENUM, BYTES, FIXED -> node.isTextual();
      case ARRAY -> node.isArray();
      case MAP, RECORD -> node.isObject();
      case UNION -> schema.getTypes().stream().anyMatch(branch -> accepts(branch, node));
    };
  }

  // JSON has no NaN or infinities; Jackson writes them as these strings, so they round-trip.
  private static boolean isNonFinite(JsonNode node) {
    if (!node.isTextual()) {
      return false;
    }
    String s = node.textValue();
    return s.equals("NaN") || s.equals("Infinity") || s.equals("-Infinity");
  }

  private Object toLogical(Schema schema, Object raw, String path) throws CodecException {
    LogicalType logicalType = schema.getLogicalType();
    Conversion<?> conversion = logicalType == null ? null : model.getConversionFor(logicalType);
    if (conversion == null || raw == null) {
      return raw;
    }
    try {
      return Conversions.convertToLogicalType(raw, schema, logicalType, conversion);
    } catch (RuntimeException e) {
      throw new CodecException(
          CodecException.WRONG_TYPE,
          "field '" + path + "': not a valid " + logicalType.getName() + ": " + e.getMessage(),
          e);
    }
  }

  private static CodecException wrongType(Schema schema, JsonNode node, String path) {
    return new CodecException(
        CodecException.WRONG_TYPE,
        "field '" + path + "': expected " + expected(schema) + ", got " + found(node));
  }
}
