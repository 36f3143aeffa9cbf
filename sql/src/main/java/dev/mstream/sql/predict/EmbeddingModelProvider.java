package dev.mstream.sql.predict;

import org.apache.flink.table.api.config.MLPredictRuntimeConfigOptions;
import org.apache.flink.table.functions.AsyncPredictFunction;
import org.apache.flink.table.functions.PredictFunction;
import org.apache.flink.table.ml.AsyncPredictRuntimeProvider;
import org.apache.flink.table.ml.ModelProvider;
import org.apache.flink.table.ml.PredictRuntimeProvider;

/**
 * Both ways ML_PREDICT can run a model: asynchronous (the default, with micro-batches) and
 * synchronous ({@code MAP['async', 'false']}: one text per call, for plans that need it).
 */
final class EmbeddingModelProvider implements AsyncPredictRuntimeProvider, PredictRuntimeProvider {

  private final EmbedSpec spec;
  private final int sessionCapacity;

  EmbeddingModelProvider(EmbedSpec spec, int sessionCapacity) {
    this.spec = spec;
    this.sessionCapacity = sessionCapacity;
  }

  /**
   * The async operator lets at most {@code max-concurrent-operations} rows be in flight (the call's
   * MAP, else {@code table.exec.async-ml-predict.max-concurrent-operations}); a batch that waited
   * for more would wait for {@code max-delay} every time.
   */
  @Override
  public AsyncPredictFunction createAsyncPredictFunction(Context context) {
    int capacity =
        context
            .runtimeConfig()
            .getOptional(MLPredictRuntimeConfigOptions.ASYNC_MAX_CONCURRENT_OPERATIONS)
            .orElse(sessionCapacity);
    return new AsyncEmbedFunction(spec.withFlushSize(Math.min(spec.flushSize(), capacity)));
  }

  @Override
  public PredictFunction createPredictFunction(Context context) {
    return new EmbedFunction(spec);
  }

  @Override
  public ModelProvider copy() {
    return new EmbeddingModelProvider(spec, sessionCapacity);
  }
}
