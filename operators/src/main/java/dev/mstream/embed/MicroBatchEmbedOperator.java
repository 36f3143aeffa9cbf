package dev.mstream.embed;

import dev.mstream.records.Embeddable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import org.apache.flink.api.common.operators.ProcessingTimeService.ProcessingTimeCallback;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Embeds records in micro-batches: a batch is flushed when it holds {@code maxBatchSize} records or
 * its oldest record has waited {@code maxDelayMillis}, whichever comes first; with {@code
 * maxDelayMillis} 0 every record is embedded as it arrives (no timer: a timer fires at the earliest
 * a millisecond later).
 *
 * <p>Buffered records are not checkpointed; instead the buffer is flushed in {@link
 * #prepareSnapshotPreBarrier}, before the barrier is forwarded, so no record is ever held across a
 * checkpoint (nothing to lose on failure, nothing to restore). Watermarks and end of input flush
 * too, so buffering never reorders records relative to them. Records leave in the order they came
 * in, which keeps an update and a later delete of the same id in order.
 */
public class MicroBatchEmbedOperator<T extends Embeddable> extends AbstractStreamOperator<T>
    implements OneInputStreamOperator<T, T>, BoundedOneInput, ProcessingTimeCallback {

  private static final long serialVersionUID = 1L;

  private static final Logger LOG = LoggerFactory.getLogger(MicroBatchEmbedOperator.class);

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

  /** Added to the task thread's nice value before the model opens (its threads inherit it). */
  private final int niceness;

  // ------------------------------------------------------------------------
  //  state that is not checkpointed (the buffer is empty at every barrier)
  // ------------------------------------------------------------------------

  private transient EmbeddingModel model;
  private transient List<T> buffer;
  private transient List<Long> timestamps;

  /** System.nanoTime() when each buffered record arrived, for its batch wait. */
  private transient List<Long> arrivals;

  private transient ScheduledFuture<?> flushTimer;
  private transient Counter embedded;
  private transient Histogram batchSize;
  private transient Histogram batchLatency;

  public MicroBatchEmbedOperator(
      EmbeddingModelFactory modelFactory, TextRole role, int maxBatchSize, long maxDelayMillis) {
    this(modelFactory, role, maxBatchSize, maxDelayMillis, 0);
  }

  /**
   * @param niceness raise the nice value of the task thread, and so of the model's threads, by this
   *     much before the model opens ({@link ThreadNiceness}); 0 leaves it
   */
  public MicroBatchEmbedOperator(
      EmbeddingModelFactory modelFactory,
      TextRole role,
      int maxBatchSize,
      long maxDelayMillis,
      int niceness) {
    if (modelFactory == null) {
      throw new IllegalArgumentException("modelFactory must not be null");
    }
    if (maxBatchSize <= 0) {
      throw new IllegalArgumentException(
          "embed batch size (mstream.embed.batch-size) must be > 0, was " + maxBatchSize);
    }
    if (maxDelayMillis < 0) {
      throw new IllegalArgumentException(
          "embed max delay (mstream.embed.max-delay) must be >= 0, was " + maxDelayMillis);
    }
    this.modelFactory = modelFactory;
    this.role = role;
    this.maxBatchSize = maxBatchSize;
    this.maxDelayMillis = maxDelayMillis;
    if (niceness < 0 || niceness > 19) {
      throw new IllegalArgumentException(
          "embed thread niceness (mstream.embed.documents-niceness) must be 0..19, was "
              + niceness);
    }
    this.niceness = niceness;
  }

  @Override
  public void open() throws Exception {
    super.open();
    if (niceness > 0) {
      ThreadNiceness.lowerCurrentThread(niceness)
          .ifPresent(
              n ->
                  LOG.info(
                      "{} embedding runs at nice value {} (mstream.embed.documents-niceness={})",
                      role,
                      n,
                      niceness));
    }
    model = modelFactory.create();
    buffer = new ArrayList<>(maxBatchSize);
    timestamps = new ArrayList<>(maxBatchSize);
    arrivals = new ArrayList<>(maxBatchSize);
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
    arrivals.add(System.nanoTime());
    if (buffer.size() >= maxBatchSize || maxDelayMillis == 0) {
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
      element.embedded(Math.max(0, start - arrivals.get(i)) / 1e6);
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
    arrivals.clear();
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
