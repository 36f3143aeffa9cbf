package dev.mstream.schemas.codec;

import static dev.mstream.schemas.codec.JsonSchemaText.child;
import static dev.mstream.schemas.codec.JsonSchemaText.element;
import static dev.mstream.schemas.codec.JsonSchemaText.entry;
import static dev.mstream.schemas.codec.JsonSchemaText.expected;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.avro.Conversion;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalType;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.specific.SpecificData;

/**
 * Writes Avro values as plain JSON, the inverse of {@link JsonRecordReader}: unions as the bare
 * value or null, enums as their symbol, bytes as base64, timestamps as epoch milliseconds.
 */
final class JsonRecordWriter {

  private final SpecificData model;

  JsonRecordWriter(SpecificData model) {
    this.model = model;
  }

  /**
   * @throws IllegalArgumentException naming the field when a value does not fit its schema
   */
  void write(Schema schema, Object datum, JsonGenerator out, String path) throws IOException {
    if (schema.getType() == Schema.Type.UNION) {
      write(branch(schema, datum, path), datum, out, path);
      return;
    }
    if (datum == null && schema.getType() != Schema.Type.NULL) {
      throw new IllegalArgumentException(
          "field '" + path + "' is null, but the schema expects " + expected(schema));
    }
    Object value = toRaw(schema, datum);
    try {
      switch (schema.getType()) {
        case RECORD -> writeRecord(schema, value, out, path);
        case ARRAY -> {
          out.writeStartArray();
          int i = 0;
          for (Object item : (Collection<?>) value) {
            write(schema.getElementType(), item, out, element(path, i++));
          }
          out.writeEndArray();
        }
        case MAP -> {
          out.writeStartObject();
          for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
            String key = e.getKey().toString();
            out.writeFieldName(key);
            write(schema.getValueType(), e.getValue(), out, entry(path, key));
          }
          out.writeEndObject();
        }
        case ENUM, STRING -> out.writeString(value.toString());
        case BYTES -> out.writeString(base64(((ByteBuffer) value).duplicate()));
        case FIXED ->
            out.writeString(Base64.getEncoder().encodeToString(((GenericFixed) value).bytes()));
        case INT -> out.writeNumber(((Number) value).intValue());
        case LONG -> out.writeNumber(((Number) value).longValue());
        case FLOAT -> out.writeNumber(((Number) value).floatValue());
        case DOUBLE -> out.writeNumber(((Number) value).doubleValue());
        case BOOLEAN -> out.writeBoolean((Boolean) value);
        case NULL, UNION -> out.writeNull();
      }
    } catch (ClassCastException e) {
      throw new IllegalArgumentException(
          "field '"
              + path
              + "' holds a "
              + value.getClass().getName()
              + ", but the schema expects "
              + expected(schema),
          e);
    }
  }

  private void writeRecord(Schema schema, Object record, JsonGenerator out, String path)
      throws IOException {
    out.writeStartObject();
    for (Schema.Field field : schema.getFields()) {
      out.writeFieldName(field.name());
      write(
          field.schema(),
          model.getField(record, field.name(), field.pos()),
          out,
          child(path, field.name()));
    }
    out.writeEndObject();
  }

  private Schema branch(Schema union, Object datum, String path) {
    // Resolved by hand for the common ["null", X] so that logical types (an Instant in a
    // ["null", timestamp-millis] union) need no help from Avro's name-based resolution.
    List<Schema> branches = union.getTypes();
    Schema nonNull = null;
    int nonNullCount = 0;
    for (Schema b : branches) {
      if (b.getType() == Schema.Type.NULL) {
        if (datum == null) {
          return b;
        }
      } else {
        nonNull = b;
        nonNullCount++;
      }
    }
    if (datum == null) {
      throw new IllegalArgumentException(
          "field '" + path + "' is null, but the schema expects " + expected(union));
    }
    return nonNullCount == 1 ? nonNull : branches.get(model.resolveUnion(union, datum));
  }

  private Object toRaw(Schema schema, Object datum) {
    LogicalType logicalType = schema.getLogicalType();
    if (logicalType == null || datum == null) {
      return datum;
    }
    Conversion<?> conversion = model.getConversionFor(logicalType);
    if (conversion == null || !conversion.getConvertedType().isInstance(datum)) {
      return datum;
    }
    return toRaw(datum, schema, logicalType, conversion);
  }

  @SuppressWarnings("unchecked")
  private static <L> Object toRaw(
      Object datum, Schema schema, LogicalType logicalType, Conversion<L> conversion) {
    return Conversions.convertToRawType((L) datum, schema, logicalType, conversion);
  }

  private static String base64(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }
}
