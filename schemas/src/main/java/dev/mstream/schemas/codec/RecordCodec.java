package dev.mstream.schemas.codec;

import java.io.Serializable;
import org.apache.avro.specific.SpecificRecord;

/**
 * Turns one record type into Kafka record values and back. Implementations are immutable,
 * thread-safe after construction and serializable, so Flink functions can hold them.
 */
public interface RecordCodec<T extends SpecificRecord> extends Serializable {

  Encoding encoding();

  byte[] encode(T record);

  /**
   * @throws CodecException with a machine-readable {@link CodecException#reason()} when the bytes
   *     are not a valid record of this type
   */
  T decode(byte[] bytes) throws CodecException;
}
