package dev.mstream.embed;

import static org.apache.flink.util.Preconditions.checkArgument;

import java.io.Serializable;
import java.util.Objects;

/**
 * How an {@link OnnxEmbeddingModel} runs: intra-op threads, the largest batch handed to ONNX
 * Runtime at once (in texts and in padded tokens), and the device. Immutable; {@code with*} methods
 * return a changed copy and reject bad values with a message naming the setting.
 */
public final class EmbedderOptions implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Stands for "all available processors", resolved where the model opens. */
  private static final int ALL_PROCESSORS = 0;

  private static final int DEFAULT_MAX_BATCH_SIZE = 32;

  /** Stands for "the execution provider's default", resolved where the model opens. */
  private static final int BY_PROVIDER = 0;

  /**
   * Padded tokens per ONNX run on CPU: 32 texts of 256 tokens. Larger runs do not go faster on a
   * few cores, and attention's memory grows with the square of the length.
   */
  static final int CPU_BATCH_TOKENS = 8_192;

  /** On a GPU, runs must be large to keep it busy: 256 texts of 256 tokens. */
  static final int CUDA_BATCH_TOKENS = 65_536;

  static final int CUDA_MAX_BATCH_SIZE = 256;

  private final int intraOpThreads;
  private final int maxBatchSize;
  private final int batchTokens;
  private final ExecutionDevice device;
  private final boolean batchInvariant;

  private EmbedderOptions(
      int intraOpThreads,
      int maxBatchSize,
      int batchTokens,
      ExecutionDevice device,
      boolean batchInvariant) {
    this.intraOpThreads = intraOpThreads;
    this.maxBatchSize = maxBatchSize;
    this.batchTokens = batchTokens;
    this.device = device;
    this.batchInvariant = batchInvariant;
  }

  /**
   * All available processors, CPU; batches of up to 32 texts and 8,192 padded tokens on CPU, 256
   * texts and 65,536 tokens when CUDA runs the model.
   */
  public static EmbedderOptions defaults() {
    return new EmbedderOptions(ALL_PROCESSORS, BY_PROVIDER, BY_PROVIDER, ExecutionDevice.CPU, true);
  }

  public EmbedderOptions withIntraOpThreads(int threads) {
    checkArgument(
        threads >= 1, "embedder options: 'intraOpThreads' must be >= 1 (was %s)", threads);
    return new EmbedderOptions(threads, maxBatchSize, batchTokens, device, batchInvariant);
  }

  /**
   * @param size texts per ONNX run; 0 = by execution provider (32 on CPU, 256 on CUDA)
   */
  public EmbedderOptions withMaxBatchSize(int size) {
    checkArgument(
        size >= 0,
        "embedder options: 'maxBatchSize' must be >= 1, or 0 for the default (was %s)",
        size);
    return new EmbedderOptions(intraOpThreads, size, batchTokens, device, batchInvariant);
  }

  /**
   * @param tokens padded tokens (texts × longest text) per ONNX run; a text longer than this still
   *     runs, alone; 0 = by execution provider (8,192 on CPU, 65,536 on CUDA)
   */
  public EmbedderOptions withBatchTokens(int tokens) {
    checkArgument(
        tokens >= 0,
        "embedder options: 'batchTokens' must be >= 1, or 0 for the default (was %s)",
        tokens);
    return new EmbedderOptions(intraOpThreads, maxBatchSize, tokens, device, batchInvariant);
  }

  /**
   * @param device {@code cpu}, {@code cuda}, {@code cuda:N} or {@code auto}
   */
  public EmbedderOptions withDevice(String device) {
    try {
      return new EmbedderOptions(
          intraOpThreads, maxBatchSize, batchTokens, ExecutionDevice.parse(device), batchInvariant);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("embedder options: 'device': " + e.getMessage(), e);
    }
  }

  /**
   * Threads ONNX Runtime uses inside one operator. Unless set explicitly, the processors available
   * to this JVM, read now rather than when the options were built: options are built on the client
   * and the model opens on a task manager that may have a different number of cores.
   */
  public int intraOpThreads() {
    return intraOpThreads == ALL_PROCESSORS
        ? Math.max(1, Runtime.getRuntime().availableProcessors())
        : intraOpThreads;
  }

  /**
   * Whether a text's vector must not depend on the texts batched with it. For a {@link
   * ModelProfile#batchDependent()} model this means one text per inference (slower, but a replayed
   * or re-embedded text gets the same vector and a query equal to a document scores 1.0).
   */
  public EmbedderOptions withBatchInvariant(boolean invariant) {
    return new EmbedderOptions(intraOpThreads, maxBatchSize, batchTokens, device, invariant);
  }

  public boolean batchInvariant() {
    return batchInvariant;
  }

  /** Texts per ONNX run on CPU. */
  public int maxBatchSize() {
    return maxBatchSize(false);
  }

  /** Texts per ONNX run, on CUDA or on CPU. */
  public int maxBatchSize(boolean cuda) {
    if (maxBatchSize != BY_PROVIDER) {
      return maxBatchSize;
    }
    return cuda ? CUDA_MAX_BATCH_SIZE : DEFAULT_MAX_BATCH_SIZE;
  }

  /** Padded tokens per ONNX run, on CUDA or on CPU. */
  public int batchTokens(boolean cuda) {
    if (batchTokens != BY_PROVIDER) {
      return batchTokens;
    }
    return cuda ? CUDA_BATCH_TOKENS : CPU_BATCH_TOKENS;
  }

  public ExecutionDevice device() {
    return device;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof EmbedderOptions)) {
      return false;
    }
    EmbedderOptions other = (EmbedderOptions) o;
    return intraOpThreads == other.intraOpThreads
        && maxBatchSize == other.maxBatchSize
        && batchTokens == other.batchTokens
        && device.equals(other.device)
        && batchInvariant == other.batchInvariant;
  }

  @Override
  public int hashCode() {
    return Objects.hash(intraOpThreads, maxBatchSize, batchTokens, device, batchInvariant);
  }

  @Override
  public String toString() {
    return "EmbedderOptions{intraOpThreads="
        + (intraOpThreads == ALL_PROCESSORS ? "all" : String.valueOf(intraOpThreads))
        + ", maxBatchSize="
        + (maxBatchSize == BY_PROVIDER ? "by provider" : String.valueOf(maxBatchSize))
        + ", batchTokens="
        + (batchTokens == BY_PROVIDER ? "by provider" : String.valueOf(batchTokens))
        + ", device="
        + device
        + ", batchInvariant="
        + batchInvariant
        + '}';
  }
}
