package dev.mstream.jobs.eval;

import dev.mstream.jobs.client.KafkaClients;
import dev.mstream.schemas.DeadLetter;
import dev.mstream.schemas.codec.CodecException;
import dev.mstream.schemas.codec.Codecs;
import dev.mstream.schemas.codec.Encoding;
import dev.mstream.schemas.codec.RecordCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * Counts, by reason, the records of one source topic that the job dead-lettered, as they arrive on
 * the dead-letter topic: the documents an evaluation will never find in the index (an empty text is
 * rightly rejected), so that waiting for the index can stop once every published document is either
 * indexed or counted here. Starts at the dead-letter topic's end as of construction, so open it
 * before publishing. A dead letter repeated by an at-least-once sink after a failure is counted
 * once (by its source partition and offset).
 */
public final class DeadLetterCount implements AutoCloseable {

  /** What a dead letter that does not decode is counted as (the job wrote it; it should not). */
  static final String UNREADABLE = "(unreadable dead letter)";

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final RecordCodec<DeadLetter> codec;
  private final String sourceTopic;
  private final Set<String> seen = new HashSet<>();
  private final Set<String> keys = new HashSet<>();
  private final Map<String, Integer> byReason = new TreeMap<>();

  public DeadLetterCount(
      String bootstrap,
      String deadLettersTopic,
      String sourceTopic,
      Encoding encoding,
      Properties extra) {
    this.consumer = KafkaClients.consumer(bootstrap, extra);
    this.codec = Codecs.of(DeadLetter.class, encoding);
    this.sourceTopic = sourceTopic;
    try {
      KafkaClients.assignAtEnd(consumer, deadLettersTopic, "dead-letter");
    } catch (RuntimeException e) {
      consumer.close();
      throw e;
    }
  }

  /** Reads what arrived within {@code window}; returns the count so far. */
  public long poll(Duration window) {
    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(window)) {
      DeadLetter d;
      try {
        d = codec.decode(r.value());
      } catch (CodecException e) {
        if (seen.add("?" + r.partition() + ":" + r.offset())) {
          byReason.merge(UNREADABLE, 1, Integer::sum);
        }
        continue;
      }
      if (!sourceTopic.equals(d.getSourceTopic())
          || !seen.add(d.getSourcePartition() + ":" + d.getSourceOffset())) {
        continue;
      }
      byReason.merge(d.getReason(), 1, Integer::sum);
      if (d.getKey() != null) {
        keys.add(StandardCharsets.UTF_8.decode(d.getKey().duplicate()).toString());
      }
    }
    return total();
  }

  /** Dead letters counted so far. */
  public long total() {
    return byReason.values().stream().mapToLong(Integer::longValue).sum();
  }

  /** Counts by reason code (e.g. {@code EMPTY_TEXT}), sorted by reason. */
  public Map<String, Integer> byReason() {
    return new TreeMap<>(byReason);
  }

  /** The record keys (document ids) of the dead letters counted so far. */
  public Set<String> keys() {
    return Set.copyOf(keys);
  }

  @Override
  public void close() {
    consumer.close();
  }
}
