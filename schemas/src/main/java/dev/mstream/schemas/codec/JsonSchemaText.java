package dev.mstream.schemas.codec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.StringJoiner;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;

/** Wording for JSON error messages: what a schema expects, what was found, where. */
final class JsonSchemaText {

  private static final int MAX_SHOWN = 40;

  private JsonSchemaText() {}

  static boolean isTimestampMillis(Schema schema) {
    return schema.getLogicalType() instanceof LogicalTypes.TimestampMillis;
  }

  /** What a JSON value for {@code schema} must look like, e.g. "a string or null". */
  static String expected(Schema schema) {
    return switch (schema.getType()) {
      case NULL -> "null";
      case BOOLEAN -> "true or false";
      case INT -> "an integer (32-bit)";
      case LONG ->
          isTimestampMillis(schema)
              ? "a timestamp (epoch milliseconds, or an ISO-8601 instant such as"
                  + " \"2023-11-14T22:13:20Z\")"
              : "an integer (64-bit)";
      case FLOAT, DOUBLE -> "a number";
      case STRING -> "a string";
      case BYTES -> "a base64 string";
      case FIXED -> "a base64 string of " + schema.getFixedSize() + " bytes";
      case ENUM -> "one of " + schema.getEnumSymbols();
      case ARRAY -> "an array";
      case MAP -> "an object (a map)";
      case RECORD -> "an object (" + schema.getName() + ")";
      case UNION -> {
        StringJoiner any = new StringJoiner(" or ");
        schema.getTypes().forEach(branch -> any.add(expected(branch)));
        yield any.toString();
      }
    };
  }

  /** The JSON value found, with short scalars quoted so the reader can spot the typo. */
  static String found(JsonNode node) {
    return switch (node.getNodeType()) {
      case ARRAY -> "an array";
      case OBJECT, POJO -> "an object";
      case NULL, MISSING -> "null";
      case BOOLEAN -> node.asText();
      case NUMBER -> "the number " + shorten(node.asText());
      case STRING, BINARY -> "the string \"" + shorten(node.asText()) + "\"";
    };
  }

  static String child(String path, String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  static String element(String path, int index) {
    return path + "[" + index + "]";
  }

  static String entry(String path, String key) {
    return path + "[\"" + shorten(key) + "\"]";
  }

  private static String shorten(String s) {
    return s.length() <= MAX_SHOWN ? s : s.substring(0, MAX_SHOWN) + "...";
  }
}
