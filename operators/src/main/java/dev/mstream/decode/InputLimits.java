package dev.mstream.decode;

import static org.apache.flink.util.Preconditions.checkArgument;

import java.io.Serializable;
import java.util.List;
import org.apache.flink.annotation.Internal;

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
@Internal
public record InputLimits(
    int maxTextBytes, int maxK, int maxCandidates, int dimension, List<Integer> servableDims)
    implements Serializable {

  public InputLimits {
    checkArgument(maxTextBytes > 0, "mstream.limits.max-text-bytes must be > 0");
    checkArgument(maxK > 0, "mstream.query.max-k must be > 0");
    checkArgument(maxCandidates > 0, "mstream.query.max-candidates must be > 0");
    checkArgument(dimension > 0, "model dimension must be > 0");
    servableDims = List.copyOf(servableDims);
  }
}
