package dev.mstream.sql.predict;

import dev.mstream.embed.EmbeddingModel;
import dev.mstream.embed.MicroBatchEmbedOperator;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The embed operator's metrics, under the same names ({@link MicroBatchEmbedOperator}'s constants),
 * so the dashboard's embedding panels read an ML_PREDICT operator as well.
 */
final class EmbedMetrics {

  private final Counter embedded;
  private final Histogram batchSize;
  private final Histogram batchLatency;

  /** Registers them on {@code group}; {@code model} reports the truncated texts. */
  EmbedMetrics(MetricGroup group, EmbeddingModel model) {
    embedded = group.counter(MicroBatchEmbedOperator.METRIC_EMBEDDED);
    batchSize =
        group.histogram(
            MicroBatchEmbedOperator.METRIC_BATCH_SIZE, new DescriptiveStatisticsHistogram(1024));
    batchLatency =
        group.histogram(
            MicroBatchEmbedOperator.METRIC_BATCH_LATENCY, new DescriptiveStatisticsHistogram(1024));
    group.gauge(MicroBatchEmbedOperator.METRIC_TRUNCATED, model::truncatedTexts);
  }

  void batch(int texts, long nanos) {
    embedded.inc(texts);
    batchSize.update(texts);
    batchLatency.update(Math.round(nanos / 1e6));
  }
}
