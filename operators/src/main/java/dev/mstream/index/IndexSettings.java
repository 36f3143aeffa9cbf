package dev.mstream.index;

import java.io.Serializable;

/**
 * Configuration of the vector index operator. Checked on construction; messages name the job option
 * behind each value.
 *
 * @param modelId the model the vectors come from, as {@code ModelIdentity#id()} writes it ({@code
 *     name@fingerprint}); stored with every document and in the operator state, and checked on
 *     restore
 * @param dimension full embedding dimension
 * @param prefixDims coordinates of the projected prefix the arena stores
 *     (mstream.index.prefix-dims)
 * @param encoding how the arena stores them (mstream.index.encoding)
 * @param rotate fit a PCA rotation (models not trained with Matryoshka loss); false: plain
 *     truncation, with fitted int8 scales (mstream.index.rotate, default: not native Matryoshka)
 * @param fitSample documents a subtask collects (searched exactly meanwhile) before it fits its
 *     projection (mstream.index.fit-sample)
 * @param defaultDims shortlist prefix length when a query names none (mstream.query.default-dims)
 * @param defaultCandidates shortlist size when a query names none
 *     (mstream.query.default-candidates)
 * @param minDims the lowest prefix the load-adaptive policy may fall back to
 *     (mstream.query.adaptive.min-dims)
 * @param adaptiveLatencyMillis queueing delay of queries above which the index lowers the dims of
 *     queries that did not ask for specific dims (mstream.query.adaptive.latency; 0 = never)
 * @param rerank rerank the shortlist on full vectors (always, but for measuring what it adds:
 *     mstream.index.rerank)
 */
public record IndexSettings(
    String modelId,
    int dimension,
    int prefixDims,
    PrefixEncoding encoding,
    boolean rotate,
    int fitSample,
    int defaultDims,
    int defaultCandidates,
    int minDims,
    long adaptiveLatencyMillis,
    boolean rerank)
    implements Serializable {

  public IndexSettings {
    if (modelId == null || modelId.isBlank()) {
      throw new IllegalArgumentException("model id (mstream.model) must not be empty");
    }
    if (dimension <= 0) {
      throw new IllegalArgumentException("dimension must be > 0, was " + dimension);
    }
    if (prefixDims <= 0 || prefixDims > dimension) {
      throw new IllegalArgumentException(
          "mstream.index.prefix-dims must be in 1.." + dimension + ", was " + prefixDims);
    }
    if (fitSample < 2) {
      throw new IllegalArgumentException("mstream.index.fit-sample must be >= 2, was " + fitSample);
    }
    if (defaultDims <= 0 || defaultDims > prefixDims) {
      throw new IllegalArgumentException(
          "mstream.query.default-dims must be in 1.." + prefixDims + ", was " + defaultDims);
    }
    if (defaultCandidates <= 0) {
      throw new IllegalArgumentException(
          "mstream.query.default-candidates must be > 0, was " + defaultCandidates);
    }
    if (minDims <= 0 || minDims > defaultDims) {
      throw new IllegalArgumentException(
          "mstream.query.adaptive.min-dims must be in 1.." + defaultDims + ", was " + minDims);
    }
    if (adaptiveLatencyMillis < 0) {
      throw new IllegalArgumentException("mstream.query.adaptive.latency must be >= 0");
    }
  }

  /** Defaults for a model: 128-dim int8 prefix, shortlist 100 at 64 dims, reranked. */
  public static IndexSettings defaults(String modelId, int dimension, boolean nativeMatryoshka) {
    int prefix = Math.min(128, dimension);
    int dims = Math.min(64, prefix);
    return new IndexSettings(
        modelId,
        dimension,
        prefix,
        PrefixEncoding.INT8,
        !nativeMatryoshka,
        2048,
        dims,
        100,
        Math.min(32, dims),
        0,
        true);
  }
}
