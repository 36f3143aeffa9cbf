package dev.mstream.index;

import dev.mstream.records.SearchRequest;
import java.util.function.LongSupplier;

/**
 * The load-adaptive budget policy: while queries wait longer than the adaptive latency bound, the
 * index spends less on queries that did not name their own settings. As AdaptiveDims in AdANNS, the
 * cheaper knob goes first: the inverted file lowers its probes to {@code minProbes} when the bound
 * is passed, and also its dims to {@code minDims} when the wait reaches one and a half times the
 * bound; the flat layout, which has no probes, lowers its dims at the bound. How long queries wait
 * is the queueing delay (now minus the query's event time), smoothed by an exponentially weighted
 * moving average. Results say what was lowered.
 *
 * <p>Not checkpointed: after a restore the queue is drained anyway, and the average starts at zero.
 */
final class AdaptiveDims {

  /** What a query got. {@code reduced}: null, "PROBES", "PROBES_AND_DIMS" or "DIMS". */
  record Choice(int dims, int probes, String reduced) {}

  // ------------------------------------------------------------------------
  //  configuration
  // ------------------------------------------------------------------------

  /** 0 = never adapt. */
  private final long latencyBoundMillis;

  private final int minDims;
  private final int minProbes;
  private final int defaultDims;
  private final boolean invertedFile;
  private final LongSupplier clockMillis;

  // ------------------------------------------------------------------------
  //  state (not checkpointed)
  // ------------------------------------------------------------------------

  private double queueDelayEwma;

  AdaptiveDims(IndexSettings settings, LongSupplier clockMillis) {
    this.latencyBoundMillis = settings.adaptiveLatencyMillis();
    this.minDims = settings.minDims();
    this.minProbes = settings.minProbes();
    this.defaultDims = settings.defaultDims();
    this.invertedFile = settings.layout() == IndexLayout.IVF;
    this.clockMillis = clockMillis;
  }

  /**
   * Records the request's queueing delay and returns its dims and probes.
   *
   * @param dims the budget's dims for queries that name none
   * @param probes the budget's probes for queries that name none
   */
  Choice choose(SearchRequest request, int dims, int probes, int prefixDims) {
    if (request.eventTime > 0 && latencyBoundMillis > 0) {
      // Each sample is capped at twice the bound, so one query with a stale or skewed event
      // time cannot hold the average up for hundreds of queries: only a run of late ones can.
      long delay = Math.max(0, clockMillis.getAsLong() - request.eventTime);
      double capped = Math.min(delay, 2.0 * latencyBoundMillis);
      queueDelayEwma = 0.9 * queueDelayEwma + 0.1 * capped;
    }
    boolean late = latencyBoundMillis > 0 && queueDelayEwma > latencyBoundMillis;
    boolean veryLate = latencyBoundMillis > 0 && queueDelayEwma > 1.5 * latencyBoundMillis;
    boolean lowerProbes = invertedFile && late && request.probes <= 0 && probes > minProbes;
    boolean lowerDims =
        request.dims <= 0 && (invertedFile ? veryLate : late) && dims > Math.min(minDims, dims);
    int usedProbes = request.probes > 0 ? request.probes : lowerProbes ? minProbes : probes;
    int usedDims =
        request.dims > 0 ? Math.min(request.dims, prefixDims) : lowerDims ? minDims : dims;
    String reduced =
        lowerProbes && lowerDims
            ? "PROBES_AND_DIMS"
            : lowerProbes ? "PROBES" : lowerDims ? "DIMS" : null;
    return new Choice(Math.min(usedDims, prefixDims), usedProbes, reduced);
  }

  /** {@link #choose} with the configured defaults: the dims a query is shortlisted on. */
  int dimsFor(SearchRequest request, int prefixDims) {
    return choose(request, defaultDims, Integer.MAX_VALUE, prefixDims).dims();
  }
}
