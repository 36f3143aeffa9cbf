package dev.mstream.index;

import static org.apache.flink.util.Preconditions.checkArgument;

import java.io.Serializable;
import org.apache.flink.annotation.PublicEvolving;

/**
 * Configuration of the vector index operator. Built with {@link #builder}, checked on {@link
 * Builder#build()}; messages name the job option behind each value.
 *
 * @param modelId the model the vectors come from, as {@code ModelIdentity#id()} writes it ({@code
 *     name@fingerprint}); stored with every document and in the operator state, and checked on
 *     restore
 * @param dimension full embedding dimension
 * @param prefixDims coordinates of the projected prefix the index keeps in memory
 *     (mstream.index.prefix-dims)
 * @param encoding how it stores them (mstream.index.encoding)
 * @param rotate fit a PCA rotation (models not trained with Matryoshka loss); false: plain
 *     truncation, with fitted int8 scales (mstream.index.rotate, default: not native Matryoshka)
 * @param fitSample documents a subtask collects (searched exactly meanwhile) before it fits its
 *     projection (mstream.index.fit-sample)
 * @param defaultDims shortlist prefix length when a query names none (mstream.query.default-dims)
 * @param defaultCandidates full-vector rerank size when a query names none
 *     (mstream.query.default-candidates)
 * @param minDims the lowest prefix the load-adaptive policy may fall back to
 *     (mstream.query.adaptive.min-dims)
 * @param adaptiveLatencyMillis queueing delay of queries above which the index lowers the budget of
 *     queries that did not ask for specific settings (mstream.query.adaptive.latency; 0 = never)
 * @param rerank rerank the shortlist on full vectors (always, but for measuring what it adds:
 *     mstream.index.rerank)
 * @param layout FLAT (score every document) or IVF (posting lists) past the warm-up
 *     (mstream.index.layout)
 * @param centroidDims projected coordinates the centroids are fitted and probed on
 *     (mstream.index.ivf.centroid-dims)
 * @param lists posting lists per subtask; 0 = about {@link #LISTS_PER_SQRT_N} √n, chosen at every
 *     fit (mstream.index.ivf.lists)
 * @param defaultProbes lists a query probes when it names none and no recall target is set
 *     (mstream.query.default-probes)
 * @param minProbes the fewest probes the load-adaptive policy lowers to
 *     (mstream.query.adaptive.min-probes)
 * @param survivors first-stage candidates per final candidate, rescored on the whole in-memory
 *     prefix (mstream.index.ivf.survivors-per-candidate)
 * @param exactBelow a namespace with fewer documents on a subtask is scanned exactly
 *     (mstream.index.ivf.exact-below)
 * @param refitGrowth refit when the subtask holds this many times the documents of its last fit
 *     (mstream.index.ivf.refit-growth; 0 = never)
 * @param refitDrift refit when the drift measure exceeds this (mstream.index.ivf.refit-drift; 0 =
 *     never)
 * @param targetRecall recall@k the index calibrates itself to; 0 = fixed defaults
 *     (mstream.query.target-recall)
 * @param recallSampleRate share of queries measured against an exhaustive search
 *     (mstream.index.recall-sample-rate)
 * @param packedBits bits per dimension of each 32-byte segment of a PACKED code, the last one
 *     repeated (mstream.index.packed-bits)
 */
@PublicEvolving
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
    boolean rerank,
    IndexLayout layout,
    int centroidDims,
    int lists,
    int defaultProbes,
    int minProbes,
    int survivors,
    int exactBelow,
    double refitGrowth,
    double refitDrift,
    double targetRecall,
    double recallSampleRate,
    int[] packedBits)
    implements Serializable {

  /** 4 bits on the first 64 dims, 2 on the next 128: 64 bytes (see {@link ScalarQuantizer}). */
  static final int[] DEFAULT_PACKED_BITS = {4, 2};

  /**
   * Prefix dimensions a query that names none is scored on, when neither the configuration
   * (mstream.query.default-dims) nor the model profile names them, for INT8 and FLOAT16 codes; at
   * most the prefix. PACKED codes are scored on their whole prefix: stored by columns, a block of
   * them costs little more on 192 dims than on the first 64, and the 64-dim first stage needed 1.5×
   * the probes and a rescore of 4-16× the candidates for the same recall on real vectors (see
   * docs/benchmarks.md).
   */
  public static final int DEFAULT_DIMS = 64;

  /**
   * Shortlist size of a query that names none, when neither the configuration
   * (mstream.query.default-candidates) nor the model profile names one.
   */
  public static final int DEFAULT_CANDIDATES = 100;

  /** Lists per √n when {@code lists} is 0 (see the benchmarks for the measurement). */
  public static final double LISTS_PER_SQRT_N = 1.0;

  public IndexSettings {
    checkArgument(
        modelId != null && !modelId.isBlank(), "model id (mstream.model) must not be empty");
    checkArgument(dimension > 0, "dimension must be > 0, was %s", dimension);
    checkArgument(
        prefixDims > 0 && prefixDims <= dimension,
        "mstream.index.prefix-dims must be in 1..%s, was %s",
        dimension,
        prefixDims);
    checkArgument(fitSample >= 2, "mstream.index.fit-sample must be >= 2, was %s", fitSample);
    checkArgument(
        defaultDims > 0 && defaultDims <= prefixDims,
        "mstream.query.default-dims must be in 1..%s, was %s",
        prefixDims,
        defaultDims);
    checkArgument(
        defaultCandidates > 0,
        "mstream.query.default-candidates must be > 0, was %s",
        defaultCandidates);
    checkArgument(
        minDims > 0 && minDims <= defaultDims,
        "mstream.query.adaptive.min-dims must be in 1..%s, was %s",
        defaultDims,
        minDims);
    checkArgument(adaptiveLatencyMillis >= 0, "mstream.query.adaptive.latency must be >= 0");
    checkArgument(layout != null, "mstream.index.layout must be FLAT or IVF");
    if (encoding == null) {
      encoding = layout == IndexLayout.IVF ? PrefixEncoding.PACKED : PrefixEncoding.INT8;
    }
    packedBits = packedBits == null ? DEFAULT_PACKED_BITS.clone() : packedBits.clone();
    ScalarQuantizer.segmentsFor(packedBits, prefixDims); // checks the widths
    checkArgument(
        layout != IndexLayout.FLAT || !encoding.packed(),
        "mstream.index.encoding=%s needs mstream.index.layout=IVF; the FLAT layout stores INT8 or FLOAT16",
        encoding);
    checkArgument(
        layout != IndexLayout.IVF || encoding != PrefixEncoding.FLOAT16,
        "mstream.index.encoding=FLOAT16 needs mstream.index.layout=FLAT; IVF stores PACKED or INT8");
    checkArgument(
        centroidDims > 0 && centroidDims <= prefixDims,
        "mstream.index.ivf.centroid-dims must be in 1..%s, was %s",
        prefixDims,
        centroidDims);
    checkArgument(
        lists >= 0 && lists <= Character.MAX_VALUE,
        "mstream.index.ivf.lists must be in 0..%s (0 = about √n), was %s",
        (int) Character.MAX_VALUE,
        lists);
    checkArgument(
        defaultProbes > 0, "mstream.query.default-probes must be > 0, was %s", defaultProbes);
    checkArgument(
        minProbes > 0 && minProbes <= defaultProbes,
        "mstream.query.adaptive.min-probes must be in 1..%s, was %s",
        defaultProbes,
        minProbes);
    checkArgument(
        survivors >= 1,
        "mstream.index.ivf.survivors-per-candidate must be >= 1, was %s",
        survivors);
    checkArgument(exactBelow >= 0, "mstream.index.ivf.exact-below must be >= 0");
    checkArgument(
        refitGrowth == 0 || refitGrowth > 1,
        "mstream.index.ivf.refit-growth must be > 1 (or 0 = never), was %s",
        refitGrowth);
    checkArgument(refitDrift >= 0, "mstream.index.ivf.refit-drift must be >= 0");
    checkArgument(
        targetRecall >= 0 && targetRecall < 1,
        "mstream.query.target-recall must be in [0, 1) (0 = fixed defaults), was %s",
        targetRecall);
    checkArgument(
        recallSampleRate >= 0 && recallSampleRate <= 1,
        "mstream.index.recall-sample-rate must be in [0, 1], was %s",
        recallSampleRate);
  }

  public static Builder builder(String modelId, int dimension) {
    return new Builder(modelId, dimension);
  }

  /** A builder starting from these settings. */
  public Builder toBuilder() {
    Builder b = new Builder(modelId, dimension);
    b.prefixDims = prefixDims;
    b.encoding = encoding;
    b.rotate = rotate;
    b.fitSample = fitSample;
    b.defaultDims = defaultDims;
    b.defaultCandidates = defaultCandidates;
    b.minDims = minDims;
    b.adaptiveLatencyMillis = adaptiveLatencyMillis;
    b.rerank = rerank;
    b.layout = layout;
    b.centroidDims = centroidDims;
    b.lists = lists;
    b.defaultProbes = defaultProbes;
    b.minProbes = minProbes;
    b.survivors = survivors;
    b.exactBelow = exactBelow;
    b.refitGrowth = refitGrowth;
    b.refitDrift = refitDrift;
    b.targetRecall = targetRecall;
    b.recallSampleRate = recallSampleRate;
    b.packedBits = packedBits.clone();
    return b;
  }

  /** Posting lists for a subtask of {@code documents} documents. */
  public int listsFor(long documents) {
    if (lists > 0) {
      return lists;
    }
    long auto = Math.round(LISTS_PER_SQRT_N * Math.sqrt(Math.max(1, documents)));
    return (int) Math.max(1, Math.min(Character.MAX_VALUE, auto));
  }

  /**
   * Builds {@link IndexSettings}; every setting has a default, {@link #build()} checks them
   * together. Defaults: IVF with PACKED codes (4 bits on 64 dims, 2 on the next 128: a 192-dim
   * prefix in 64 bytes; INT8 on 128 dims for FLAT), centroids on 64 dims, about √n lists; queries
   * on the whole PACKED prefix, else at {@link #DEFAULT_DIMS} dims (at most the prefix), 8 probes,
   * 4 survivors per candidate, {@link #DEFAULT_CANDIDATES} candidates; recall target 0.95 measured
   * on 1% of the queries.
   */
  public static final class Builder {
    private final String modelId;
    private final int dimension;
    private int prefixDims = -1;
    private PrefixEncoding encoding;
    private boolean rotate = true;
    private int fitSample = 2048;
    private int defaultDims = -1;
    private int defaultCandidates = DEFAULT_CANDIDATES;
    private int minDims = -1;
    private long adaptiveLatencyMillis;
    private boolean rerank = true;
    private IndexLayout layout = IndexLayout.IVF;
    private int centroidDims = -1;
    private int lists;
    private int defaultProbes = 8;
    private int minProbes = -1;
    private int survivors = 4;
    private int exactBelow = 4096;
    private double refitGrowth = 4.0;
    private double refitDrift = 0.25;
    private double targetRecall = 0.95;
    private double recallSampleRate = 0.01;
    private int[] packedBits = DEFAULT_PACKED_BITS;

    private Builder(String modelId, int dimension) {
      this.modelId = modelId;
      this.dimension = dimension;
    }

    public Builder prefixDims(int v) {
      prefixDims = v;
      return this;
    }

    /** Null: PACKED for IVF, INT8 for FLAT. */
    public Builder encoding(PrefixEncoding v) {
      encoding = v;
      return this;
    }

    public Builder rotate(boolean v) {
      rotate = v;
      return this;
    }

    public Builder fitSample(int v) {
      fitSample = v;
      return this;
    }

    /** 0 or less: the whole prefix of PACKED codes, else {@link #DEFAULT_DIMS} (at most it). */
    public Builder defaultDims(int v) {
      defaultDims = v;
      return this;
    }

    public Builder defaultCandidates(int v) {
      defaultCandidates = v;
      return this;
    }

    public Builder minDims(int v) {
      minDims = v;
      return this;
    }

    public Builder adaptiveLatencyMillis(long v) {
      adaptiveLatencyMillis = v;
      return this;
    }

    public Builder rerank(boolean v) {
      rerank = v;
      return this;
    }

    public Builder layout(IndexLayout v) {
      layout = v;
      return this;
    }

    public Builder centroidDims(int v) {
      centroidDims = v;
      return this;
    }

    public Builder lists(int v) {
      lists = v;
      return this;
    }

    public Builder defaultProbes(int v) {
      defaultProbes = v;
      return this;
    }

    public Builder minProbes(int v) {
      minProbes = v;
      return this;
    }

    public Builder survivors(int v) {
      survivors = v;
      return this;
    }

    public Builder exactBelow(int v) {
      exactBelow = v;
      return this;
    }

    public Builder refitGrowth(double v) {
      refitGrowth = v;
      return this;
    }

    public Builder refitDrift(double v) {
      refitDrift = v;
      return this;
    }

    public Builder targetRecall(double v) {
      targetRecall = v;
      return this;
    }

    public Builder recallSampleRate(double v) {
      recallSampleRate = v;
      return this;
    }

    /** Bits per dimension of each 32-byte segment of PACKED codes (2 or 4), the last repeated. */
    public Builder packedBits(int... v) {
      packedBits = v.clone();
      return this;
    }

    public IndexSettings build() {
      boolean packed =
          layout == IndexLayout.IVF && (encoding == null || encoding == PrefixEncoding.PACKED);
      // Packed codes cover the dims of their widths once through (192 by default).
      int prefix =
          prefixDims > 0
              ? prefixDims
              : Math.min(packed ? ScalarQuantizer.dimsOf(packedBits) : 128, dimension);
      int dims = defaultDims > 0 ? defaultDims : packed ? prefix : Math.min(DEFAULT_DIMS, prefix);
      int probes = Math.max(1, defaultProbes);
      return new IndexSettings(
          modelId,
          dimension,
          prefix,
          encoding,
          rotate,
          fitSample,
          dims,
          defaultCandidates,
          minDims > 0 ? minDims : Math.min(32, dims),
          adaptiveLatencyMillis,
          rerank,
          layout,
          centroidDims > 0 ? centroidDims : Math.min(64, prefix),
          lists,
          probes,
          minProbes > 0 ? minProbes : Math.max(1, probes / 4),
          survivors,
          exactBelow,
          refitGrowth,
          refitDrift,
          targetRecall,
          recallSampleRate,
          packedBits);
    }
  }
}
