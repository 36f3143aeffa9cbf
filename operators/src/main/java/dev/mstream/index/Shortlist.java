package dev.mstream.index;

import org.apache.flink.annotation.Internal;

/**
 * The candidates a prefix index found for a query, best first.
 *
 * @param slots arena slots (the index's {@code idOf} names them)
 * @param scores approximate prefix scores (comparable within one shortlist only)
 * @param scanned codes scored to find them (all stages)
 * @param probes posting lists visited (0 for a flat scan)
 * @param exact whether every matching document was scored (a flat scan, a small namespace, a
 *     selective filter, or probes covering every list)
 * @param probeNanos time spent choosing the lists (scoring the centroids)
 * @param scanNanos time spent scoring codes in the first stage
 * @param rescoreNanos time spent rescoring the survivors on the whole prefix
 */
@Internal
public record Shortlist(
    int[] slots,
    float[] scores,
    long scanned,
    int probes,
    boolean exact,
    long probeNanos,
    long scanNanos,
    long rescoreNanos) {

  /** A shortlist without stage timings. */
  public Shortlist(int[] slots, float[] scores, long scanned, int probes, boolean exact) {
    this(slots, scores, scanned, probes, exact, 0, 0, 0);
  }

  public int size() {
    return slots.length;
  }
}
