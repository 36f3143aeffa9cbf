package dev.mstream.index;

import static dev.mstream.index.VectorIndexOperator.METRIC_ARENA_BYTES;
import static dev.mstream.index.VectorIndexOperator.METRIC_CANDIDATES_SCANNED;
import static dev.mstream.index.VectorIndexOperator.METRIC_CHUNKS_INDEXED;
import static dev.mstream.index.VectorIndexOperator.METRIC_CODES_SCANNED;
import static dev.mstream.index.VectorIndexOperator.METRIC_DIMS_USED;
import static dev.mstream.index.VectorIndexOperator.METRIC_DOCUMENTS_DELETED;
import static dev.mstream.index.VectorIndexOperator.METRIC_DOCUMENTS_INDEXED;
import static dev.mstream.index.VectorIndexOperator.METRIC_DRIFT;
import static dev.mstream.index.VectorIndexOperator.METRIC_FITS;
import static dev.mstream.index.VectorIndexOperator.METRIC_FIT_MILLIS;
import static dev.mstream.index.VectorIndexOperator.METRIC_FRESHNESS_LAG;
import static dev.mstream.index.VectorIndexOperator.METRIC_INDEX_CHUNKS;
import static dev.mstream.index.VectorIndexOperator.METRIC_INDEX_SIZE;
import static dev.mstream.index.VectorIndexOperator.METRIC_LISTS;
import static dev.mstream.index.VectorIndexOperator.METRIC_MAX_LIST_LENGTH;
import static dev.mstream.index.VectorIndexOperator.METRIC_MEAN_LIST_LENGTH;
import static dev.mstream.index.VectorIndexOperator.METRIC_MEASURED_RECALL;
import static dev.mstream.index.VectorIndexOperator.METRIC_PROBES_USED;
import static dev.mstream.index.VectorIndexOperator.METRIC_QUERIES;
import static dev.mstream.index.VectorIndexOperator.METRIC_QUERY_LATENCY;
import static dev.mstream.index.VectorIndexOperator.METRIC_REBUILD_MILLIS;
import static dev.mstream.index.VectorIndexOperator.METRIC_RECALL_SAMPLES;
import static dev.mstream.index.VectorIndexOperator.METRIC_RERANK_LOOKUPS;
import static dev.mstream.index.VectorIndexOperator.METRIC_SCAN_TIME;
import static dev.mstream.index.VectorIndexOperator.METRIC_TEXTS_NOT_KEPT;

import dev.mstream.records.PartialResult;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The index operator's metrics. The names are the operator's {@code METRIC_} constants: they stay
 * there because dashboards, and the test that checks the dashboard shows them all, read them from
 * the operator class.
 */
final class IndexMetrics {

  private static final int HISTOGRAM_WINDOW = 1024;

  private final Counter indexed;
  private final Counter deleted;
  private final Counter queries;
  private final Counter rerankLookups;
  private final Counter chunksIndexed;
  private final Counter textsNotKept;
  private final Histogram queryLatency;
  private final Histogram scanTime;
  private final Histogram dimsUsed;
  private final Histogram candidatesScanned;
  private final Histogram freshnessLag;
  private final Histogram probesUsed;
  private final Histogram codesScanned;
  private final Counter recallSamples;

  IndexMetrics(MetricGroup group, SubtaskIndex index, RecallCalibrator calibrator) {
    indexed = group.counter(METRIC_DOCUMENTS_INDEXED);
    deleted = group.counter(METRIC_DOCUMENTS_DELETED);
    queries = group.counter(METRIC_QUERIES);
    rerankLookups = group.counter(METRIC_RERANK_LOOKUPS);
    chunksIndexed = group.counter(METRIC_CHUNKS_INDEXED);
    textsNotKept = group.counter(METRIC_TEXTS_NOT_KEPT);
    queryLatency = histogram(group, METRIC_QUERY_LATENCY);
    scanTime = histogram(group, METRIC_SCAN_TIME);
    dimsUsed = histogram(group, METRIC_DIMS_USED);
    candidatesScanned = histogram(group, METRIC_CANDIDATES_SCANNED);
    freshnessLag = histogram(group, METRIC_FRESHNESS_LAG);
    group.gauge(METRIC_INDEX_SIZE, index::documentCount);
    group.gauge(METRIC_INDEX_CHUNKS, index::size);
    group.gauge(METRIC_ARENA_BYTES, index::arenaBytes);
    group.gauge(METRIC_REBUILD_MILLIS, index::rebuildMillis);
    probesUsed = histogram(group, METRIC_PROBES_USED);
    codesScanned = histogram(group, METRIC_CODES_SCANNED);
    recallSamples = group.counter(METRIC_RECALL_SAMPLES);
    group.gauge(METRIC_LISTS, () -> index.index() == null ? 0 : index.index().lists());
    group.gauge(
        METRIC_MEAN_LIST_LENGTH,
        () -> {
          PrefixIndex i = index.index();
          return i == null || i.lists() == 0 ? 0.0 : i.size() / (double) i.lists();
        });
    group.gauge(
        METRIC_MAX_LIST_LENGTH,
        () -> index.index() instanceof InvertedFileArena ivf ? ivf.maxListSize() : 0);
    group.gauge(METRIC_FITS, index::fits);
    group.gauge(METRIC_FIT_MILLIS, index::lastFitMillis);
    group.gauge(METRIC_DRIFT, index::drift);
    group.gauge(METRIC_MEASURED_RECALL, calibrator::measuredRecall);
  }

  private static Histogram histogram(MetricGroup group, String name) {
    return group.histogram(name, new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
  }

  /**
   * A document of {@code chunks} chunks was added or replaced; {@code eventTime} 0 means unknown
   * (no freshness sample).
   */
  void documentIndexed(long eventTime, int chunks) {
    indexed.inc();
    chunksIndexed.inc(chunks);
    if (eventTime > 0) {
      freshnessLag.update(Math.max(0, System.currentTimeMillis() - eventTime));
    }
  }

  void textNotKept() {
    textsNotKept.inc();
  }

  void documentDeleted() {
    deleted.inc();
  }

  void shortlistScanned(long micros, Shortlist shortlist) {
    scanTime.update(micros);
    probesUsed.update(shortlist.probes());
    codesScanned.update(shortlist.scanned());
  }

  void recallMeasured() {
    recallSamples.inc();
  }

  void reranked(int lookups) {
    rerankLookups.inc(lookups);
  }

  void queryAnswered(PartialResult partial, long latencyMicros) {
    queries.inc();
    queryLatency.update(latencyMicros);
    dimsUsed.update(partial.dimsUsed);
    candidatesScanned.update(partial.candidatesScanned);
  }
}
