package dev.mstream.schemas.codec;

import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;

/** Picks the codec for a topic's configured {@link Encoding}. */
public final class Codecs {

  private Codecs() {}

  public static <T extends SpecificRecord> RecordCodec<T> of(Class<T> type, Encoding encoding) {
    Objects.requireNonNull(encoding, "encoding");
    return switch (encoding) {
      case AVRO -> new AvroSingleObjectCodec<>(type);
      case JSON -> new JsonCodec<>(type);
      case AVRO_SQL -> new AvroSqlCodec<>(type);
    };
  }
}
