package dev.mstream.schemas.codec;

/** How record values are written on Kafka topics. */
public enum Encoding {
  /** Avro single-object encoding: 0xC3 0x01, 8-byte schema fingerprint, Avro binary body. */
  AVRO,
  /** One JSON object per record, with the Avro field names. */
  JSON,
  /**
   * Plain Avro binary without header or fingerprint, as Flink SQL's {@code avro} format writes it:
   * the writer schema is implied by the topic (the record's schema with enums as strings, see
   * {@link AvroSqlCodec}).
   */
  AVRO_SQL
}
