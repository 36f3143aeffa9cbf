package dev.mstream.schemas.codec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * Writes single-object encoding the way a producer in another language would: from the .avsc
 * shipped in the jar, with a generic writer and the header assembled by hand, so nothing is shared
 * with the generated classes or Avro's message encoder.
 */
final class ForeignAvroWriter {

  private ForeignAvroWriter() {}

  static Schema avsc(String name) {
    try (InputStream in = ForeignAvroWriter.class.getResourceAsStream("/avro/" + name + ".avsc")) {
      if (in == null) {
        throw new IllegalStateException("/avro/" + name + ".avsc is not on the classpath");
      }
      return new Schema.Parser().parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] write(GenericRecord record) {
    return write(record, SchemaNormalization.parsingFingerprint64(record.getSchema()));
  }

  static byte[] write(GenericRecord record, long fingerprint) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(0xC3);
      out.write(0x01);
      for (int i = 0; i < 8; i++) {
        out.write((int) (fingerprint >>> (8 * i)) & 0xFF); // little-endian, per the spec
      }
      BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
      new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
      encoder.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
