package dev.mstream.schemas.codec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro single-object encoding: {@code 0xC3 0x01}, the schema's 8-byte little-endian CRC-64-AVRO
 * fingerprint, then the Avro binary body. Producers in any language can write it from the .avsc
 * alone, and the fingerprint lets a reader reject records of another schema instead of misreading
 * them.
 *
 * <p>Records written with an earlier version of the schema ({@link SchemaHistory}) are read too,
 * resolved into the current one: their fingerprint names the schema they were written with.
 */
public final class AvroSingleObjectCodec<T extends SpecificRecord> implements RecordCodec<T> {

  private static final long serialVersionUID = 1L;

  static final byte MAGIC_0 = (byte) 0xC3;
  static final byte MAGIC_1 = (byte) 0x01;
  static final int HEADER_LENGTH = 10;

  private final Class<T> type;

  // Avro's encoder and decoder are not Serializable; Flink ships codecs inside functions, so they
  // are rebuilt on first use after deserialization. A race only builds an equivalent twin.
  private transient volatile State<T> state;

  public AvroSingleObjectCodec(Class<T> type) {
    this.type = Objects.requireNonNull(type, "type");
    state(); // fail at construction, not on the first record, for a class without a schema
  }

  public Class<T> type() {
    return type;
  }

  /** The CRC-64-AVRO fingerprint of the schema's parsing canonical form, as in the header. */
  public long fingerprint() {
    return state().fingerprint;
  }

  @Override
  public Encoding encoding() {
    return Encoding.AVRO;
  }

  /**
   * @throws IllegalArgumentException when the record does not fit its schema (e.g. a null in a
   *     non-nullable field)
   */
  @Override
  public byte[] encode(T record) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try {
      state().encoder.encode(record, out);
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
    if (bytes == null || bytes.length == 0) {
      throw new CodecException(
          CodecException.EMPTY_VALUE, "empty value, expected an Avro " + s.name + " record");
    }
    Schema writer = checkHeader(s, bytes);
    try {
      AvroBinaryBounds.check(writer, bytes, HEADER_LENGTH);
    } catch (AvroBinaryBounds.Violation v) {
      throw new CodecException(
          v.reason(),
          (CodecException.MALFORMED_AVRO.equals(v.reason()) ? "malformed" : "invalid")
              + " Avro "
              + s.name
              + " body, "
              + v.getMessage(),
          v);
    }
    try {
      return s.decoder.decode(bytes);
    } catch (MissingSchemaException e) {
      throw new CodecException(CodecException.UNKNOWN_SCHEMA, e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      // The checks above should leave nothing for Avro to reject; this keeps any gap between them
      // and Avro's reader (BadHeaderException, AvroRuntimeException, EOF) a dead letter, not a
      // crash of the job.
      throw new CodecException(
          CodecException.MALFORMED_AVRO,
          "cannot decode Avro "
              + s.name
              + ": "
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** The schema the record was written with: the current one or an earlier version. */
  private static Schema checkHeader(State<?> s, byte[] bytes) throws CodecException {
    if (bytes.length < HEADER_LENGTH || bytes[0] != MAGIC_0 || bytes[1] != MAGIC_1) {
      throw new CodecException(
          CodecException.MALFORMED_AVRO,
          "not Avro single-object encoding: expected header C3 01 and an 8-byte schema"
              + " fingerprint, got "
              + (bytes.length < HEADER_LENGTH ? bytes.length + " byte(s) in all, starting " : "")
              + Hex.bytes(bytes, 0, Math.min(bytes.length, 2)));
    }
    long got = readLittleEndianLong(bytes, 2);
    if (got == s.fingerprint) {
      return s.schema;
    }
    Schema earlier = s.history.get(got);
    if (earlier == null) {
      throw new CodecException(
          CodecException.UNKNOWN_SCHEMA,
          "unknown schema fingerprint "
              + Hex.fingerprint(got)
              + ": expected "
              + Hex.fingerprint(s.fingerprint)
              + " (CRC-64-AVRO of the parsing canonical form of "
              + s.schema.getFullName()
              + (s.history.isEmpty()
                  ? ""
                  : ", or of an earlier version: "
                      + String.join(
                          ", ", s.history.keySet().stream().map(Hex::fingerprint).toList()))
              + "); the record was written with another schema");
    }
    return earlier;
  }

  static long readLittleEndianLong(byte[] bytes, int offset) {
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = (v << 8) | (bytes[offset + i] & 0xFFL);
    }
    return v;
  }

  private State<T> state() {
    State<T> s = state;
    if (s == null) {
      s = new State<>(type);
      state = s;
    }
    return s;
  }

  @Override
  public String toString() {
    return "AvroSingleObjectCodec[" + type.getName() + "]";
  }

  private static final class State<T extends SpecificRecord> {
    final Schema schema;
    final String name;
    final long fingerprint;
    final BinaryMessageEncoder<T> encoder;
    final BinaryMessageDecoder<T> decoder;

    /** Earlier versions of the schema by fingerprint, in the order they were published. */
    final Map<Long, Schema> history = new LinkedHashMap<>();

    State(Class<T> type) {
      RecordType<T> record = RecordType.of(type);
      this.schema = record.schema;
      this.name = record.name();
      this.fingerprint = SchemaNormalization.parsingFingerprint64(schema);
      this.encoder = new BinaryMessageEncoder<>(record.model, schema);
      this.decoder = new BinaryMessageDecoder<>(record.model, schema);
      for (Schema earlier : SchemaHistory.of(type, name)) {
        long f = SchemaNormalization.parsingFingerprint64(earlier);
        if (f != fingerprint) {
          history.put(f, earlier);
          decoder.addSchema(earlier);
        }
      }
    }
  }
}
