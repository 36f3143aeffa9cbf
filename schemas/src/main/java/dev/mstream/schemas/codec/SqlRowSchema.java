package dev.mstream.schemas.codec;

import static dev.mstream.schemas.codec.JsonSchemaText.child;
import static dev.mstream.schemas.codec.JsonSchemaText.element;
import static dev.mstream.schemas.codec.JsonSchemaText.entry;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Conversion;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalType;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificData;

/**
 * A record's schema as a Flink SQL table row sees it, and the conversion of values between the two.
 *
 * <p>Flink SQL has no enum type: its {@code avro} format derives the Avro schema from the table's
 * columns, so an enum field is declared as a {@code STRING} column and written as an Avro string.
 * Everything else maps one to one (nullable columns are {@code ["null", T]} unions, like ours). The
 * row schema is therefore the record's schema with every enum replaced by {@code "string"}; the
 * values of such a field must still be one of the enum's symbols.
 */
final class SqlRowSchema {

  private SqlRowSchema() {}

  /** {@code schema} with every enum, at any depth, replaced by a string. */
  static Schema of(Schema schema) {
    return convert(schema, new HashMap<>());
  }

  private static Schema convert(Schema schema, Map<String, Schema> records) {
    return switch (schema.getType()) {
      case ENUM -> Schema.create(Schema.Type.STRING);
      case RECORD -> {
        Schema done = records.get(schema.getFullName());
        if (done != null) {
          yield done;
        }
        Schema row =
            Schema.createRecord(
                schema.getName(), schema.getDoc(), schema.getNamespace(), schema.isError());
        records.put(schema.getFullName(), row);
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : schema.getFields()) {
          fields.add(new Schema.Field(f.name(), convert(f.schema(), records), f.doc()));
        }
        row.setFields(fields);
        yield row;
      }
      case ARRAY -> Schema.createArray(convert(schema.getElementType(), records));
      case MAP -> Schema.createMap(convert(schema.getValueType(), records));
      case UNION -> {
        List<Schema> branches = new ArrayList<>();
        schema.getTypes().forEach(b -> branches.add(convert(b, records)));
        yield Schema.createUnion(branches);
      }
      default -> schema;
    };
  }

  /**
   * A value of the record's schema ({@code target}) from a generic value of its row schema ({@code
   * row}), as read by a generic reader.
   *
   * @throws CodecException {@link CodecException#UNKNOWN_ENUM} for a string that is not one of an
   *     enum's symbols, naming the field
   */
  static Object toRecord(SpecificData model, Schema target, Schema row, Object v, String path)
      throws CodecException {
    if (v == null) {
      return null;
    }
    Object raw =
        switch (target.getType()) {
          case RECORD -> {
            IndexedRecord in = (IndexedRecord) v;
            Object out = model.newRecord(null, target);
            for (Schema.Field f : target.getFields()) {
              Schema.Field rowField = row.getField(f.name());
              Object value =
                  toRecord(
                      model,
                      f.schema(),
                      rowField.schema(),
                      in.get(rowField.pos()),
                      child(path, f.name()));
              model.setField(out, f.name(), f.pos(), value);
            }
            yield out;
          }
          case ENUM -> {
            String symbol = v.toString();
            if (!target.hasEnumSymbol(symbol)) {
              throw new CodecException(
                  CodecException.UNKNOWN_ENUM,
                  "field '"
                      + path
                      + "': unknown "
                      + target.getName()
                      + " symbol \""
                      + symbol
                      + "\", expected one of "
                      + target.getEnumSymbols()
                      + " (exact case)");
            }
            yield model.createEnum(symbol, target);
          }
          case UNION -> {
            int branch = GenericData.get().resolveUnion(row, v);
            yield toRecord(
                model, target.getTypes().get(branch), row.getTypes().get(branch), v, path);
          }
          case ARRAY -> {
            List<?> in = (List<?>) v;
            List<Object> out = new ArrayList<>(in.size());
            for (int i = 0; i < in.size(); i++) {
              out.add(
                  toRecord(
                      model,
                      target.getElementType(),
                      row.getElementType(),
                      in.get(i),
                      element(path, i)));
            }
            yield out;
          }
          case MAP -> {
            Map<?, ?> in = (Map<?, ?>) v;
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : in.entrySet()) {
              String key = e.getKey().toString();
              out.put(
                  key,
                  toRecord(
                      model,
                      target.getValueType(),
                      row.getValueType(),
                      e.getValue(),
                      entry(path, key)));
            }
            yield out;
          }
          case STRING -> v.toString();
          case FIXED -> model.createFixed(null, ((GenericFixed) v).bytes(), target);
          default -> v; // numbers, booleans, bytes (ByteBuffer)
        };
    if (target.getType() == Schema.Type.UNION) {
      return raw; // the branch converted its logical type already
    }
    LogicalType logicalType = target.getLogicalType();
    Conversion<?> conversion = logicalType == null ? null : model.getConversionFor(logicalType);
    return conversion == null
        ? raw
        : Conversions.convertToLogicalType(raw, target, logicalType, conversion);
  }

  /** A generic value of the row schema ({@code row}) from a value of the record's schema. */
  static Object toRow(SpecificData model, Schema source, Schema row, Object v) {
    if (v == null) {
      return null;
    }
    LogicalType logicalType = source.getLogicalType();
    Conversion<?> conversion = logicalType == null ? null : model.getConversionFor(logicalType);
    if (conversion != null && source.getType() != Schema.Type.UNION) {
      v = Conversions.convertToRawType(v, source, logicalType, conversion);
    }
    return switch (source.getType()) {
      case RECORD -> {
        IndexedRecord in = (IndexedRecord) v;
        GenericData.Record out = new GenericData.Record(row);
        for (Schema.Field f : source.getFields()) {
          Schema.Field rowField = row.getField(f.name());
          out.put(rowField.pos(), toRow(model, f.schema(), rowField.schema(), in.get(f.pos())));
        }
        yield out;
      }
      case ENUM -> v instanceof GenericEnumSymbol<?> || v instanceof Enum<?> ? v.toString() : v;
      case UNION -> {
        int branch = model.resolveUnion(source, v);
        yield toRow(model, source.getTypes().get(branch), row.getTypes().get(branch), v);
      }
      case ARRAY -> {
        List<?> in = (List<?>) v;
        List<Object> out = new ArrayList<>(in.size());
        for (Object item : in) {
          out.add(toRow(model, source.getElementType(), row.getElementType(), item));
        }
        yield out;
      }
      case MAP -> {
        Map<?, ?> in = (Map<?, ?>) v;
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : in.entrySet()) {
          out.put(
              e.getKey().toString(),
              toRow(model, source.getValueType(), row.getValueType(), e.getValue()));
        }
        yield out;
      }
      case BYTES -> v instanceof byte[] b ? ByteBuffer.wrap(b) : v;
      default -> v;
    };
  }
}
