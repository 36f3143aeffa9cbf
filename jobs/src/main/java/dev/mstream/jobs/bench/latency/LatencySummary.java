package dev.mstream.jobs.bench.latency;

import java.util.Collection;
import java.util.Locale;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;

/**
 * Count, p50, p95, p99 and max of a set of durations in milliseconds. Percentiles are nearest-rank
 * (the smallest sample with at least p% of the samples at or below it: a reported p99 is a latency
 * some query really had), as commons-math's {@code R_1} estimation.
 */
public record LatencySummary(int count, double p50, double p95, double p99, double max) {

  public static final LatencySummary EMPTY = new LatencySummary(0, 0, 0, 0, 0);

  public static LatencySummary of(Collection<Double> millis) {
    double[] values = millis.stream().mapToDouble(Double::doubleValue).toArray();
    return of(values);
  }

  public static LatencySummary of(double[] millis) {
    if (millis.length == 0) {
      return EMPTY;
    }
    Percentile p = new Percentile().withEstimationType(Percentile.EstimationType.R_1);
    p.setData(millis);
    double max = Double.NEGATIVE_INFINITY;
    for (double v : millis) {
      max = Math.max(max, v);
    }
    return new LatencySummary(millis.length, p.evaluate(50), p.evaluate(95), p.evaluate(99), max);
  }

  /** "p50 / p95 / p99 / max" with one decimal. */
  public String cells() {
    return String.format(Locale.ROOT, "%.1f | %.1f | %.1f | %.1f", p50, p95, p99, max);
  }
}
