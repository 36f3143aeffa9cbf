package dev.mstream.index;

import dev.mstream.records.SearchRequest;
import java.util.function.LongSupplier;

/**
 * The load-adaptive dims policy: a query's own dims, or the default, lowered to the configured
 * minimum while queries wait longer than the adaptive latency bound. How long they wait is the
 * queueing delay (now minus the query's event time), smoothed by an exponentially weighted moving
 * average.
 *
 * <p>Not checkpointed: after a restore the queue is drained anyway, and the average starts at zero.
 */
final class AdaptiveDims {

  // ------------------------------------------------------------------------
  //  configuration
  // ------------------------------------------------------------------------

  /** 0 = never adapt. */
  private final long latencyBoundMillis;

  private final int minDims;
  private final int defaultDims;
  private final LongSupplier clockMillis;

  // ------------------------------------------------------------------------
  //  state (not checkpointed)
  // ------------------------------------------------------------------------

  private double queueDelayEwma;

  AdaptiveDims(IndexSettings settings, LongSupplier clockMillis) {
    this.latencyBoundMillis = settings.adaptiveLatencyMillis();
    this.minDims = settings.minDims();
    this.defaultDims = settings.defaultDims();
    this.clockMillis = clockMillis;
  }

  /** Records the request's queueing delay and returns the prefix dims to shortlist it on. */
  int dimsFor(SearchRequest request, int prefixDims) {
    if (request.eventTime > 0 && latencyBoundMillis > 0) {
      // Each sample is capped at twice the bound, so one query with a stale or skewed event
      // time cannot hold the average up for hundreds of queries: only a run of late ones can.
      long delay = Math.max(0, clockMillis.getAsLong() - request.eventTime);
      double capped = Math.min(delay, 2.0 * latencyBoundMillis);
      queueDelayEwma = 0.9 * queueDelayEwma + 0.1 * capped;
    }
    if (request.dims > 0) {
      return Math.min(request.dims, prefixDims);
    }
    if (latencyBoundMillis > 0 && queueDelayEwma > latencyBoundMillis) {
      return minDims;
    }
    return defaultDims;
  }
}
