package dev.mstream.embed;

import java.io.Serializable;
import java.util.Objects;

/**
 * How an {@link OnnxEmbeddingModel} runs: intra-op threads, the largest batch handed to ONNX
 * Runtime at once, and the device. Immutable; {@code with*} methods return a changed copy and
 * reject bad values with a message naming the setting.
 */
public final class EmbedderOptions implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Stands for "all available processors", resolved where the model opens. */
  private static final int ALL_PROCESSORS = 0;

  private static final int DEFAULT_MAX_BATCH_SIZE = 32;

  private final int intraOpThreads;
  private final int maxBatchSize;
  private final ExecutionDevice device;
  private final boolean batchInvariant;

  private EmbedderOptions(
      int intraOpThreads, int maxBatchSize, ExecutionDevice device, boolean batchInvariant) {
    this.intraOpThreads = intraOpThreads;
    this.maxBatchSize = maxBatchSize;
    this.device = device;
    this.batchInvariant = batchInvariant;
  }

  /** All available processors, batches of 32, CPU. */
  public static EmbedderOptions defaults() {
    return new EmbedderOptions(ALL_PROCESSORS, DEFAULT_MAX_BATCH_SIZE, ExecutionDevice.CPU, true);
  }

  public EmbedderOptions withIntraOpThreads(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException(
          "embedder options: 'intraOpThreads' must be >= 1 (was " + threads + ")");
    }
    return new EmbedderOptions(threads, maxBatchSize, device, batchInvariant);
  }

  public EmbedderOptions withMaxBatchSize(int size) {
    if (size < 1) {
      throw new IllegalArgumentException(
          "embedder options: 'maxBatchSize' must be >= 1 (was " + size + ")");
    }
    return new EmbedderOptions(intraOpThreads, size, device, batchInvariant);
  }

  /**
   * @param device {@code cpu}, {@code cuda}, {@code cuda:N} or {@code auto}
   */
  public EmbedderOptions withDevice(String device) {
    try {
      return new EmbedderOptions(
          intraOpThreads, maxBatchSize, ExecutionDevice.parse(device), batchInvariant);
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
    return new EmbedderOptions(intraOpThreads, maxBatchSize, device, invariant);
  }

  public boolean batchInvariant() {
    return batchInvariant;
  }

  public int maxBatchSize() {
    return maxBatchSize;
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
        && device.equals(other.device)
        && batchInvariant == other.batchInvariant;
  }

  @Override
  public int hashCode() {
    return Objects.hash(intraOpThreads, maxBatchSize, device, batchInvariant);
  }

  @Override
  public String toString() {
    return "EmbedderOptions{intraOpThreads="
        + (intraOpThreads == ALL_PROCESSORS ? "all" : String.valueOf(intraOpThreads))
        + ", maxBatchSize="
        + maxBatchSize
        + ", device="
        + device
        + ", batchInvariant="
        + batchInvariant
        + '}';
  }
}
