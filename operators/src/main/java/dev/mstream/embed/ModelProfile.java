package dev.mstream.embed;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * Everything needed to turn text into vectors with one model: its files, how to tokenise and pool,
 * and what its vectors look like. Immutable and serializable so operators can carry it to the task
 * managers; build one with {@link #builder(String)} or take a built-in from {@link ModelProfiles}.
 *
 * <p>{@link #onnxModel()} and {@link #tokenizer()} name either a file on disk or a resource on the
 * classpath (the bundled models live inside jars); a file that exists wins.
 */
public final class ModelProfile implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String name;
  private final String onnxModel;
  private final String tokenizer;
  private final Pooling pooling;
  private final int maxTokens;
  private final String queryPrefix;
  private final String documentPrefix;
  private final int dimension;
  private final boolean normalize;
  private final boolean matryoshka;
  private final boolean batchDependent;
  private final List<Integer> matryoshkaDims;
  private final int queryDims;
  private final int queryCandidates;

  private ModelProfile(Builder b) {
    this.name = b.name;
    this.onnxModel = b.onnxModel;
    this.tokenizer = b.tokenizer;
    this.pooling = b.pooling;
    this.maxTokens = b.maxTokens;
    this.queryPrefix = b.queryPrefix;
    this.documentPrefix = b.documentPrefix;
    this.dimension = b.dimension;
    this.normalize = b.normalize;
    this.matryoshka = b.matryoshka;
    this.batchDependent = b.batchDependent;
    this.matryoshkaDims =
        b.matryoshkaDims == null ? List.of(b.dimension) : List.copyOf(b.matryoshkaDims);
    this.queryDims = b.queryDims;
    this.queryCandidates = b.queryCandidates;
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
        .queryCandidates(queryCandidates);
  }

  /** Identifies the model; vectors of different models must never be compared. */
  public String name() {
    return name;
  }

  /** The {@code .onnx} file: a filesystem path or a classpath resource name. */
  public String onnxModel() {
    return onnxModel;
  }

  /** The Hugging Face {@code tokenizer.json}: a filesystem path or a classpath resource name. */
  public String tokenizer() {
    return tokenizer;
  }

  public Pooling pooling() {
    return pooling;
  }

  /** Tokens per text including special tokens; longer texts are truncated. */
  public int maxTokens() {
    return maxTokens;
  }

  public String queryPrefix() {
    return queryPrefix;
  }

  public String documentPrefix() {
    return documentPrefix;
  }

  /** The prefix the model was trained to see in front of texts of this role. */
  public String prefix(TextRole role) {
    return role == TextRole.QUERY ? queryPrefix : documentPrefix;
  }

  /** Length of the model's output vectors. */
  public int dimension() {
    return dimension;
  }

  /** Whether vectors are L2-normalised, so that inner product equals cosine. */
  public boolean normalize() {
    return normalize;
  }

  /**
   * Whether the model was trained with Matryoshka loss, so its raw prefixes are good embeddings.
   * When false, prefixes need a rotation (e.g. PCA) before truncation makes sense.
   */
  public boolean matryoshka() {
    return matryoshka;
  }

  /**
   * Whether a text's vector depends on the other texts in its inference batch. True for models
   * quantized with dynamic int8 activations: one activation scale per tensor spans the whole batch,
   * so a vector moves by cosine ≈ 0.99 with its neighbours. Such models are run one text per
   * inference unless the embedder is told batch noise is acceptable.
   */
  public boolean batchDependent() {
    return batchDependent;
  }

  /** Prefix lengths the index may use, ascending; each in (0, {@link #dimension()}]. */
  public List<Integer> matryoshkaDims() {
    return matryoshkaDims;
  }

  /**
   * Prefix dimensions a query that names none is shortlisted on, as suits this model (e.g. its
   * smallest good Matryoshka prefix); 0 = no advice, the index's configured default applies.
   */
  public int queryDims() {
    return queryDims;
  }

  /** Shortlist size per index subtask for queries that name none; 0 = no advice. */
  public int queryCandidates() {
    return queryCandidates;
  }

  /** Serialized bytes bypass the builder; run them through it so its checks still hold. */
  private Object readResolve() {
    return toBuilder().build();
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ModelProfile)) {
      return false;
    }
    ModelProfile p = (ModelProfile) o;
    return maxTokens == p.maxTokens
        && dimension == p.dimension
        && normalize == p.normalize
        && matryoshka == p.matryoshka
        && batchDependent == p.batchDependent
        && name.equals(p.name)
        && onnxModel.equals(p.onnxModel)
        && tokenizer.equals(p.tokenizer)
        && pooling == p.pooling
        && queryPrefix.equals(p.queryPrefix)
        && documentPrefix.equals(p.documentPrefix)
        && matryoshkaDims.equals(p.matryoshkaDims)
        && queryDims == p.queryDims
        && queryCandidates == p.queryCandidates;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
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
        queryCandidates);
  }

  @Override
  public String toString() {
    return "ModelProfile{name='"
        + name
        + "', onnxModel='"
        + onnxModel
        + "', tokenizer='"
        + tokenizer
        + "', pooling="
        + pooling
        + ", maxTokens="
        + maxTokens
        + ", queryPrefix='"
        + queryPrefix
        + "', documentPrefix='"
        + documentPrefix
        + "', dimension="
        + dimension
        + ", normalize="
        + normalize
        + ", matryoshka="
        + matryoshka
        + ", batchDependent="
        + batchDependent
        + ", matryoshkaDims="
        + matryoshkaDims
        + ", queryDims="
        + queryDims
        + ", queryCandidates="
        + queryCandidates
        + '}';
  }

  /** Collects settings; {@link #build()} checks them and names the first one that is wrong. */
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

    /**
     * @throws IllegalArgumentException naming the profile and the setting that is missing or wrong
     */
    public ModelProfile build() {
      if (isBlank(name)) {
        throw new IllegalArgumentException("model profile: 'name' is required");
      }
      require(!isBlank(onnxModel), "'onnxModel' (path or classpath resource) is required");
      require(!isBlank(tokenizer), "'tokenizer' (path or classpath resource) is required");
      require(pooling != null, "'pooling' is required");
      require(maxTokens > 0, "'maxTokens' must be > 0 (was " + maxTokens + ")");
      require(queryPrefix != null, "'queryPrefix' must not be null (use \"\" for none)");
      require(documentPrefix != null, "'documentPrefix' must not be null (use \"\" for none)");
      require(dimension > 0, "'dimension' must be > 0 (was " + dimension + ")");
      if (matryoshkaDims != null) {
        require(!matryoshkaDims.isEmpty(), "'matryoshkaDims' must not be empty");
        int previous = 0;
        for (Integer d : matryoshkaDims) {
          require(d != null, "'matryoshkaDims' must not contain null");
          require(
              d > 0 && d <= dimension,
              "'matryoshkaDims' entries must be in 1.." + dimension + " (was " + d + ")");
          require(
              d > previous,
              "'matryoshkaDims' must be strictly ascending (was " + matryoshkaDims + ")");
          previous = d;
        }
      }
      require(
          queryDims >= 0 && queryDims <= dimension,
          "'queryDims' must be in 1.." + dimension + ", or 0 for none (was " + queryDims + ")");
      require(
          queryCandidates >= 0,
          "'queryCandidates' must be > 0, or 0 for none (was " + queryCandidates + ")");
      return new ModelProfile(this);
    }

    private void require(boolean ok, String problem) {
      if (!ok) {
        throw new IllegalArgumentException("model profile '" + name + "': " + problem);
      }
    }

    private static boolean isBlank(String s) {
      return s == null || s.isBlank();
    }
  }
}
