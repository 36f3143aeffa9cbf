package dev.mstream.jobs.bench.latency;

import dev.mstream.jobs.client.DocumentPublisher;
import dev.mstream.schemas.Document;
import dev.mstream.schemas.Hit;
import dev.mstream.schemas.Query;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Freshness as a user sees it: documents are published at a steady rate; for every {@code
 * probeEvery}-th one, a query with its exact text is sent right after the publish, and after each
 * answer that does not return the document another one, at least {@code probeInterval} after the
 * previous (one probe in flight per document, so probes cannot flood a slow job). Its freshness is
 * the time from the publish to consuming the first result that contains it: it includes one query's
 * latency, and up to one probe interval of waiting for the next probe.
 */
final class FreshnessProbes {

  /** What the run saw. */
  record Outcome(
      int published,
      double seconds,
      List<Double> freshnessMillis,
      int probed,
      int notFound,
      int probeQueries) {

    LatencySummary freshness() {
      return LatencySummary.of(freshnessMillis);
    }
  }

  private final DocumentPublisher documents;
  private final QuerySender queries;
  private final ResultListener results;

  FreshnessProbes(DocumentPublisher documents, QuerySender queries, ResultListener results) {
    this.documents = documents;
    this.queries = queries;
    this.results = results;
  }

  /**
   * Publishes {@code docs} at {@code rate} per second and probes every {@code probeEvery}-th.
   *
   * @param giveUp how long a probed document may stay unfound before it counts as not found
   */
  Outcome run(
      List<Document> docs,
      double rate,
      int probeEvery,
      Duration probeInterval,
      Duration giveUp,
      PacedQueries.Status status)
      throws InterruptedException {
    ScheduledExecutorService timer =
        Executors.newScheduledThreadPool(
            1,
            r -> {
              Thread t = new Thread(r, "bench-latency-freshness");
              t.setDaemon(true);
              return t;
            });
    List<Double> found = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger pending = new AtomicInteger();
    AtomicInteger notFound = new AtomicInteger();
    AtomicInteger probeQueries = new AtomicInteger();
    String runId = Long.toString(System.nanoTime(), 36);
    long periodNanos = (long) (1e9 / rate);
    long start = System.nanoTime();
    long lastStatus = start;
    int probed = 0;
    try {
      for (int i = 0; i < docs.size(); i++) {
        long due = start + i * periodNanos;
        long now;
        while ((now = System.nanoTime()) < due) {
          LockSupport.parkNanos(due - now);
        }
        Document doc =
            Document.newBuilder(docs.get(i))
                .setEventTime(Instant.ofEpochMilli(System.currentTimeMillis()))
                .build();
        long publishedAt = System.nanoTime();
        documents.publish(doc);
        if (i % probeEvery == 0) {
          probed++;
          pending.incrementAndGet();
          new Probe(doc, publishedAt, runId, found, pending, notFound, probeQueries)
              .start(timer, probeInterval, giveUp);
        }
        if (now - lastStatus > 2_000_000_000L) {
          lastStatus = now;
          status.report(
              "freshness", i + 1, found.size(), pending.get(), LatencySummary.of(snapshot(found)));
        }
      }
      documents.flush();
      double seconds = (System.nanoTime() - start) / 1e9;
      long end = System.nanoTime() + giveUp.toNanos() + 1_000_000_000L;
      while (pending.get() > 0 && System.nanoTime() < end) {
        Thread.sleep(50);
      }
      List<Double> done = snapshot(found);
      status.report("freshness", docs.size(), done.size(), pending.get(), LatencySummary.of(done));
      return new Outcome(
          docs.size(), seconds, done, probed, notFound.get() + pending.get(), probeQueries.get());
    } finally {
      timer.shutdownNow();
    }
  }

  private static List<Double> snapshot(List<Double> list) {
    synchronized (list) {
      return new ArrayList<>(list);
    }
  }

  /** The probe queries of one document. */
  private final class Probe {
    private final Document doc;
    private final long publishedAt;
    private final String idPrefix;
    private final List<Double> found;
    private final AtomicInteger pending;
    private final AtomicInteger notFound;
    private final AtomicInteger probeQueries;
    private final AtomicBoolean done = new AtomicBoolean();
    private final List<String> sentIds = Collections.synchronizedList(new ArrayList<>());
    private volatile ScheduledFuture<?> repeat;
    private ScheduledExecutorService timer;
    private Duration interval;
    private volatile long lastSent;

    Probe(
        Document doc,
        long publishedAt,
        String runId,
        List<Double> found,
        AtomicInteger pending,
        AtomicInteger notFound,
        AtomicInteger probeQueries) {
      this.doc = doc;
      this.publishedAt = publishedAt;
      this.idPrefix = "fresh-" + runId + "-" + doc.getId() + "-";
      this.found = found;
      this.pending = pending;
      this.notFound = notFound;
      this.probeQueries = probeQueries;
    }

    void start(ScheduledExecutorService timer, Duration interval, Duration giveUp) {
      this.timer = timer;
      this.interval = interval;
      repeat = timer.schedule(() -> finish(false), giveUp.toMillis(), TimeUnit.MILLISECONDS);
      timer.execute(this::send);
    }

    /** The next probe, {@code interval} after the last one was sent (at once if that is past). */
    private void again() {
      long wait = interval.toNanos() - (System.nanoTime() - lastSent);
      try {
        timer.schedule(this::send, Math.max(0, wait), TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // the run is over
      }
    }

    private void send() {
      if (done.get()) {
        return;
      }
      lastSent = System.nanoTime();
      String id = idPrefix + sentIds.size();
      sentIds.add(id);
      probeQueries.incrementAndGet();
      results.expect(
          id,
          a -> {
            for (Hit h : a.result().getHits()) {
              if (h.getDocId().equals(doc.getId())) {
                if (done.compareAndSet(false, true)) {
                  found.add((a.nanos() - publishedAt) / 1e6);
                  pending.decrementAndGet();
                  stop();
                }
                return;
              }
            }
            again();
          });
      queries.send(
          Query.newBuilder()
              .setQueryId(id)
              .setNamespace(doc.getNamespace())
              .setText(doc.getText())
              .setK(10)
              .setEventTime(Instant.ofEpochMilli(System.currentTimeMillis()))
              .build());
    }

    private void finish(boolean wasFound) {
      if (!wasFound && done.compareAndSet(false, true)) {
        notFound.incrementAndGet();
        pending.decrementAndGet();
        stop();
      }
    }

    private void stop() {
      ScheduledFuture<?> r = repeat;
      if (r != null) {
        r.cancel(false);
      }
      synchronized (sentIds) {
        sentIds.forEach(results::forget);
      }
    }
  }
}
