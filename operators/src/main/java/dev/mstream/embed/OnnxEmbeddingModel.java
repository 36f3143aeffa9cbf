package dev.mstream.embed;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.annotation.VisibleForTesting;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sentence-embedding model run with ONNX Runtime and tokenised with a Hugging Face {@code
 * tokenizer.json}: BERT-style encoders whose output is {@code last_hidden_state [batch, tokens,
 * hidden]}, pooled and L2-normalised as the {@link ModelProfile} says.
 *
 * <p>This object is the single owner of the native handles (session options, session, tokenizer);
 * {@link #close()} releases them in reverse order of creation and may be called more than once. Not
 * thread-safe.
 *
 * <p>Dynamically quantized (int8) models compute one activation scale per tensor, and a tensor
 * spans the whole sub-batch: a text's vector moves slightly with the texts it is batched with
 * (cosine about 0.992 to the same text embedded alone, for all-MiniLM-L6-v2-q). fp32 models give
 * the same vector whatever the batch. Do not expect bit-identical vectors when re-embedding.
 */
public final class OnnxEmbeddingModel implements EmbeddingModel {
  private static final Logger LOG = LoggerFactory.getLogger(OnnxEmbeddingModel.class);

  static final String INPUT_IDS = "input_ids";
  static final String ATTENTION_MASK = "attention_mask";
  static final String TOKEN_TYPE_IDS = "token_type_ids";
  private static final Set<String> KNOWN_INPUTS = Set.of(INPUT_IDS, ATTENTION_MASK, TOKEN_TYPE_IDS);
  private static final String HIDDEN_STATE = "last_hidden_state";

  private final ModelProfile profile;
  private final EmbedderOptions options;
  private final OrtEnvironment env;
  private final OrtSession.SessionOptions sessionOptions;
  private final OrtSession session;
  private final HuggingFaceTokenizer tokenizer;
  private final String executionProvider;
  private final Set<String> inputNames;
  private final String outputName;
  private final ModelIdentity identity;

  private long truncatedTexts;
  private boolean closed;

  private OnnxEmbeddingModel(
      ModelProfile profile,
      EmbedderOptions options,
      OrtEnvironment env,
      OnnxSessions.Opened opened,
      HuggingFaceTokenizer tokenizer,
      String outputName,
      ModelIdentity identity) {
    this.profile = profile;
    this.identity = identity;
    this.options = options;
    this.env = env;
    this.sessionOptions = opened.options();
    this.session = opened.session();
    this.executionProvider = opened.provider();
    this.tokenizer = tokenizer;
    this.outputName = outputName;
    this.inputNames = Set.copyOf(session.getInputNames());
  }

  /** Opens the model with default options (all processors, batches of 32, CPU). */
  public static OnnxEmbeddingModel open(ModelProfile profile) {
    return open(profile, EmbedderOptions.defaults());
  }

  /**
   * Loads the model and tokenizer and logs which execution provider runs them.
   *
   * @throws EmbeddingException when a file is missing, the model does not look like a sentence
   *     encoder matching the profile, or CUDA was asked for explicitly and cannot be used
   */
  public static OnnxEmbeddingModel open(ModelProfile profile, EmbedderOptions options) {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    OnnxSessions.Opened opened;
    try {
      opened = OnnxSessions.open(env, profile, options);
    } catch (IOException | OrtException e) {
      throw new EmbeddingException(
          "model profile '" + profile.name() + "': cannot load the ONNX model: " + e.getMessage(),
          e);
    }
    HuggingFaceTokenizer tokenizer = null;
    try {
      String outputName = checkSignature(profile, opened.session());
      try {
        tokenizer = openTokenizer(profile);
      } catch (IOException | RuntimeException e) {
        throw new EmbeddingException(
            "model profile '" + profile.name() + "': cannot load the tokenizer: " + e.getMessage(),
            e);
      }
      // Once per open: reads both files again (the session has them in native memory only).
      ModelIdentity identity = ModelIdentity.of(profile);
      OnnxEmbeddingModel model =
          new OnnxEmbeddingModel(profile, options, env, opened, tokenizer, outputName, identity);
      model.logProvider(opened.cudaProblem());
      return model;
    } catch (OrtException | RuntimeException e) {
      EmbeddingException failure =
          e instanceof EmbeddingException
              ? (EmbeddingException) e
              : new EmbeddingException("model '" + profile.name() + "': " + e.getMessage(), e);
      try {
        closeAll(tokenizer, opened.session(), opened.options());
      } catch (EmbeddingException closing) {
        failure.addSuppressed(closing);
      }
      throw failure;
    }
  }

  @Override
  public ModelProfile profile() {
    return profile;
  }

  /** Computed once, when the model was opened. */
  @Override
  public ModelIdentity identity() {
    return identity;
  }

  public EmbedderOptions options() {
    return options;
  }

  /** "CPU" or "CUDA": where ONNX Runtime actually runs this model. */
  public String executionProvider() {
    return executionProvider;
  }

  @Override
  public long truncatedTexts() {
    return truncatedTexts;
  }

  /**
   * Texts are sorted by token count and run in sub-batches of at most {@code maxBatchSize}, each
   * padded only to its own longest text: padding everything to the longest text of a large mixed
   * batch would spend most of the work on padding. Results come back in input order. Sorting can
   * only help when a call brings several times {@code maxBatchSize} texts.
   */
  @Override
  public float[][] embed(List<String> texts, TextRole role) {
    if (closed) {
      throw new IllegalStateException("model '" + profile.name() + "' is closed");
    }
    int n = texts.size();
    if (n == 0) {
      return new float[0][];
    }
    String prefix = profile.prefix(role);
    List<String> inputs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String text = texts.get(i);
      if (text == null) {
        throw new IllegalArgumentException("text " + i + " of " + n + " is null");
      }
      inputs.add(prefix.isEmpty() ? text : prefix + text);
    }

    Encoding[] encodings = tokenizer.batchEncode(inputs);
    for (Encoding e : encodings) {
      if (e.exceedMaxLength()) {
        truncatedTexts++;
      }
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingInt(i -> encodings[i].getIds().length));

    int[] sortedLengths = new int[n];
    for (int k = 0; k < n; k++) {
      sortedLengths[k] = encodings[order[k]].getIds().length;
    }
    float[][] vectors = new float[n][];
    TokenBudget budget = new TokenBudget(inferenceBatchSize(), options.batchTokens(onCuda()));
    for (int from = 0; from < n; ) {
      int to = budget.end(sortedLengths, from);
      runBatch(encodings, order, from, to, vectors);
      from = to;
    }
    return vectors;
  }

  /** Texts per ONNX run: one for batch-dependent models unless batch noise is allowed. */
  int inferenceBatchSize() {
    return profile.batchDependent() && options.batchInvariant()
        ? 1
        : options.maxBatchSize(onCuda());
  }

  private boolean onCuda() {
    return OnnxSessions.CUDA.equals(executionProvider);
  }

  private void runBatch(Encoding[] encodings, Integer[] order, int from, int to, float[][] out) {
    int size = to - from;
    int tokens = 0;
    for (int k = from; k < to; k++) {
      tokens = Math.max(tokens, encodings[order[k]].getIds().length);
    }
    // zero is the pad id of BERT vocabularies; the attention mask hides padding from the model
    long[] ids = new long[size * tokens];
    long[] mask = new long[size * tokens];
    long[] types = new long[size * tokens];
    for (int k = 0; k < size; k++) {
      Encoding e = encodings[order[from + k]];
      int base = k * tokens;
      System.arraycopy(e.getIds(), 0, ids, base, e.getIds().length);
      System.arraycopy(e.getAttentionMask(), 0, mask, base, e.getAttentionMask().length);
      System.arraycopy(e.getTypeIds(), 0, types, base, e.getTypeIds().length);
    }

    long[] shape = {size, tokens};
    Map<String, OnnxTensor> feed = new LinkedHashMap<>();
    try {
      feed.put(INPUT_IDS, tensor(ids, shape));
      if (inputNames.contains(ATTENTION_MASK)) {
        feed.put(ATTENTION_MASK, tensor(mask, shape));
      }
      if (inputNames.contains(TOKEN_TYPE_IDS)) {
        feed.put(TOKEN_TYPE_IDS, tensor(types, shape));
      }
      try (OrtSession.Result result = session.run(feed)) {
        OnnxValue value =
            result
                .get(outputName)
                .orElseThrow(() -> new EmbeddingException("no output '" + outputName + "'"));
        OnnxTensor hidden = (OnnxTensor) value;
        long[] outShape = hidden.getInfo().getShape();
        int dim = profile.dimension();
        if (outShape.length != 3
            || outShape[0] != size
            || outShape[1] != tokens
            || outShape[2] != dim) {
          throw new EmbeddingException(
              "model '"
                  + profile.name()
                  + "': output '"
                  + outputName
                  + "' has shape "
                  + Arrays.toString(outShape)
                  + ", expected ["
                  + size
                  + ", "
                  + tokens
                  + ", "
                  + dim
                  + "] (is the profile's dimension right?)");
        }
        FloatBuffer states = hidden.getFloatBuffer();
        for (int k = 0; k < size; k++) {
          out[order[from + k]] =
              VectorPooling.pool(
                  states, mask, k, tokens, dim, profile.pooling(), profile.normalize());
        }
      }
    } catch (OrtException e) {
      throw new EmbeddingException(
          "model '"
              + profile.name()
              + "': inference failed for "
              + size
              + " texts of up to "
              + tokens
              + " tokens: "
              + e.getMessage(),
          e);
    } finally {
      for (OnnxTensor t : feed.values()) {
        t.close();
      }
    }
  }

  private OnnxTensor tensor(long[] data, long[] shape) throws OrtException {
    return OnnxTensor.createTensor(env, LongBuffer.wrap(data), shape);
  }

  /** Releases the tokenizer, the session and its options, in reverse order of creation. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    closeAll(tokenizer, session, sessionOptions);
  }

  /** The native tokenizer, to see that close() released it. */
  @VisibleForTesting
  HuggingFaceTokenizer tokenizerHandle() {
    return tokenizer;
  }

  @VisibleForTesting
  OrtSession sessionHandle() {
    return session;
  }

  private void logProvider(String cudaProblem) {
    String how =
        "embedding model '"
            + profile.name()
            + "' (fingerprint "
            + identity.fingerprint()
            + ") runs on the "
            + executionProvider
            + " execution provider (device '"
            + options.device()
            + "', "
            + options.intraOpThreads()
            + " intra-op threads, "
            + (inferenceBatchSize() == 1 && options.maxBatchSize(onCuda()) > 1
                ? "one text per inference so vectors do not depend on batch neighbours"
                : "batches of up to "
                    + inferenceBatchSize()
                    + " texts and "
                    + options.batchTokens(onCuda())
                    + " padded tokens")
            + ")";
    if (cudaProblem != null) {
      LOG.info("{}: CUDA is not usable here, {}", how, cudaProblem);
    } else {
      LOG.info(how);
    }
  }

  /**
   * Finds the output to pool and checks the inputs can all be fed, so a wrong model file fails at
   * open rather than on the first record.
   */
  private static String checkSignature(ModelProfile profile, OrtSession session)
      throws OrtException {
    Set<String> inputs = session.getInputNames();
    if (!inputs.contains(INPUT_IDS) || !KNOWN_INPUTS.containsAll(inputs)) {
      throw new EmbeddingException(
          "model '"
              + profile.name()
              + "': the ONNX model takes inputs "
              + inputs
              + ", but only "
              + INPUT_IDS
              + " (required), "
              + ATTENTION_MASK
              + " and "
              + TOKEN_TYPE_IDS
              + " can be fed");
    }
    Map<String, NodeInfo> outputs = session.getOutputInfo();
    String name = outputs.containsKey(HIDDEN_STATE) ? HIDDEN_STATE : null;
    if (name == null) {
      for (Map.Entry<String, NodeInfo> e : outputs.entrySet()) {
        if (e.getValue().getInfo() instanceof TensorInfo
            && ((TensorInfo) e.getValue().getInfo()).getShape().length == 3) {
          name = e.getKey();
          break;
        }
      }
    }
    if (name == null) {
      throw new EmbeddingException(
          "model '"
              + profile.name()
              + "': the ONNX model has no token-level output [batch, tokens, hidden] to pool; its"
              + " outputs are "
              + outputs.keySet());
    }
    long[] shape = ((TensorInfo) outputs.get(name).getInfo()).getShape();
    long hidden = shape[shape.length - 1];
    if (hidden > 0 && hidden != profile.dimension()) {
      throw new EmbeddingException(
          "model profile '"
              + profile.name()
              + "': 'dimension' is "
              + profile.dimension()
              + " but the model's output '"
              + name
              + "' has "
              + hidden
              + " dimensions");
    }
    return name;
  }

  /**
   * The bundled tokenizer.json files carry their own truncation (often 128) and fixed padding;
   * override both: truncation follows the profile, and padding is done per sub-batch here.
   */
  private static HuggingFaceTokenizer openTokenizer(ModelProfile profile) throws IOException {
    Map<String, String> settings =
        Map.of(
            "addSpecialTokens", "true",
            "truncation", "true",
            "maxLength", Integer.toString(profile.maxTokens()),
            "padding", "false");
    ModelFile file = ModelFile.tokenizer(profile);
    Path path = file.path();
    if (path != null) {
      return HuggingFaceTokenizer.newInstance(path, settings);
    }
    try (InputStream in = file.open()) {
      return HuggingFaceTokenizer.newInstance(in, settings);
    }
  }

  /** Closes each handle even when an earlier one fails, and reports every failure. */
  private static void closeAll(
      HuggingFaceTokenizer tokenizer, OrtSession session, OrtSession.SessionOptions options) {
    EmbeddingException failure = null;
    AutoCloseable[] handles = {tokenizer, session, options};
    for (AutoCloseable handle : handles) {
      if (handle == null) {
        continue;
      }
      try {
        handle.close();
      } catch (Exception e) {
        if (failure == null) {
          failure = new EmbeddingException("closing the embedding model failed", e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
