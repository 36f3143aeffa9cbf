package dev.mstream.embed;

import static org.apache.flink.util.Preconditions.checkArgument;
import static org.apache.flink.util.Preconditions.checkNotNull;

import dev.mstream.records.Embeddable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.operators.ProcessingTimeService.ProcessingTimeCallback;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Embeds records in micro-batches: a batch is flushed when it holds {@code maxBatchSize} records or
 * its oldest record has waited {@code maxDelayMillis}, whichever comes first.
 *
 * <p>Buffered records are not checkpointed; instead the buffer is flushed in {@link
 * #prepareSnapshotPreBarrier}, before the barrier is forwarded, so no record is ever held across a
 * checkpoint (nothing to lose on failure, nothing to restore). Watermarks and end of input flush
 * too, so buffering never reorders records relative to them. Records leave in the order they came
 * in, which keeps an update and a later delete of the same id in order.
 */
@Internal
public class MicroBatchEmbedOperator<T extends Embeddable> extends AbstractStreamOperator<T>
    implements OneInputStreamOperator<T, T>, BoundedOneInput, ProcessingTimeCallback {

  private static final long serialVersionUID = 1L;

  // ------------------------------------------------------------------------
  //  metric names
  // ------------------------------------------------------------------------

  public static final String METRIC_EMBEDDED = "textsEmbedded";
  public static final String METRIC_BATCH_SIZE = "embedBatchSize";
  public static final String METRIC_BATCH_LATENCY = "embedBatchLatencyMillis";
  public static final String METRIC_TRUNCATED = "textsTruncated";

  // ------------------------------------------------------------------------
  //  configuration
  // ------------------------------------------------------------------------

  private final EmbeddingModelFactory modelFactory;
  private final TextRole role;
  private final int maxBatchSize;
  private final long maxDelayMillis;

  // ------------------------------------------------------------------------
  //  state that is not checkpointed (the buffer is empty at every barrier)
  // ------------------------------------------------------------------------

  private transient EmbeddingModel model;
  private transient List<T> buffer;
  private transient List<Long> timestamps;
  private transient ScheduledFuture<?> flushTimer;
  private transient Counter embedded;
  private transient Histogram batchSize;
  private transient Histogram batchLatency;

  public MicroBatchEmbedOperator(
      EmbeddingModelFactory modelFactory, TextRole role, int maxBatchSize, long maxDelayMillis) {
    checkArgument(
        maxBatchSize > 0,
        "embed batch size (mstream.embed.batch-size) must be > 0, was %s",
        maxBatchSize);
    checkArgument(
        maxDelayMillis >= 0,
        "embed max delay (mstream.embed.max-delay) must be >= 0, was %s",
        maxDelayMillis);
    this.modelFactory = checkNotNull(modelFactory, "modelFactory");
    this.role = checkNotNull(role, "role");
    this.maxBatchSize = maxBatchSize;
    this.maxDelayMillis = maxDelayMillis;
  }

  @Override
  public void open() throws Exception {
    super.open();
    model = modelFactory.create();
    buffer = new ArrayList<>(maxBatchSize);
    timestamps = new ArrayList<>(maxBatchSize);
    var metrics = getMetricGroup();
    embedded = metrics.counter(METRIC_EMBEDDED);
    batchSize = metrics.histogram(METRIC_BATCH_SIZE, new DescriptiveStatisticsHistogram(1024));
    batchLatency =
        metrics.histogram(METRIC_BATCH_LATENCY, new DescriptiveStatisticsHistogram(1024));
    metrics.gauge(METRIC_TRUNCATED, () -> model == null ? 0L : model.truncatedTexts());
  }

  @Override
  public void processElement(StreamRecord<T> record) throws Exception {
    // Keep the value and timestamp, not the StreamRecord: the runtime may reuse the wrapper.
    buffer.add(record.getValue());
    timestamps.add(record.hasTimestamp() ? record.getTimestamp() : Long.MIN_VALUE);
    if (buffer.size() >= maxBatchSize) {
      flush();
    } else if (flushTimer == null) {
      long now = getProcessingTimeService().getCurrentProcessingTime();
      flushTimer = getProcessingTimeService().registerTimer(now + maxDelayMillis, this);
    }
  }

  @Override
  public void onProcessingTime(long time) throws Exception {
    flushTimer = null;
    flush();
  }

  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    flush();
    super.prepareSnapshotPreBarrier(checkpointId);
  }

  @Override
  public void processWatermark(Watermark mark) throws Exception {
    flush();
    super.processWatermark(mark);
  }

  @Override
  public void endInput() throws Exception {
    flush();
  }

  private void flush() {
    if (flushTimer != null) {
      flushTimer.cancel(false);
      flushTimer = null;
    }
    if (buffer.isEmpty()) {
      return;
    }
    List<String> texts = new ArrayList<>(buffer.size());
    for (T element : buffer) {
      String text = element.textToEmbed();
      if (text != null) {
        texts.add(text);
      }
    }
    long start = System.nanoTime();
    float[][] vectors = texts.isEmpty() ? new float[0][] : model.embed(texts, role);
    double millis = (System.nanoTime() - start) / 1e6;
    double perText = texts.isEmpty() ? 0 : millis / texts.size();

    StreamRecord<T> reuse = new StreamRecord<>(null);
    int next = 0;
    for (int i = 0; i < buffer.size(); i++) {
      T element = buffer.get(i);
      if (element.textToEmbed() != null) {
        element.attachVector(vectors[next++], perText);
      }
      long ts = timestamps.get(i);
      if (ts == Long.MIN_VALUE) {
        reuse.eraseTimestamp();
        output.collect(reuse.replace(element));
      } else {
        output.collect(reuse.replace(element, ts));
      }
    }
    if (!texts.isEmpty()) {
      embedded.inc(texts.size());
      batchSize.update(texts.size());
      batchLatency.update(Math.round(millis));
    }
    buffer.clear();
    timestamps.clear();
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
