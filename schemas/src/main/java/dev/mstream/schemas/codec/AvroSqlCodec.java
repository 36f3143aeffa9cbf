package dev.mstream.schemas.codec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;

/**
 * Plain Avro binary as Flink SQL's {@code avro} format writes it: no header and no fingerprint, so
 * the writer schema is implied by the topic. It is the record's schema with enums as strings
 * ({@link SqlRowSchema}), which is exactly what Flink derives from a table whose columns are the
 * record's fields in order, with the same nullability, and {@code STRING} for enums (the README
 * gives the DDL of each topic).
 *
 * <p>Without a fingerprint nothing tells records of another layout apart up front; they are caught
 * by the byte-exact walk ({@link AvroBinaryBounds}: lengths, union indexes, trailing bytes) and by
 * the enum check, and dead-lettered as {@code MALFORMED_AVRO} or {@code UNKNOWN_ENUM}. A table with
 * the right types in another column order can still be misread: declare the columns as documented.
 */
public final class AvroSqlCodec<T extends SpecificRecord> implements RecordCodec<T> {

  private static final long serialVersionUID = 1L;

  private final Class<T> type;

  // Avro's readers and writers are not Serializable; rebuilt on first use after deserialization.
  private transient volatile State<T> state;

  public AvroSqlCodec(Class<T> type) {
    this.type = Objects.requireNonNull(type, "type");
    state();
  }

  /** The writer schema this codec reads and writes: the record's schema with enums as strings. */
  public Schema rowSchema() {
    return state().row;
  }

  @Override
  public Encoding encoding() {
    return Encoding.AVRO_SQL;
  }

  @Override
  public byte[] encode(T record) {
    State<T> s = state();
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try {
      BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
      s.writer.write(SqlRowSchema.toRow(s.record.model, s.record.schema, s.row, record), encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "cannot encode " + type.getSimpleName() + " as Avro: " + e.getMessage(), e);
    }
    return out.toByteArray();
  }

  @Override
  public T decode(byte[] bytes) throws CodecException {
    State<T> s = state();
    String name = s.record.name();
    if (bytes == null || bytes.length == 0) {
      throw new CodecException(
          CodecException.EMPTY_VALUE, "empty value, expected a plain Avro " + name + " record");
    }
    try {
      AvroBinaryBounds.check(s.row, bytes, 0);
    } catch (AvroBinaryBounds.Violation v) {
      throw new CodecException(
          v.reason(),
          (CodecException.MALFORMED_AVRO.equals(v.reason()) ? "malformed" : "invalid")
              + " plain Avro "
              + name
              + " body (mstream.encoding AVRO_SQL: no header, the columns of the documented"
              + " table), "
              + v.getMessage(),
          v);
    }
    Object row;
    try {
      BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, null);
      row = s.reader.read(null, decoder);
    } catch (IOException | RuntimeException e) {
      throw new CodecException(
          CodecException.MALFORMED_AVRO,
          "cannot decode plain Avro "
              + name
              + ": "
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage(),
          e);
    }
    return type.cast(SqlRowSchema.toRecord(s.record.model, s.record.schema, s.row, row, ""));
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
    return "AvroSqlCodec[" + type.getName() + "]";
  }

  private static final class State<T extends SpecificRecord> {
    final RecordType<T> record;
    final Schema row;
    final GenericDatumReader<Object> reader;
    final GenericDatumWriter<Object> writer;

    State(RecordType<T> record) {
      this.record = record;
      this.row = SqlRowSchema.of(record.schema);
      this.reader = new GenericDatumReader<>(row);
      this.writer = new GenericDatumWriter<>(row);
    }
  }
}
