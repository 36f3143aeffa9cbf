package dev.mstream.jobs.bench.latency;

import dev.mstream.jobs.eval.IndexProbe;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * How many documents of a namespace the job has indexed, as a Kafka client can see it: a small
 * probe query every {@code every} (one candidate, k = 1, so it costs the job one RocksDB lookup per
 * subtask) and the largest {@code index_size} their results report, with the time the result
 * carrying it was consumed.
 */
final class IndexSizeProbe implements AutoCloseable {

  private final QuerySender sender;
  private final ResultListener results;
  private final String namespace;
  private final ScheduledExecutorService timer;
  private final AtomicLong sent = new AtomicLong();
  private final String runId = Long.toString(System.nanoTime(), 36);

  /** Largest index size seen, and the nanoTime of the result that first reported it. */
  private long best = -1;

  private long bestNanos;

  IndexSizeProbe(QuerySender sender, ResultListener results, String namespace, Duration every) {
    this.sender = sender;
    this.results = results;
    this.namespace = namespace;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "bench-latency-probe-" + namespace);
              t.setDaemon(true);
              return t;
            });
    timer.scheduleAtFixedRate(this::probe, 0, every.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void probe() {
    String id = "probe-" + namespace + "-" + runId + "-" + sent.incrementAndGet();
    results.expect(
        id,
        a -> {
          synchronized (this) {
            if (a.result().getIndexSize() > best) {
              best = a.result().getIndexSize();
              bestNanos = a.nanos();
              notifyAll();
            }
          }
        });
    sender.send(IndexProbe.probeQuery(id, namespace));
  }

  /** Largest index size any probe has reported so far; -1 before the first answer. */
  synchronized long seen() {
    return best;
  }

  /**
   * Waits until a probe reports at least {@code expected} documents and returns the nanoTime that
   * result was consumed at; {@code progress} hears the size about every two seconds.
   *
   * @param stall how long the size may stay unchanged before giving up
   */
  long awaitAtLeast(long expected, Duration stall, LongConsumer progress)
      throws InterruptedException, TimeoutException {
    long lastChange = System.nanoTime();
    long lastReport = 0;
    long last = -2;
    synchronized (this) {
      while (best < expected) {
        long now = System.nanoTime();
        if (best != last) {
          last = best;
          lastChange = now;
        }
        if (now - lastReport > 2_000_000_000L) {
          lastReport = now;
          progress.accept(Math.max(0, best));
        }
        if (System.nanoTime() - lastChange > stall.toNanos()) {
          throw new TimeoutException(
              "index size of namespace '"
                  + namespace
                  + "' "
                  + (best < 0 ? "unknown (no probe answered)" : "stuck at " + best)
                  + " of "
                  + expected
                  + " for "
                  + stall.toSeconds()
                  + " s");
        }
        wait(200);
      }
      progress.accept(best);
      return bestNanos;
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
