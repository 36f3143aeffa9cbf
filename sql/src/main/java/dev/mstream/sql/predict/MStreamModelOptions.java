package dev.mstream.sql.predict;

import static org.apache.flink.configuration.ConfigOptions.key;

import java.time.Duration;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;

/**
 * Options of {@code CREATE MODEL ... WITH ('provider' = 'mstream', ...)}. Besides {@link #MODEL}
 * and {@link #ROLE} they are the job's {@code mstream.embed.*} options without the prefix, with the
 * same defaults, so a model in SQL embeds exactly as the job does ({@code MStreamModelOptionsTest}
 * keeps them in step).
 */
@PublicEvolving
public final class MStreamModelOptions {

  private MStreamModelOptions() {}

  public static final ConfigOption<String> MODEL =
      key("model")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "Model profile, as the job's mstream.model: a built-in name (all-minilm-l6-v2-q,"
                  + " all-minilm-l6-v2; bge-small-en-v1.5(-q), e5-small-v2(-q) when their jars are"
                  + " on the class path) or the path of a profile file (.json, .yaml, .yml).");

  public static final ConfigOption<Role> ROLE =
      key("role")
          .enumType(Role.class)
          .defaultValue(Role.DOCUMENT)
          .withDescription(
              "Which of the profile's prefixes the texts get: 'document' for texts to index"
                  + " (e5: \"passage: \"), 'query' for search texts (e5: \"query: \", bge: its"
                  + " retrieval instruction). Vectors for VECTOR_SEARCH against the job need"
                  + " 'query', as the job embeds its own queries.");

  public static final ConfigOption<String> DEVICE =
      key("device")
          .stringType()
          .defaultValue("cpu")
          .withDescription("cpu, cuda, cuda:N, or auto (CUDA when it loads, CPU otherwise).");

  public static final ConfigOption<Integer> THREADS =
      key("threads")
          .intType()
          .defaultValue(0)
          .withDescription(
              "ONNX Runtime intra-op threads per parallel instance; 0 = the cores divided by the"
                  + " operator's parallelism (at least 1).");

  public static final ConfigOption<Integer> BATCH_SIZE =
      key("batch-size")
          .intType()
          .defaultValue(256)
          .withDescription(
              "Texts collected before the model runs. A batch also runs when it holds as many"
                  + " texts as the async operator lets in flight (max-concurrent-operations, which"
                  + " should be larger than this for batches to fill), or after max-delay.");

  public static final ConfigOption<Duration> MAX_DELAY =
      key("max-delay")
          .durationType()
          .defaultValue(Duration.ofMillis(100))
          .withDescription("Longest a text waits for its batch to fill.");

  public static final ConfigOption<Integer> INFERENCE_BATCH_SIZE =
      key("inference-batch-size")
          .intType()
          .defaultValue(0)
          .withDescription(
              "Most texts per ONNX Runtime run, from the length-sorted batch. 0 = 32 on CPU, 256"
                  + " on CUDA.");

  public static final ConfigOption<Integer> BATCH_TOKENS =
      key("batch-tokens")
          .intType()
          .defaultValue(0)
          .withDescription(
              "Most padded tokens per ONNX Runtime run. 0 = 8192 on CPU, 65536 on CUDA.");

  public static final ConfigOption<Boolean> BATCH_INVARIANT =
      key("batch-invariant")
          .booleanType()
          .defaultValue(true)
          .withDescription(
              "true: int8 models run one text per inference, so a vector depends only on its"
                  + " text and equals the job's. false: batch them (faster, cosine ~0.99 to the"
                  + " unbatched vector).");

  /** {@link #ROLE}'s values; lower case in SQL. */
  public enum Role {
    DOCUMENT,
    QUERY;

    @Override
    public String toString() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
