package dev.mstream.schemas.codec;

/** How record values are written on Kafka topics. */
public enum Encoding {
  /** Avro single-object encoding: 0xC3 0x01, 8-byte schema fingerprint, Avro binary body. */
  AVRO,
  /** One JSON object per record, with the Avro field names. */
  JSON
}
