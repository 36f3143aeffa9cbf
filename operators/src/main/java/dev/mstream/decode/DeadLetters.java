package dev.mstream.decode;

import dev.mstream.records.DeadLetterRecord;
import dev.mstream.records.RawRecord;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.util.OutputTag;

/** Sends a rejected record to the dead-letter side output and counts it by reason. */
@Internal
public final class DeadLetters {

  /**
   * Metric {@code deadLetters} with a {@code reason} label (a metric group key/value). Flink's
   * Prometheus reporter exports it as {@code
   * flink_taskmanager_job_task_operator_reason_deadLetters} with a label {@code reason}.
   */
  public static final String METRIC_DEAD_LETTERS = "deadLetters";

  public static final String REASON_LABEL = "reason";

  private final MetricGroup group;
  private final Map<String, Counter> byReason = new HashMap<>();

  DeadLetters(RuntimeContext context) {
    this.group = context.getMetricGroup();
  }

  void reject(
      OutputTag<DeadLetterRecord> tag,
      org.apache.flink.streaming.api.functions.ProcessFunction<?, ?>.Context ctx,
      RawRecord raw,
      String reason,
      String message) {
    byReason
        .computeIfAbsent(reason, r -> group.addGroup(REASON_LABEL, r).counter(METRIC_DEAD_LETTERS))
        .inc();
    ctx.output(tag, DeadLetterRecord.of(raw, reason, message));
  }
}
