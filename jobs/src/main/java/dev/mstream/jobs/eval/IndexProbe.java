package dev.mstream.jobs.eval;

import dev.mstream.jobs.client.QueryClient;
import dev.mstream.schemas.Query;
import dev.mstream.schemas.QueryResult;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;

/**
 * Waits until the running job has indexed a number of documents, by sending small probe queries and
 * reading the {@code index_size} of their results: the only view of indexing progress a Kafka
 * client has, and the same path a user's query takes.
 */
public final class IndexProbe {

  private static final Duration PROBE_EVERY = Duration.ofMillis(250);

  private final QueryClient client;
  private final String namespace;
  private final JobClient job;
  private final Set<String> probes = new HashSet<>();
  private long sent;

  /**
   * @param job checked while waiting, so a failed job ends the wait at once (may be null)
   */
  public IndexProbe(QueryClient client, String namespace, JobClient job) {
    this.client = client;
    this.namespace = namespace;
    this.job = job;
  }

  /**
   * Returns once a probe sees at least {@code expected} live documents in the namespace.
   *
   * @param stall how long the count may stay unchanged before giving up
   * @param progress told every new count
   * @return the count seen (at least {@code expected})
   * @throws TimeoutException when the count stalls, naming how far it got
   */
  public long awaitIndexSize(long expected, Duration stall, LongConsumer progress)
      throws TimeoutException, InterruptedException {
    return awaitSettled(expected, () -> 0, stall, progress);
  }

  /**
   * Returns once every one of {@code published} documents is accounted for: in the index (as a
   * probe sees it) or counted by {@code rejected} (dead-lettered, e.g. an empty text). Polling
   * {@code rejected} is left to it, so pass e.g. {@code () -> deadLetters.poll(Duration.ZERO)}.
   *
   * @param stall how long both counts may stay unchanged before giving up
   * @param progress told every new number of settled (indexed + rejected) documents
   * @return the index size seen
   * @throws TimeoutException when the counts stall, naming how far they got
   */
  public long awaitSettled(
      long published, LongSupplier rejected, Duration stall, LongConsumer progress)
      throws TimeoutException, InterruptedException {
    long best = -1;
    long dead = 0;
    long lastChange = System.nanoTime();
    long nextProbe = 0;
    while (true) {
      long now = System.nanoTime();
      if (now >= nextProbe) {
        sendProbe();
        checkJob();
        nextProbe = now + PROBE_EVERY.toNanos();
      }
      boolean changed = false;
      for (QueryResult r : client.poll(Duration.ofMillis(50))) {
        if (probes.contains(r.getQueryId()) && r.getIndexSize() > best) {
          best = r.getIndexSize();
          changed = true;
        }
      }
      long deadNow = rejected.getAsLong();
      if (deadNow != dead) {
        dead = deadNow;
        changed = true;
      }
      if (changed) {
        lastChange = System.nanoTime();
        progress.accept(Math.max(0, best) + dead);
      }
      if (best >= 0 && best + dead >= published) {
        return best;
      }
      if (System.nanoTime() - lastChange > stall.toNanos()) {
        throw new TimeoutException(
            "index size "
                + (best < 0 ? "unknown (no probe query was answered)" : "stuck at " + best)
                + (dead > 0 ? " (and " + dead + " dead-lettered)" : "")
                + " of "
                + published
                + " documents for "
                + stall.toSeconds()
                + " s"
                + jobState());
      }
    }
  }

  private void sendProbe() {
    String id = "index-probe-" + (++sent) + "-" + System.nanoTime();
    probes.add(id);
    client.send(probeQuery(id, namespace));
    client.flush();
  }

  /**
   * A query that only asks for {@code index_size}: one candidate keeps it to one RocksDB lookup per
   * subtask instead of default-candidates, so it costs the measured job next to nothing.
   */
  public static Query probeQuery(String id, String namespace) {
    return Query.newBuilder()
        .setQueryId(id)
        .setNamespace(namespace)
        .setText("index probe")
        .setK(1)
        .setCandidates(1)
        .setEventTime(Instant.now())
        .build();
  }

  private void checkJob() throws InterruptedException {
    if (job == null) {
      return;
    }
    JobStatus status;
    try {
      status = job.getJobStatus().get();
    } catch (ExecutionException e) {
      return; // status unknown: keep waiting, the stall timeout still applies
    }
    if (status.isGloballyTerminalState()) {
      throw new IllegalStateException("the job stopped while indexing: " + status);
    }
  }

  private String jobState() {
    if (job == null) {
      return "";
    }
    try {
      return "; job status " + job.getJobStatus().get();
    } catch (Exception e) {
      return "";
    }
  }
}
