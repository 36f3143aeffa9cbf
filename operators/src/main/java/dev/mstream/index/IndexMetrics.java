package dev.mstream.index;

import static dev.mstream.index.VectorIndexOperator.METRIC_ARENA_BYTES;
import static dev.mstream.index.VectorIndexOperator.METRIC_CANDIDATES_SCANNED;
import static dev.mstream.index.VectorIndexOperator.METRIC_CHUNKS_INDEXED;
import static dev.mstream.index.VectorIndexOperator.METRIC_DIMS_USED;
import static dev.mstream.index.VectorIndexOperator.METRIC_DOCUMENTS_DELETED;
import static dev.mstream.index.VectorIndexOperator.METRIC_DOCUMENTS_INDEXED;
import static dev.mstream.index.VectorIndexOperator.METRIC_FRESHNESS_LAG;
import static dev.mstream.index.VectorIndexOperator.METRIC_INDEX_CHUNKS;
import static dev.mstream.index.VectorIndexOperator.METRIC_INDEX_SIZE;
import static dev.mstream.index.VectorIndexOperator.METRIC_QUERIES;
import static dev.mstream.index.VectorIndexOperator.METRIC_QUERY_LATENCY;
import static dev.mstream.index.VectorIndexOperator.METRIC_REBUILD_MILLIS;
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

  IndexMetrics(MetricGroup group, SubtaskIndex index) {
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

  void shortlistScanned(long micros) {
    scanTime.update(micros);
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
