package dev.mstream.sql.predict;

import dev.mstream.embed.EmbedderOptions;
import dev.mstream.embed.ModelProfile;
import dev.mstream.embed.OnnxEmbeddingModel;
import dev.mstream.embed.TextRole;
import java.io.Serializable;

/**
 * Everything a predict function needs to embed where it runs, checked when the model was planned:
 * the resolved profile, how ONNX Runtime runs it, the role and the micro-batching.
 *
 * @param threads intra-op threads, or 0 for the cores divided by the parallelism (resolved in the
 *     task, where the cores are)
 * @param flushSize texts that make a batch run at once: the smaller of {@code batch-size} and the
 *     async operator's capacity, so a full operator never waits for {@code max-delay}
 */
record EmbedSpec(
    ModelProfile profile,
    EmbedderOptions options,
    int threads,
    TextRole role,
    int flushSize,
    long maxDelayMillis)
    implements Serializable {

  /** The same, flushing at {@code size}. */
  EmbedSpec withFlushSize(int size) {
    return new EmbedSpec(profile, options, threads, role, size, maxDelayMillis);
  }

  /** Opens the model for a subtask of an operator with {@code parallelism} subtasks. */
  OnnxEmbeddingModel open(int parallelism) {
    int t =
        threads > 0
            ? threads
            : Math.max(1, Runtime.getRuntime().availableProcessors() / Math.max(1, parallelism));
    return OnnxEmbeddingModel.open(profile, options.withIntraOpThreads(t));
  }
}
