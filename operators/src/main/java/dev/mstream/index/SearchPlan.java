package dev.mstream.index;

import static org.apache.flink.util.Preconditions.checkArgument;

import org.apache.flink.annotation.Internal;

/**
 * How much a query may spend on a subtask's prefix index.
 *
 * @param dims projected coordinates the first stage scores (AdANNS's search dims)
 * @param probes posting lists visited, nearest centroid first (inverted file only)
 * @param survivors first-stage candidates rescored on the whole in-memory prefix (when {@code dims}
 *     is shorter than it)
 * @param candidates documents returned, for the exact rerank on full vectors
 */
@Internal
public record SearchPlan(int dims, int probes, int survivors, int candidates) {

  public SearchPlan {
    checkArgument(
        dims > 0 && probes > 0 && candidates > 0 && survivors >= 0,
        "search plan needs dims, probes, candidates > 0 and survivors >= 0: %s",
        this);
  }

  /** Everything: every list, every document, on the whole prefix. */
  public static SearchPlan exhaustive(int prefixDims, int documents) {
    int all = Math.max(1, documents);
    return new SearchPlan(prefixDims, Integer.MAX_VALUE, all, all);
  }
}
