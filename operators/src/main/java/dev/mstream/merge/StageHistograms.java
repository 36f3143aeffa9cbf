package dev.mstream.merge;

import dev.mstream.records.QueryTimings;
import dev.mstream.records.SearchResult;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * One histogram per stage of a query's time (microseconds), under a key-value metric group, so that
 * a dashboard draws them all with one query ({@code max by (stage) (...)}). The stages are those of
 * {@link QueryTimings} plus {@code embed} and {@code total} (event time to merged).
 */
final class StageHistograms {

  /** The stage names, the values of the {@code stage} label. */
  static final String SOURCE = "source";

  static final String BATCH_WAIT = "batch_wait";
  static final String EMBED = "embed";
  static final String QUEUE = "queue";
  static final String SCAN = "scan";
  static final String RERANK = "rerank";
  static final String MERGE = "merge";
  static final String TOTAL = "total";

  private static final int WINDOW = 1024;

  private final Histogram source;
  private final Histogram batchWait;
  private final Histogram embed;
  private final Histogram queue;
  private final Histogram scan;
  private final Histogram rerank;
  private final Histogram merge;
  private final Histogram total;

  StageHistograms(MetricGroup group, String label, String name) {
    source = histogram(group, label, SOURCE, name);
    batchWait = histogram(group, label, BATCH_WAIT, name);
    embed = histogram(group, label, EMBED, name);
    queue = histogram(group, label, QUEUE, name);
    scan = histogram(group, label, SCAN, name);
    rerank = histogram(group, label, RERANK, name);
    merge = histogram(group, label, MERGE, name);
    total = histogram(group, label, TOTAL, name);
  }

  private static Histogram histogram(MetricGroup group, String label, String stage, String name) {
    return group.addGroup(label, stage).histogram(name, new DescriptiveStatisticsHistogram(WINDOW));
  }

  /** Records an answered query (ERROR results never reach the merger). */
  void update(SearchResult r) {
    QueryTimings t = r.timings;
    source.update(micros(t.sourceMillis));
    batchWait.update(micros(t.batchWaitMillis));
    embed.update(micros(r.embedMillis));
    queue.update(micros(t.queueMillis));
    scan.update(micros(t.scanMillis));
    rerank.update(micros(t.rerankMillis));
    merge.update(micros(t.mergeMillis));
    total.update(r.totalMillis * 1000);
  }

  private static long micros(double millis) {
    return Math.round(millis * 1000);
  }
}
