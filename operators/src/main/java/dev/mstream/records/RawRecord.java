package dev.mstream.records;

import org.apache.flink.annotation.Internal;

/**
 * A Kafka record exactly as it arrived, so that one that cannot be decoded can be dead-lettered
 * byte for byte with its provenance (a Flink POJO).
 */
@Internal
public class RawRecord {

  public String topic;
  public int partition;
  public long offset;
  public long timestamp;
  public byte[] key;

  /** Null for a tombstone. */
  public byte[] value;

  public RawRecord() {}

  public RawRecord(
      String topic, int partition, long offset, long timestamp, byte[] key, byte[] value) {
    this.topic = topic;
    this.partition = partition;
    this.offset = offset;
    this.timestamp = timestamp;
    this.key = key;
    this.value = value;
  }

  public String describe() {
    return topic + "-" + partition + "@" + offset;
  }
}
