package dev.mstream.records;

import org.apache.flink.annotation.Internal;

/** A record that could not be processed, with why (a Flink POJO; encoded as DeadLetter). */
@Internal
public class DeadLetterRecord {

  public String reason;
  public String message;
  public RawRecord source;
  public long timestamp;

  public DeadLetterRecord() {}

  public static DeadLetterRecord of(RawRecord source, String reason, String message) {
    DeadLetterRecord d = new DeadLetterRecord();
    d.reason = reason;
    d.message = message;
    d.source = source;
    d.timestamp = System.currentTimeMillis();
    return d;
  }
}
