package dev.mstream.merge;

import static org.apache.flink.util.Preconditions.checkArgument;

import dev.mstream.records.PartialResult;
import dev.mstream.records.QueryTimings;
import dev.mstream.records.ScoredHit;
import dev.mstream.records.SearchResult;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Combines the partial top-k of every index subtask into the one answer of a query, keyed by query
 * id. It answers as soon as all subtasks have; if the deadline passes first, it answers with what
 * it has and marks the result PARTIAL, so no query is left waiting forever.
 *
 * <p>A query is answered once: after a PARTIAL answer the merger remembers the query id for {@link
 * #ANSWERED_RETENTION_DEADLINES} deadlines and drops the partials of subtasks that answer late,
 * instead of starting a second wait and a second answer. (After an OK answer every subtask has
 * answered; checkpoints keep index and merger consistent, so none answers again.)
 */
@Internal
public class ResultMerger extends KeyedProcessFunction<String, PartialResult, SearchResult> {

  private static final long serialVersionUID = 1L;

  public static final String METRIC_RESULTS = "results";
  public static final String METRIC_PARTIAL_RESULTS = "partialResults";
  public static final String METRIC_LATE_PARTIALS = "latePartials";

  /**
   * Histogram of every answered query's time in one stage, in microseconds, one per stage under the
   * metric group key {@link #STAGE_LABEL} (so a Prometheus series per stage: {@code
   * ..._operator_stage_queryStageMicros{stage="queue",quantile="0.99"}}).
   */
  public static final String STAGE_LATENCY = "queryStageMicros";

  public static final String STAGE_LABEL = "stage";

  /** How long, in deadlines, an answered query id is remembered to drop late partials. */
  public static final int ANSWERED_RETENTION_DEADLINES = 10;

  // configuration
  private final long deadlineMillis;

  // state that is checkpointed
  private transient ListState<PartialResult> partials;
  private transient ValueState<Long> deadline;

  /** Set once the query is answered: until when its late partials are dropped. */
  private transient ValueState<Long> answeredUntil;

  // metrics
  private transient Counter results;
  private transient Counter partialResults;
  private transient Counter latePartials;
  private transient StageHistograms stages;

  public ResultMerger(long deadlineMillis) {
    checkArgument(
        deadlineMillis > 0,
        "query deadline (mstream.query.deadline) must be > 0 ms, was %s",
        deadlineMillis);
    this.deadlineMillis = deadlineMillis;
  }

  @Override
  public void open(OpenContext openContext) {
    partials =
        getRuntimeContext()
            .getListState(
                new ListStateDescriptor<>("partials", TypeInformation.of(PartialResult.class)));
    deadline = getRuntimeContext().getState(new ValueStateDescriptor<>("deadline", Types.LONG));
    answeredUntil =
        getRuntimeContext().getState(new ValueStateDescriptor<>("answered-until", Types.LONG));
    results = getRuntimeContext().getMetricGroup().counter(METRIC_RESULTS);
    partialResults = getRuntimeContext().getMetricGroup().counter(METRIC_PARTIAL_RESULTS);
    latePartials = getRuntimeContext().getMetricGroup().counter(METRIC_LATE_PARTIALS);
    stages = new StageHistograms(getRuntimeContext().getMetricGroup(), STAGE_LABEL, STAGE_LATENCY);
  }

  @Override
  public void processElement(PartialResult partial, Context ctx, Collector<SearchResult> out)
      throws Exception {
    if (answeredUntil.value() != null) {
      latePartials.inc(); // answered PARTIAL already: one answer per query
      return;
    }
    List<PartialResult> received = new ArrayList<>();
    for (PartialResult p : partials.get()) {
      received.add(p);
    }
    // A subtask answers a query once; a second answer would be a replay, so ignore it.
    for (PartialResult p : received) {
      if (p.subtask == partial.subtask) {
        return;
      }
    }
    received.add(partial);
    if (received.size() >= partial.subtasks) {
      emit(received, SearchResult.Status.OK, null, out);
      clear(ctx);
      return;
    }
    partials.add(partial);
    if (deadline.value() == null) {
      long at = ctx.timerService().currentProcessingTime() + deadlineMillis;
      deadline.update(at);
      ctx.timerService().registerProcessingTimeTimer(at);
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<SearchResult> out)
      throws Exception {
    Long until = answeredUntil.value();
    if (until != null) {
      if (timestamp >= until) {
        answeredUntil.clear(); // forget the answered query
      }
      return;
    }
    List<PartialResult> received = new ArrayList<>();
    for (PartialResult p : partials.get()) {
      received.add(p);
    }
    if (!received.isEmpty()) {
      String why =
          "deadline of "
              + deadlineMillis
              + " ms passed with "
              + received.size()
              + " of "
              + received.get(0).subtasks
              + " index subtasks answered";
      emit(received, SearchResult.Status.PARTIAL, why, out);
      partialResults.inc();
      remember(timestamp, ctx.timerService());
    }
    partials.clear();
    deadline.clear();
  }

  private void remember(long now, TimerService timers) throws Exception {
    long until = now + ANSWERED_RETENTION_DEADLINES * deadlineMillis;
    answeredUntil.update(until);
    timers.registerProcessingTimeTimer(until);
  }

  private void clear(Context ctx) throws Exception {
    Long at = deadline.value();
    if (at != null) {
      ctx.timerService().deleteProcessingTimeTimer(at);
    }
    partials.clear();
    deadline.clear();
  }

  private void emit(
      List<PartialResult> received,
      SearchResult.Status status,
      String error,
      Collector<SearchResult> out) {
    SearchResult result = merge(received, status, error, QueryTimings.nowMicros());
    out.collect(result);
    results.inc();
    stages.update(result);
  }

  /**
   * Global top-k of the partials: best score first, ties by document id, each document once. (A
   * document lives on one subtask, all its chunks with it, and each subtask answers with documents;
   * the merger still keeps only a document's best hit, so no answer can name one twice.) The
   * timings are those of the partial that came last (the one the result waited for).
   */
  static SearchResult merge(
      List<PartialResult> received, SearchResult.Status status, String error, long nowMicros) {
    long now = nowMicros / 1000;
    PartialResult first = received.get(0);
    PartialResult last = received.get(received.size() - 1);
    SearchResult r = new SearchResult();
    r.queryId = first.queryId;
    r.status = status;
    r.error = error;
    r.subtasksExpected = first.subtasks;
    BitSet answered = new BitSet();
    List<ScoredHit> all = new ArrayList<>();
    for (PartialResult p : received) {
      answered.set(p.subtask);
      all.addAll(p.hits);
      r.candidatesScanned += p.candidatesScanned;
      r.indexSize += p.indexSize;
      r.dimsUsed = Math.max(r.dimsUsed, p.dimsUsed);
      r.searchMillis = Math.max(r.searchMillis, p.searchMillis);
      r.probesUsed = Math.max(r.probesUsed, p.probesUsed);
      r.codesScanned += p.codesScanned;
      if (r.budgetReduced == null) {
        r.budgetReduced = p.budgetReduced;
      }
    }
    all.sort(ScoredHit::bestFirst);
    Set<String> seen = new HashSet<>();
    r.hits = new ArrayList<>(Math.min(first.k, all.size()));
    for (ScoredHit h : all) {
      if (r.hits.size() == first.k) {
        break;
      }
      if (seen.add(h.docId)) {
        r.hits.add(h);
      }
    }
    r.recall = RecallOfMerged.of(received, r.hits, first.k);
    r.estimatedRecall = RecallOfMerged.estimated(received);
    r.subtasksAnswered = answered.cardinality();
    r.embedMillis = first.embedMillis;
    r.totalMillis = first.queryEventTime > 0 ? Math.max(0, now - first.queryEventTime) : 0;
    // null after a restore of partials checkpointed before timings existed
    r.timings = last.timings == null ? new QueryTimings() : last.timings.copy();
    r.timings.merged(nowMicros);
    return r;
  }
}
