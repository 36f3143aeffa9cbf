package dev.mstream.jobs.bench.latency;

import dev.mstream.schemas.Query;
import dev.mstream.schemas.QueryResult;
import dev.mstream.schemas.ResultStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Queries at a steady pace (open loop: query {@code i} is sent at {@code start + i / rate}, whether
 * or not earlier ones were answered, unless {@code concurrency} queries are already waiting), each
 * timed from its publish to its result being consumed.
 */
final class PacedQueries {

  /** One answered query: end-to-end milliseconds and the result (its timings breakdown). */
  record Sample(double millis, QueryResult result) {}

  /** What one run of paced queries saw. */
  record Outcome(
      String phase,
      int sent,
      List<Sample> answered,
      int unanswered,
      int notOk,
      double seconds,
      double maxBehindMillis) {

    LatencySummary latency() {
      List<Double> ms = new ArrayList<>(answered.size());
      answered.forEach(s -> ms.add(s.millis()));
      return LatencySummary.of(ms);
    }
  }

  /** Told about progress about every two seconds. */
  interface Status {
    void report(String phase, int sent, int answered, int waiting, LatencySummary soFar);
  }

  private final QuerySender sender;
  private final ResultListener results;
  private final List<String> texts;
  private final String namespace;
  private final int k;
  private final Random random;
  private final String runId = Long.toString(System.nanoTime(), 36);

  PacedQueries(
      QuerySender sender,
      ResultListener results,
      List<String> texts,
      String namespace,
      int k,
      long seed) {
    if (texts.isEmpty()) {
      throw new IllegalArgumentException("no query texts");
    }
    this.sender = sender;
    this.results = results;
    this.texts = texts;
    this.namespace = namespace;
    this.k = k;
    this.random = new Random(seed);
  }

  /**
   * Sends {@code count} queries at {@code rate} per second (fewer if {@code stop} turns true
   * first), then waits up to {@code drain} for the outstanding answers.
   *
   * @param concurrency most queries waiting for an answer at once; 0 = no limit
   */
  Outcome run(
      String phase,
      double rate,
      int count,
      int concurrency,
      BooleanSupplier stop,
      Duration drain,
      Status status)
      throws InterruptedException {
    long periodNanos = (long) (1e9 / rate);
    Semaphore slots = new Semaphore(concurrency > 0 ? concurrency : Integer.MAX_VALUE);
    Map<String, Long> waiting = new ConcurrentHashMap<>();
    List<Sample> answered = java.util.Collections.synchronizedList(new ArrayList<>());
    long start = System.nanoTime();
    long lastStatus = start;
    long maxBehind = 0;
    int sent = 0;
    while (sent < count && !stop.getAsBoolean()) {
      long due = start + sent * periodNanos;
      long now = System.nanoTime();
      if (due > now) {
        LockSupport.parkNanos(due - now);
        continue;
      }
      slots.acquire();
      now = System.nanoTime();
      maxBehind = Math.max(maxBehind, now - due);
      String id = phase + "-" + runId + "-" + sent;
      long sentAt = System.nanoTime();
      waiting.put(id, sentAt);
      results.expect(
          id,
          a -> {
            if (waiting.remove(id) != null) {
              answered.add(new Sample((a.nanos() - sentAt) / 1e6, a.result()));
              slots.release();
            }
          });
      sender.send(
          Query.newBuilder()
              .setQueryId(id)
              .setNamespace(namespace)
              .setText(texts.get(random.nextInt(texts.size())))
              .setK(k)
              .setEventTime(Instant.ofEpochMilli(System.currentTimeMillis()))
              .build());
      sent++;
      if (now - lastStatus > 2_000_000_000L) {
        lastStatus = now;
        status.report(phase, sent, answered.size(), waiting.size(), summary(answered));
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long drainEnd = System.nanoTime() + drain.toNanos();
    while (!waiting.isEmpty() && System.nanoTime() < drainEnd) {
      Thread.sleep(20);
    }
    for (String id : waiting.keySet()) {
      results.forget(id);
    }
    List<Sample> done;
    synchronized (answered) {
      done = new ArrayList<>(answered);
    }
    int notOk = 0;
    for (Sample s : done) {
      if (s.result().getStatus() != ResultStatus.OK) {
        notOk++;
      }
    }
    status.report(phase, sent, done.size(), waiting.size(), summary(done));
    return new Outcome(phase, sent, done, waiting.size(), notOk, seconds, maxBehind / 1e6);
  }

  private static LatencySummary summary(List<Sample> samples) {
    List<Double> ms = new ArrayList<>();
    synchronized (samples) {
      samples.forEach(s -> ms.add(s.millis()));
    }
    return LatencySummary.of(ms);
  }
}
