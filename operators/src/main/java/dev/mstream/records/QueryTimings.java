package dev.mstream.records;

import java.time.Instant;

/**
 * Where a query's time went, stage by stage, carried from the query decoder through the embed
 * operator and the index subtasks to the merged result (a Flink POJO). A result reports the stages
 * of the index subtask whose answer came last: the one the result waited for.
 *
 * <p>Durations within one operator are measured with {@link System#nanoTime()}. Those that cross
 * operators, which may run in different TaskManagers, are differences of wall-clock stamps in
 * microseconds, so they include any clock skew between the machines ({@link #sourceMillis} also the
 * skew between the producer's clock and the job's).
 */
public class QueryTimings {

  // ------------------------------------------------------------------------
  //  stamps: wall clock, epoch microseconds; 0 = not reached
  // ------------------------------------------------------------------------

  /** When the query decoder emitted the request. */
  public long decodedAtMicros;

  /** When the embed operator emitted the request with its vector. */
  public long embeddedAtMicros;

  /** When the index subtask emitted its partial answer. */
  public long answeredAtMicros;

  // ------------------------------------------------------------------------
  //  durations, milliseconds
  // ------------------------------------------------------------------------

  /** Event time (sent) to decoded: producer, broker, the source's fetch. */
  public double sourceMillis;

  /** Waiting in the embed operator's micro-batch before the model ran. */
  public double batchWaitMillis;

  /**
   * Embedded to the index subtask starting on the query: the network exchange and the index's input
   * queue (documents ahead of it, checkpoint alignment, a snapshot on the task thread).
   */
  public double queueMillis;

  /** The prefix-arena shortlist (or the exact warm-up scan before the projection is fitted). */
  public double scanMillis;

  /** Reranking the shortlist on full vectors from keyed state. */
  public double rerankMillis;

  /** The last partial answer leaving its index subtask to the merged result: exchange and merge. */
  public double mergeMillis;

  public QueryTimings() {}

  /** The wall clock in epoch microseconds. */
  public static long nowMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
  }

  /** Decoded now; {@code eventTimeMillis} (when the query was sent) 0 means unknown. */
  public void decoded(long eventTimeMillis) {
    decodedAtMicros = nowMicros();
    sourceMillis = eventTimeMillis > 0 ? since(eventTimeMillis * 1000, decodedAtMicros) : 0;
  }

  /** Embedded now, after waiting {@code batchWaitMillis} for its batch. */
  public void embedded(double batchWaitMillis) {
    this.batchWaitMillis = batchWaitMillis;
    embeddedAtMicros = nowMicros();
  }

  /** An index subtask started on the query at {@code atMicros}. */
  public void reachedIndex(long atMicros) {
    queueMillis = since(embeddedAtMicros, atMicros);
  }

  /** The index subtask emits its partial answer now. */
  public void answered() {
    answeredAtMicros = nowMicros();
  }

  /** The merged result leaves the merger at {@code atMicros}. */
  public void merged(long atMicros) {
    mergeMillis = since(answeredAtMicros, atMicros);
  }

  private static double since(long fromMicros, long toMicros) {
    return fromMicros > 0 ? Math.max(0, toMicros - fromMicros) / 1000.0 : 0;
  }

  public QueryTimings copy() {
    QueryTimings c = new QueryTimings();
    c.decodedAtMicros = decodedAtMicros;
    c.embeddedAtMicros = embeddedAtMicros;
    c.answeredAtMicros = answeredAtMicros;
    c.sourceMillis = sourceMillis;
    c.batchWaitMillis = batchWaitMillis;
    c.queueMillis = queueMillis;
    c.scanMillis = scanMillis;
    c.rerankMillis = rerankMillis;
    c.mergeMillis = mergeMillis;
    return c;
  }

  @Override
  public String toString() {
    return String.format(
        java.util.Locale.ROOT,
        "QueryTimings{source=%.2f batchWait=%.2f queue=%.2f scan=%.2f rerank=%.2f merge=%.2f}",
        sourceMillis,
        batchWaitMillis,
        queueMillis,
        scanMillis,
        rerankMillis,
        mergeMillis);
  }
}
