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
 * <p>Flink SQL's {@code avro} format derives the Avro schema from the table's columns: a nullable
 * column (or map value, or array element) becomes {@code ["null", T]}, and there are no enums. The
 * row schema follows the columns a SQL user would naturally declare for the record:
 *
 * <ul>
 *   <li>an enum is a {@code STRING} column: an Avro string that must be one of the symbols;
 *   <li>a field with a default is a nullable column: NULL means the default ({@code namespace}
 *       'default', {@code op} 'UPSERT', no {@code attributes}); only fields without a default (a
 *       document's {@code id}) are {@code NOT NULL};
 *   <li>map values and array elements are nullable, as in {@code MAP<STRING, STRING>}: a NULL map
 *       value means no such entry, a NULL array element is rejected.
 * </ul>
 */
final class SqlRowSchema {

  private SqlRowSchema() {}

  /** The row schema of {@code schema} (see the class comment). */
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
          Schema column = convert(f.schema(), records);
          fields.add(
              new Schema.Field(f.name(), f.hasDefaultValue() ? nullable(column) : column, f.doc()));
        }
        row.setFields(fields);
        yield row;
      }
      case ARRAY -> Schema.createArray(nullable(convert(schema.getElementType(), records)));
      case MAP -> Schema.createMap(nullable(convert(schema.getValueType(), records)));
      case UNION -> {
        List<Schema> branches = new ArrayList<>();
        schema.getTypes().forEach(b -> branches.add(convert(b, records)));
        yield Schema.createUnion(branches);
      }
      default -> schema;
    };
  }

  private static Schema nullable(Schema s) {
    return s.isNullable() ? s : Schema.createUnion(Schema.create(Schema.Type.NULL), s);
  }

  /** The branch of a nullable row column that holds the values of a non-nullable field. */
  private static Schema valueBranch(Schema target, Schema row) {
    return row.getType() == Schema.Type.UNION && target.getType() != Schema.Type.UNION
        ? row.getTypes().get(1)
        : row;
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
    row = valueBranch(target, row);
    Object raw =
        switch (target.getType()) {
          case RECORD -> {
            IndexedRecord in = (IndexedRecord) v;
            Object out = model.newRecord(null, target);
            for (Schema.Field f : target.getFields()) {
              Schema.Field rowField = row.getField(f.name());
              Object column = in.get(rowField.pos());
              Object value =
                  column == null && f.hasDefaultValue()
                      // a NULL column means the default; copied, as the model caches one instance
                      ? model.deepCopy(f.schema(), model.getDefaultValue(f))
                      : toRecord(
                          model, f.schema(), rowField.schema(), column, child(path, f.name()));
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
              if (in.get(i) == null) {
                throw new CodecException(
                    CodecException.WRONG_TYPE, "field '" + element(path, i) + "' is NULL");
              }
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
              if (e.getValue() == null) {
                continue; // MAP<STRING, STRING> may hold NULLs: no value, no entry
              }
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
    row = valueBranch(source, row);
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
