package dev.mstream.index;

import dev.mstream.records.DocumentChange;
import dev.mstream.records.PartialResult;
import dev.mstream.records.SearchRequest;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * The vector index: input 1 is the document stream keyed by document id, input 2 the broadcast
 * query stream. Each subtask owns the documents of its key groups and answers every query with its
 * local top-k; the merger combines the subtasks' answers.
 *
 * <p>Per document, keyed RocksDB state holds the full record ({@code documents}, the source of
 * truth) and a small {@link PrefixEntry} ({@code prefixes}, what the arena is rebuilt from). In
 * memory, a {@link PrefixArena} holds the projected prefix codes that queries scan. A query is a
 * funnel: shortlist {@code candidates} on the first {@code dims} prefix coordinates, then rerank
 * them exactly with full vectors read from keyed state by point lookups.
 *
 * <p>Until a subtask has seen {@code fitSample} documents it has no fit yet: it keeps those few
 * full vectors on the heap and searches them exactly, while its {@link IndexFit} (projection, and
 * for the inverted-file layout the centroids and 4-bit grid) is fitted on a copy of them on the
 * operator's fit executor, off the task thread. The fit is swapped in at a record boundary: the
 * documents are encoded, the heap copies dropped. Refits (growth, drift) run the same way while the
 * current index keeps answering ({@link Refit}).
 *
 * <p>The pieces: {@link DocumentState} (the keyed state and how to read it under other keys),
 * {@link SubtaskIndex} (warm-up, fits, refits, rebuild from keyed state), {@link FunnelSearch} (the
 * cascade and rerank, reading keyed state only), {@link AdaptiveDims} (the load-adaptive budget),
 * {@link RecallCalibrator} (measured recall and the budget that holds the target) and {@link
 * IndexMetrics}.
 */
public class VectorIndexOperator extends AbstractStreamOperator<PartialResult>
    implements TwoInputStreamOperator<DocumentChange, SearchRequest, PartialResult> {

  private static final long serialVersionUID = 3L;

  // ------------------------------------------------------------------------
  //  metric names (stable: dashboards depend on them)
  // ------------------------------------------------------------------------

  public static final String METRIC_DOCUMENTS_INDEXED = "documentsIndexed";
  public static final String METRIC_DOCUMENTS_DELETED = "documentsDeleted";
  public static final String METRIC_QUERIES = "queries";
  public static final String METRIC_INDEX_SIZE = "indexSize";
  public static final String METRIC_ARENA_BYTES = "arenaBytes";
  public static final String METRIC_QUERY_LATENCY = "queryLatencyMicros";
  public static final String METRIC_SCAN_TIME = "scanMicros";
  public static final String METRIC_DIMS_USED = "dimsUsed";
  public static final String METRIC_CANDIDATES_SCANNED = "candidatesScanned";
  public static final String METRIC_RERANK_LOOKUPS = "rerankLookups";
  public static final String METRIC_FRESHNESS_LAG = "freshnessLagMillis";
  public static final String METRIC_REBUILD_MILLIS = "arenaRebuildMillis";
  public static final String METRIC_LISTS = "ivfLists";
  public static final String METRIC_MEAN_LIST_LENGTH = "ivfMeanListLength";
  public static final String METRIC_MAX_LIST_LENGTH = "ivfMaxListLength";
  public static final String METRIC_PROBES_USED = "probesUsed";
  public static final String METRIC_CODES_SCANNED = "codesScanned";
  public static final String METRIC_FITS = "indexFits";
  public static final String METRIC_FIT_MILLIS = "lastFitMillis";
  public static final String METRIC_DRIFT = "indexDrift";
  public static final String METRIC_MEASURED_RECALL = "measuredRecall";
  public static final String METRIC_RECALL_SAMPLES = "recallSamples";

  public static final String STATE_DOCUMENTS = "documents";
  public static final String STATE_PREFIXES = "prefixes";

  /** Before fits had centroids: the projection alone (read on restore, no longer written). */
  public static final String STATE_PROJECTION = "projection";

  /** This subtask's fit, in union list state: after a rescale every subtask sees every fit. */
  public static final String STATE_FIT = "fit";

  /** Keyed-state reads a refit may do at one record boundary (each ≈ 10 µs). */
  static final int POLL_BUDGET_PER_RECORD = 16;

  /** Keyed-state reads a refit may do per timer tick, and the tick. */
  static final int POLL_BUDGET_PER_TICK = 256;

  static final long POLL_TICK_MILLIS = 20;

  // ------------------------------------------------------------------------
  //  configuration
  // ------------------------------------------------------------------------

  private final IndexSettings settings;
  private final IndexFitter fitter;

  /** Tests only: run fits on the task thread, so that a fit is in as soon as it is due. */
  private final boolean inlineFits;

  /** {@link IndexFaultHook#NONE} unless a fault-injection test set one. */
  private final IndexFaultHook faults;

  // ------------------------------------------------------------------------
  //  state that is checkpointed
  // ------------------------------------------------------------------------

  private transient DocumentState state;

  /** Read on restore only (state of older versions). */
  private transient ListState<Projection> projectionState;

  /** This subtask's fit; one entry per subtask, every subtask's on restore. */
  private transient ListState<IndexFit> fitState;

  // ------------------------------------------------------------------------
  //  state that is not checkpointed (rebuilt in open())
  // ------------------------------------------------------------------------

  private transient List<IndexFit> restoredFits;
  private transient ExecutorService fitExecutor;
  private transient SubtaskIndex index;
  private transient RecallCalibrator calibrator;
  private transient FunnelSearch funnel;
  private transient IndexMetrics indexMetrics;
  private transient boolean tickScheduled;

  public VectorIndexOperator(IndexSettings settings) {
    this(settings, IndexFaultHook.NONE);
  }

  /** With a fault-injection hook: only tests of failure recovery set one. */
  @VisibleForTesting
  public VectorIndexOperator(IndexSettings settings, IndexFaultHook faults) {
    this(settings, settings == null ? null : IndexFitter.of(settings), false, faults);
  }

  /**
   * @param fitter fits projections and centroids (tests pass slow or failing ones)
   * @param inlineFits run fits on the task thread, so that a fit is in as soon as it is due
   *     (deterministic tests); the job always fits on the operator's fit executor
   */
  @VisibleForTesting
  public VectorIndexOperator(IndexSettings settings, IndexFitter fitter, boolean inlineFits) {
    this(settings, fitter, inlineFits, IndexFaultHook.NONE);
  }

  private VectorIndexOperator(
      IndexSettings settings, IndexFitter fitter, boolean inlineFits, IndexFaultHook faults) {
    if (settings == null) {
      throw new IllegalArgumentException("index settings must not be null");
    }
    if (faults == null) {
      throw new IllegalArgumentException("fault hook must not be null (IndexFaultHook.NONE: none)");
    }
    this.settings = settings;
    this.fitter = fitter;
    this.inlineFits = inlineFits;
    this.faults = faults;
  }

  @Override
  public void initializeState(StateInitializationContext context) throws Exception {
    super.initializeState(context);
    projectionState =
        context
            .getOperatorStateStore()
            .getListState(
                new ListStateDescriptor<>(STATE_PROJECTION, ProjectionSerializer.INSTANCE));
    fitState =
        context
            .getOperatorStateStore()
            .getUnionListState(new ListStateDescriptor<>(STATE_FIT, IndexFitSerializer.INSTANCE));
    restoredFits = new java.util.ArrayList<>();
    for (IndexFit f : fitState.get()) {
      if (FitChoice.compatible(f, settings)) {
        restoredFits.add(f);
      }
    }
    for (Projection p : projectionState.get()) {
      // State of an older version: a projection, whose codes the flat layout can still use.
      IndexFit f = IndexFit.flat(p, settings.encoding());
      if (FitChoice.compatible(f, settings)) {
        restoredFits.add(f);
      }
    }
  }

  @Override
  public void snapshotState(StateSnapshotContext context) throws Exception {
    super.snapshotState(context);
    projectionState.clear();
    fitState.clear();
    IndexFit fit = index.fit();
    if (fit != null) {
      fitState.add(fit);
    }
  }

  @Override
  public void open() throws Exception {
    super.open();
    ValueStateDescriptor<PrefixEntry> prefixesDescriptor =
        new ValueStateDescriptor<>(STATE_PREFIXES, PrefixEntrySerializer.INSTANCE);
    state =
        new DocumentState(
            this,
            getKeyedStateBackend(),
            getPartitionedState(
                new ValueStateDescriptor<>(STATE_DOCUMENTS, StoredDocumentSerializer.INSTANCE)),
            prefixesDescriptor,
            getPartitionedState(prefixesDescriptor));

    int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
    if (!inlineFits) {
      fitExecutor =
          Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, "mstream-index-fit-" + subtask);
                t.setDaemon(true);
                t.setPriority(Thread.NORM_PRIORITY - 1);
                return t;
              });
    }
    index =
        new SubtaskIndex(
            settings, subtask, state, fitter, inlineFits ? Runnable::run : fitExecutor);
    calibrator = new RecallCalibrator(settings);
    indexMetrics = new IndexMetrics(getMetricGroup(), index, calibrator);
    funnel =
        new FunnelSearch(
            settings,
            state,
            new AdaptiveDims(settings, System::currentTimeMillis),
            calibrator,
            indexMetrics);

    index.rebuild(FitChoice.choose(restoredFits, state));
    restoredFits = null;
    scheduleTick();
  }

  @Override
  public void close() throws Exception {
    try {
      if (index != null) {
        index.close();
      }
      if (fitExecutor != null) {
        fitExecutor.shutdownNow();
        fitExecutor.awaitTermination(10, TimeUnit.SECONDS);
      }
    } finally {
      super.close();
    }
  }

  /** A finished fit goes in, and a refit advances, at record boundaries and on a timer. */
  private void poll(int budget) throws Exception {
    index.poll(budget);
    scheduleTick();
  }

  private void scheduleTick() {
    if (tickScheduled || !index.busy()) {
      return;
    }
    tickScheduled = true;
    long at = getProcessingTimeService().getCurrentProcessingTime() + POLL_TICK_MILLIS;
    getProcessingTimeService()
        .registerTimer(
            at,
            t -> {
              tickScheduled = false;
              poll(POLL_BUDGET_PER_TICK);
            });
  }

  // ------------------------------------------------------------------------
  //  documents
  // ------------------------------------------------------------------------

  @Override
  public void processElement1(StreamRecord<DocumentChange> record) throws Exception {
    poll(POLL_BUDGET_PER_RECORD);
    DocumentChange change = record.getValue();
    String id = (String) getCurrentKey();
    if (change.kind == DocumentChange.Kind.DELETE) {
      if (state.document() != null) {
        state.clear();
        index.remove(id);
        indexMetrics.documentDeleted();
      }
      return;
    }
    if (change.vector == null || change.vector.length != settings.dimension()) {
      throw new IllegalStateException(
          "document '"
              + id
              + "' reached the index without a "
              + settings.dimension()
              + "-dimensional vector: the embed operator must run first");
    }
    StoredDocument previous = state.document();
    StoredDocument doc =
        new StoredDocument(
            change.namespace,
            change.attributes == null ? new HashMap<>() : change.attributes,
            change.vector,
            settings.modelId(),
            StoredDocument.contentHash(change.text),
            previous == null ? 1 : previous.version() + 1,
            change.eventTime);
    state.putDocument(doc);
    faults.afterDocumentWrite(id);
    index.add(id, doc);
    indexMetrics.documentIndexed(change.eventTime);
  }

  // ------------------------------------------------------------------------
  //  queries
  // ------------------------------------------------------------------------

  @Override
  public void processElement2(StreamRecord<SearchRequest> record) throws Exception {
    poll(POLL_BUDGET_PER_RECORD);
    SearchRequest request = record.getValue();
    long start = System.nanoTime();
    PartialResult partial = new PartialResult();
    partial.queryId = request.queryId;
    partial.subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
    partial.subtasks = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
    partial.k = request.k;
    partial.queryEventTime = request.eventTime;
    partial.embedMillis = request.embedMillis;

    FunnelSearch.Answer answer = null;
    boolean measured = false;
    if (index.hasProjection()) {
      answer = funnel.search(index.index(), request, partial);
      measured = funnel.measured(request);
      if (measured && request.measureRecall) {
        funnel.measure(index.index(), request, answer, partial); // asked: part of its answer
      }
    } else {
      index.searchWarmup(request, partial); // exact
      if (request.measureRecall) {
        partial.recall = 1.0;
        partial.referenceHits = new java.util.ArrayList<>(partial.hits);
      }
    }
    partial.searchMillis = (System.nanoTime() - start) / 1e6;
    output.collect(record.replace(partial));
    indexMetrics.queryAnswered(partial, (System.nanoTime() - start) / 1000);

    if (measured && !request.measureRecall) {
      // Sampled: measured after the answer is out, so its own latency does not pay for it.
      funnel.measure(index.index(), request, answer, null);
    }
  }

  // ------------------------------------------------------------------------
  //  for tests
  // ------------------------------------------------------------------------

  /** Whether this subtask has fitted its projection (searches through the funnel). */
  boolean hasProjection() {
    return index.hasProjection();
  }

  /** The prefix index past the warm-up, or null. */
  PrefixIndex arena() {
    return index.index();
  }

  /** Whether a fit or refit is under way. */
  boolean fitting() {
    return index.busy();
  }

  /** What disagrees between the in-memory index and keyed state (see SubtaskIndex); tests. */
  @VisibleForTesting
  public List<String> inconsistencies() throws Exception {
    return index.inconsistencies();
  }

  RecallCalibrator calibrator() {
    return calibrator;
  }

  int arenaSize() {
    return (int) index.size();
  }

  /** Documents in this subtask's keyed state. */
  long storedDocuments() {
    try (var keys =
        this.<String>getKeyedStateBackend().getKeys(STATE_DOCUMENTS, VoidNamespace.INSTANCE)) {
      return keys.count();
    }
  }

  @Override
  public String toString() {
    return "VectorIndexOperator{" + settings + "}";
  }
}
