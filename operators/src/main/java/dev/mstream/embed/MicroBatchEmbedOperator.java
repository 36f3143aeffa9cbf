package dev.mstream.embed;

import static org.apache.flink.util.Preconditions.checkArgument;
import static org.apache.flink.util.Preconditions.checkNotNull;
import static org.apache.flink.util.Preconditions.checkState;

import dev.mstream.records.Embeddable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.operators.ProcessingTimeService.ProcessingTimeCallback;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
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
 * Embeds records in micro-batches: a batch is flushed when it holds {@code maxBatchSize} records,
 * or as many texts (a document split into chunks brings one per chunk), or its oldest record has
 * waited {@code maxDelayMillis}, whichever comes first; with {@code maxDelayMillis} 0 every record
 * is embedded as it arrives (no timer: a timer fires at the earliest a millisecond later).
 *
 * <p>Buffered records are not checkpointed; instead the buffer is flushed in {@link
 * #prepareSnapshotPreBarrier}, before the barrier is forwarded, so no record is ever held across a
 * checkpoint (nothing to lose on failure, nothing to restore). Watermarks and end of input flush
 * too, so buffering never reorders records relative to them. Records leave in the order they came
 * in, which keeps an update and a later delete of the same id in order.
 *
 * <p>On the document stream (keyed by id) it remembers, per id, a 64-bit key of the text it last
 * embedded and the model that embedded it ({@link #STATE_EMBEDDED_TEXTS}; cleared by a delete). An
 * upsert whose text and model are the same as last time is not embedded again: it is marked {@link
 * Embeddable#markTextUnchanged()} and the index reuses the vector it already stores for the id.
 * This is consistent because both operators are keyed by id and every record of an id passes
 * through this operator before the index, in order, over one channel: whenever this state says
 * "embedded text T", the index has already applied (or, restored from the same checkpoint, will
 * apply from in-flight data) the record that carried T's vector, and no later record of the id has
 * replaced it with another text without passing here first. Restores and rescaling keep both states
 * at the same checkpoint, so the argument holds across failures; a replay decides the same way the
 * first run did, since the decision depends only on this state and the input.
 */
@Internal
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
  public static final String METRIC_SKIPPED = "embeddingsSkipped";

  /** Keyed state of the document embed operator: the text key last embedded per id. */
  public static final String STATE_EMBEDDED_TEXTS = "embedded-texts";

  /** What the operator does about a text it embedded for the same id before. */
  public enum UnchangedTexts {
    /** Nothing is remembered (queries, or any input that is not keyed by document id). */
    NOT_TRACKED,
    /**
     * Remembered per id but embedded again anyway ({@code mstream.embed.skip-unchanged=false}):
     * keeps the state right, so skipping can be switched on again at any restart.
     */
    EMBEDDED_AGAIN,
    /** Remembered per id, and not embedded again while text and model are unchanged. */
    SKIPPED
  }

  // ------------------------------------------------------------------------
  //  configuration
  // ------------------------------------------------------------------------

  private final EmbeddingModelFactory modelFactory;
  private final TextRole role;
  private final int maxBatchSize;
  private final long maxDelayMillis;

  /** The model the job was built for; null: not checked. */
  private final ModelIdentity expectedModel;

  private final UnchangedTexts unchangedTexts;

  /** Added to the task thread's nice value before the model opens (its threads inherit it). */
  private final int niceness;

  // ------------------------------------------------------------------------
  //  state that is checkpointed
  // ------------------------------------------------------------------------

  /** Per document id: {@link #textKey} of the text last embedded; null: none (or deleted). */
  private transient ValueState<Long> embeddedTexts;

  // ------------------------------------------------------------------------
  //  state that is not checkpointed (the buffer is empty at every barrier)
  // ------------------------------------------------------------------------

  private transient EmbeddingModel model;
  private transient List<T> buffer;
  private transient List<Long> timestamps;
  private transient int bufferedTexts;

  /** System.nanoTime() when each buffered record arrived, for its batch wait. */
  private transient List<Long> arrivals;

  private transient ScheduledFuture<?> flushTimer;
  private transient Counter embedded;
  private transient Histogram batchSize;
  private transient Histogram batchLatency;
  private transient Counter skipped;
  private transient long modelBits;

  /** Embeds every text, checks nothing about the model: the query side, and tests. */
  public MicroBatchEmbedOperator(
      EmbeddingModelFactory modelFactory, TextRole role, int maxBatchSize, long maxDelayMillis) {
    this(modelFactory, role, maxBatchSize, maxDelayMillis, null, UnchangedTexts.NOT_TRACKED, 0);
  }

  /** The document side as tests build it: the model checked, texts remembered, niceness 0. */
  public MicroBatchEmbedOperator(
      EmbeddingModelFactory modelFactory,
      TextRole role,
      int maxBatchSize,
      long maxDelayMillis,
      ModelIdentity expectedModel,
      UnchangedTexts unchangedTexts) {
    this(modelFactory, role, maxBatchSize, maxDelayMillis, expectedModel, unchangedTexts, 0);
  }

  /**
   * @param expectedModel the model the job was built for; {@link #open()} fails when the factory's
   *     model is another one (model files on a TaskManager that differ from those the job was built
   *     with); null: not checked
   * @param unchangedTexts whether texts are remembered per id (only on an input keyed by document
   *     id) and unchanged ones skipped; anything but {@link UnchangedTexts#NOT_TRACKED} needs
   *     {@code expectedModel}
   * @param niceness raise the nice value of the task thread, and so of the model's threads, by this
   *     much before the model opens ({@link ThreadNiceness}); 0 leaves it
   */
  public MicroBatchEmbedOperator(
      EmbeddingModelFactory modelFactory,
      TextRole role,
      int maxBatchSize,
      long maxDelayMillis,
      ModelIdentity expectedModel,
      UnchangedTexts unchangedTexts,
      int niceness) {
    checkNotNull(unchangedTexts, "unchangedTexts");
    checkArgument(
        expectedModel != null || unchangedTexts == UnchangedTexts.NOT_TRACKED,
        "remembering embedded texts needs the model identity");
    checkArgument(
        maxBatchSize > 0,
        "embed batch size (mstream.embed.batch-size) must be > 0, was %s",
        maxBatchSize);
    checkArgument(
        maxDelayMillis >= 0,
        "embed max delay (mstream.embed.max-delay) must be >= 0, was %s",
        maxDelayMillis);
    checkArgument(
        niceness >= 0 && niceness <= 19,
        "embed thread niceness (mstream.embed.documents-niceness) must be 0..19, was %s",
        niceness);
    this.modelFactory = checkNotNull(modelFactory, "modelFactory");
    this.role = checkNotNull(role, "role");
    this.maxBatchSize = maxBatchSize;
    this.maxDelayMillis = maxDelayMillis;
    this.expectedModel = expectedModel;
    this.unchangedTexts = unchangedTexts;
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
    if (expectedModel != null) {
      ModelIdentity actual = model.identity();
      if (!actual.sameModel(expectedModel)) {
        throw new EmbeddingException(
            "the model opened here is "
                + actual
                + ", but the job was built for "
                + expectedModel
                + " (mstream.model): the model files on this TaskManager differ from those where"
                + " the job was submitted. Give every machine the same files.");
      }
      modelBits = actual.fingerprintBits();
    }
    if (unchangedTexts != UnchangedTexts.NOT_TRACKED) {
      checkState(
          getKeyedStateBackend() != null,
          "remembering embedded texts needs an input keyed by document id");
      embeddedTexts =
          getPartitionedState(
              new ValueStateDescriptor<>(STATE_EMBEDDED_TEXTS, LongSerializer.INSTANCE));
    }
    buffer = new ArrayList<>(maxBatchSize);
    timestamps = new ArrayList<>(maxBatchSize);
    arrivals = new ArrayList<>(maxBatchSize);
    var metrics = getMetricGroup();
    embedded = metrics.counter(METRIC_EMBEDDED);
    batchSize = metrics.histogram(METRIC_BATCH_SIZE, new DescriptiveStatisticsHistogram(1024));
    batchLatency =
        metrics.histogram(METRIC_BATCH_LATENCY, new DescriptiveStatisticsHistogram(1024));
    metrics.gauge(METRIC_TRUNCATED, () -> model == null ? 0L : model.truncatedTexts());
    if (embeddedTexts != null) {
      skipped = metrics.counter(METRIC_SKIPPED);
    }
  }

  @Override
  public void processElement(StreamRecord<T> record) throws Exception {
    if (embeddedTexts != null) {
      // Under the record's key, now: at flush time the key context is the last record's.
      rememberOrSkip(record.getValue());
    }
    // Keep the value and timestamp, not the StreamRecord: the runtime may reuse the wrapper.
    buffer.add(record.getValue());
    timestamps.add(record.hasTimestamp() ? record.getTimestamp() : Long.MIN_VALUE);
    bufferedTexts += record.getValue().textCount();
    arrivals.add(System.nanoTime());
    if (buffer.size() >= maxBatchSize || bufferedTexts >= maxBatchSize || maxDelayMillis == 0) {
      flush();
    } else if (flushTimer == null) {
      long now = getProcessingTimeService().getCurrentProcessingTime();
      flushTimer = getProcessingTimeService().registerTimer(now + maxDelayMillis, this);
    }
  }

  private void rememberOrSkip(T element) throws Exception {
    List<String> texts = element.textsToEmbed();
    if (texts.isEmpty()) {
      embeddedTexts.clear(); // a delete: the index drops the vectors with the document
      return;
    }
    long key = textKey(modelBits, texts);
    Long last = embeddedTexts.value();
    if (last != null && last == key && unchangedTexts == UnchangedTexts.SKIPPED) {
      element.markTextUnchanged();
      skipped.inc();
    } else if (last == null || last != key) {
      embeddedTexts.update(key);
    }
  }

  /**
   * 64-bit FNV-1a of the texts a record embeds (its chunks' texts, each closed by a separator),
   * started from the model's fingerprint: equal for the same texts under the same model. Each step
   * is a bijection of the running state, so one text under two models, or two texts of the same
   * length that differ in one character, never collide; other collisions have odds of about 2^-64
   * per update. Chunks count, not just the document's text: a document split differently (other
   * {@code mstream.chunk.*} settings) is embedded again. The whole text counts, not just the part
   * the model sees before truncation: a text that only changed past the model's token limit is
   * embedded again (same vector), because finding that limit means tokenizing every upsert,
   * measured at about 3 % of the CPU of embedding it — more than half of what a skipped upsert may
   * cost (docs/benchmarks.md).
   */
  @VisibleForTesting
  static long textKey(long model, List<String> texts) {
    long h = (0xcbf29ce484222325L ^ model) * 0x100000001b3L;
    for (String text : texts) {
      for (int i = 0; i < text.length(); i++) {
        h ^= text.charAt(i);
        h *= 0x100000001b3L;
      }
      h ^= 0x10000; // not a char value: ends the text, so ["ab", "c"] and ["a", "bc"] differ
      h *= 0x100000001b3L;
    }
    return h;
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
    List<String> texts = new ArrayList<>(bufferedTexts);
    int[] counts = new int[buffer.size()];
    for (int i = 0; i < counts.length; i++) {
      List<String> own = buffer.get(i).textsToEmbed();
      counts[i] = own.size();
      texts.addAll(own);
    }
    long start = System.nanoTime();
    float[][] vectors = texts.isEmpty() ? new float[0][] : model.embed(texts, role);
    double millis = (System.nanoTime() - start) / 1e6;
    double perText = texts.isEmpty() ? 0 : millis / texts.size();

    StreamRecord<T> reuse = new StreamRecord<>(null);
    int next = 0;
    for (int i = 0; i < buffer.size(); i++) {
      T element = buffer.get(i);
      if (counts[i] > 0) {
        element.attachVectors(Arrays.copyOfRange(vectors, next, next + counts[i]), perText);
        next += counts[i];
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
    bufferedTexts = 0;
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
