package dev.mstream.embed;

import static org.apache.flink.util.Preconditions.checkArgument;

import java.io.Serializable;
import java.util.List;

/**
 * Everything needed to turn text into vectors with one model: its files, how to tokenise and pool,
 * and what its vectors look like. Immutable and serializable so operators can carry it to the task
 * managers; build one with {@link #builder(String)} or take a built-in from {@link ModelProfiles}.
 *
 * <p>A record, so that equality, hashing and {@code toString} cover every component without being
 * written by hand; the builder names the settings, and the canonical constructor checks them (so a
 * profile read back from Java serialization is checked too) and names the first one that is missing
 * or wrong.
 *
 * @param name identifies the model; vectors of different models must never be compared
 * @param onnxModel the {@code .onnx} file: a filesystem path or a classpath resource name (the
 *     bundled models live inside jars); a file that exists wins
 * @param tokenizer the Hugging Face {@code tokenizer.json}: a filesystem path or a classpath
 *     resource name
 * @param pooling how token vectors become one text vector
 * @param maxTokens tokens per text including special tokens; longer texts are truncated
 * @param queryPrefix what the model was trained to see in front of queries ("" for none)
 * @param documentPrefix what the model was trained to see in front of documents ("" for none)
 * @param dimension length of the model's output vectors
 * @param normalize whether vectors are L2-normalised, so that inner product equals cosine
 * @param matryoshka whether the model was trained with Matryoshka loss, so its raw prefixes are
 *     good embeddings; when false, prefixes need a rotation (e.g. PCA) before truncation makes
 *     sense
 * @param batchDependent whether a text's vector depends on the other texts in its inference batch.
 *     True for models quantized with dynamic int8 activations: one activation scale per tensor
 *     spans the whole batch, so a vector moves by cosine ≈ 0.99 with its neighbours. Such models
 *     are run one text per inference unless the embedder is told batch noise is acceptable.
 * @param matryoshkaDims prefix lengths the index may use, ascending; each in (0, {@code
 *     dimension}]; just the full dimension when not set
 * @param queryDims prefix dimensions a query that names none is shortlisted on, as suits this model
 *     (e.g. its smallest good Matryoshka prefix); 0 = no advice, the index's configured default
 *     applies
 * @param queryCandidates shortlist size per index subtask for queries that name none; 0 = no advice
 * @param chunkTokens most tokens per chunk of a long document, as suits this model (special tokens,
 *     document prefix and title included, at most {@code maxTokens}); 0 = no advice: the model's
 *     max tokens, unless mstream.chunk.max-tokens says otherwise
 * @param chunkOverlapTokens tokens a chunk may repeat from the one before, as suits this model; -1
 *     = no advice (mstream.chunk.overlap-tokens applies)
 */
public record ModelProfile(
    String name,
    String onnxModel,
    String tokenizer,
    Pooling pooling,
    int maxTokens,
    String queryPrefix,
    String documentPrefix,
    int dimension,
    boolean normalize,
    boolean matryoshka,
    boolean batchDependent,
    List<Integer> matryoshkaDims,
    int queryDims,
    int queryCandidates,
    int chunkTokens,
    int chunkOverlapTokens)
    implements Serializable {

  /**
   * Checks every setting.
   *
   * @throws IllegalArgumentException naming the profile and the setting that is missing or wrong
   */
  public ModelProfile {
    checkArgument(!isBlank(name), "model profile: 'name' is required");
    check(name, !isBlank(onnxModel), "'onnxModel' (path or classpath resource) is required");
    check(name, !isBlank(tokenizer), "'tokenizer' (path or classpath resource) is required");
    check(name, pooling != null, "'pooling' is required");
    check(name, maxTokens > 0, "'maxTokens' must be > 0 (was " + maxTokens + ")");
    check(name, queryPrefix != null, "'queryPrefix' must not be null (use \"\" for none)");
    check(name, documentPrefix != null, "'documentPrefix' must not be null (use \"\" for none)");
    check(name, dimension > 0, "'dimension' must be > 0 (was " + dimension + ")");
    if (matryoshkaDims == null) {
      matryoshkaDims = List.of(dimension);
    } else {
      check(name, !matryoshkaDims.isEmpty(), "'matryoshkaDims' must not be empty");
      int previous = 0;
      for (Integer d : matryoshkaDims) {
        check(name, d != null, "'matryoshkaDims' must not contain null");
        check(
            name,
            d > 0 && d <= dimension,
            "'matryoshkaDims' entries must be in 1.." + dimension + " (was " + d + ")");
        check(
            name,
            d > previous,
            "'matryoshkaDims' must be strictly ascending (was " + matryoshkaDims + ")");
        previous = d;
      }
      matryoshkaDims = List.copyOf(matryoshkaDims);
    }
    check(
        name,
        queryDims >= 0 && queryDims <= dimension,
        "'queryDims' must be in 1.." + dimension + ", or 0 for none (was " + queryDims + ")");
    check(
        name,
        queryCandidates >= 0,
        "'queryCandidates' must be > 0, or 0 for none (was " + queryCandidates + ")");
    check(
        name,
        chunkTokens >= 0 && chunkTokens <= maxTokens,
        "'chunkTokens' must be in 1.."
            + maxTokens
            + " (maxTokens), or 0 for none (was "
            + chunkTokens
            + ")");
    check(
        name,
        chunkOverlapTokens >= -1,
        "'chunkOverlapTokens' must be >= 0, or -1 for none (was " + chunkOverlapTokens + ")");
  }

  public static Builder builder(String name) {
    return new Builder().name(name);
  }

  /** A builder holding this profile's settings, to derive a variant. */
  public Builder toBuilder() {
    return new Builder()
        .name(name)
        .onnxModel(onnxModel)
        .tokenizer(tokenizer)
        .pooling(pooling)
        .maxTokens(maxTokens)
        .queryPrefix(queryPrefix)
        .documentPrefix(documentPrefix)
        .dimension(dimension)
        .normalize(normalize)
        .matryoshka(matryoshka)
        .batchDependent(batchDependent)
        .matryoshkaDims(matryoshkaDims)
        .queryDims(queryDims)
        .queryCandidates(queryCandidates)
        .chunkTokens(chunkTokens)
        .chunkOverlapTokens(chunkOverlapTokens);
  }

  /** The prefix the model was trained to see in front of texts of this role. */
  public String prefix(TextRole role) {
    return role == TextRole.QUERY ? queryPrefix : documentPrefix;
  }

  private static void check(String name, boolean ok, String problem) {
    checkArgument(ok, "model profile '%s': %s", name, problem);
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }

  /**
   * Collects settings; {@link #build()} checks them and names the first one that is missing or
   * wrong. Defaults: mean pooling, normalised, no prefixes, not Matryoshka, not batch-dependent,
   * matryoshkaDims = the full dimension, no query or chunking advice.
   */
  public static final class Builder {
    private String name;
    private String onnxModel;
    private String tokenizer;
    private Pooling pooling = Pooling.MEAN;
    private int maxTokens;
    private String queryPrefix = "";
    private String documentPrefix = "";
    private int dimension;
    private boolean normalize = true;
    private boolean matryoshka;
    private boolean batchDependent;
    private List<Integer> matryoshkaDims;
    private int queryDims;
    private int queryCandidates;
    private int chunkTokens;
    private int chunkOverlapTokens = -1;

    private Builder() {}

    public Builder name(String name) {
      this.name = name;
      return this;
    }

    public Builder onnxModel(String pathOrResource) {
      this.onnxModel = pathOrResource;
      return this;
    }

    public Builder tokenizer(String pathOrResource) {
      this.tokenizer = pathOrResource;
      return this;
    }

    public Builder pooling(Pooling pooling) {
      this.pooling = pooling;
      return this;
    }

    public Builder maxTokens(int maxTokens) {
      this.maxTokens = maxTokens;
      return this;
    }

    public Builder queryPrefix(String queryPrefix) {
      this.queryPrefix = queryPrefix;
      return this;
    }

    public Builder documentPrefix(String documentPrefix) {
      this.documentPrefix = documentPrefix;
      return this;
    }

    public Builder dimension(int dimension) {
      this.dimension = dimension;
      return this;
    }

    public Builder normalize(boolean normalize) {
      this.normalize = normalize;
      return this;
    }

    public Builder matryoshka(boolean matryoshka) {
      this.matryoshka = matryoshka;
      return this;
    }

    public Builder batchDependent(boolean batchDependent) {
      this.batchDependent = batchDependent;
      return this;
    }

    /** Defaults to just the full dimension when never set. */
    public Builder matryoshkaDims(List<Integer> dims) {
      this.matryoshkaDims = dims;
      return this;
    }

    /** 0 (the default) leaves it to mstream.query.default-dims. */
    public Builder queryDims(int dims) {
      this.queryDims = dims;
      return this;
    }

    /** 0 (the default) leaves it to mstream.query.default-candidates. */
    public Builder queryCandidates(int candidates) {
      this.queryCandidates = candidates;
      return this;
    }

    /** 0 (the default) leaves it to mstream.chunk.max-tokens, else the model's max tokens. */
    public Builder chunkTokens(int tokens) {
      this.chunkTokens = tokens;
      return this;
    }

    /** -1 (the default) leaves it to mstream.chunk.overlap-tokens. */
    public Builder chunkOverlapTokens(int tokens) {
      this.chunkOverlapTokens = tokens;
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the profile and the setting that is missing or wrong
     */
    public ModelProfile build() {
      return new ModelProfile(
          name,
          onnxModel,
          tokenizer,
          pooling,
          maxTokens,
          queryPrefix,
          documentPrefix,
          dimension,
          normalize,
          matryoshka,
          batchDependent,
          matryoshkaDims,
          queryDims,
          queryCandidates,
          chunkTokens,
          chunkOverlapTokens);
    }
  }
}
