package dev.mstream.sql.predict;

import dev.mstream.embed.OnnxEmbeddingModel;
import java.util.Collection;
import java.util.List;
import org.apache.flink.annotation.Internal;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.PredictFunction;

/** ML_PREDICT with {@code 'async' = 'false'}: each row's text embedded on its own, in the task. */
@Internal
public final class EmbedFunction extends PredictFunction {

  private static final long serialVersionUID = 1L;

  private final EmbedSpec spec;

  private transient OnnxEmbeddingModel model;
  private transient EmbedMetrics metrics;

  EmbedFunction(EmbedSpec spec) {
    this.spec = spec;
  }

  @Override
  public void open(FunctionContext context) throws Exception {
    super.open(context);
    model = spec.open(context.getTaskInfo().getNumberOfParallelSubtasks());
    metrics = new EmbedMetrics(context.getMetricGroup(), model);
  }

  @Override
  public Collection<RowData> predict(RowData input) {
    if (input.isNullAt(0)) {
      return List.of(EmbedRows.of(null));
    }
    long start = System.nanoTime();
    float[][] vectors = model.embed(List.of(input.getString(0).toString()), spec.role());
    metrics.batch(1, System.nanoTime() - start);
    return List.of(EmbedRows.of(vectors[0]));
  }

  @Override
  public void close() throws Exception {
    try {
      if (model != null) {
        model.close();
        model = null;
      }
    } finally {
      super.close();
    }
  }
}
