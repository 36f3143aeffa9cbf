package dev.mstream.decode;

import java.io.Serializable;
import java.util.List;

/**
 * What a document or query may ask for; anything beyond is rejected with a reason instead of being
 * processed.
 *
 * @param maxTextBytes largest UTF-8 text accepted (mstream.limits.max-text-bytes)
 * @param maxK largest k a query may ask for (mstream.query.max-k)
 * @param maxCandidates largest shortlist a query may ask for (mstream.query.max-candidates)
 * @param dimension the model's full dimension
 * @param servableDims prefix lengths the index can serve; a query's dims must be one of them
 */
public record InputLimits(
    int maxTextBytes, int maxK, int maxCandidates, int dimension, List<Integer> servableDims)
    implements Serializable {

  public InputLimits {
    if (maxTextBytes <= 0) {
      throw new IllegalArgumentException("mstream.limits.max-text-bytes must be > 0");
    }
    if (maxK <= 0) {
      throw new IllegalArgumentException("mstream.query.max-k must be > 0");
    }
    if (maxCandidates <= 0) {
      throw new IllegalArgumentException("mstream.query.max-candidates must be > 0");
    }
    if (dimension <= 0) {
      throw new IllegalArgumentException("model dimension must be > 0");
    }
    servableDims = List.copyOf(servableDims);
  }
}
