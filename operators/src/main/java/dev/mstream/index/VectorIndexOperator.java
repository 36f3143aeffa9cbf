package dev.mstream.index;

import dev.mstream.records.DocumentChange;
import dev.mstream.records.PartialResult;
import dev.mstream.records.QueryTimings;
import dev.mstream.records.SearchRequest;
import java.util.HashMap;
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
 * <p>Until a subtask has seen {@code fitSample} documents it has no projection yet: it keeps those
 * few full vectors on the heap and searches them exactly, then fits the projection on them (PCA, or
 * identity for native Matryoshka models), encodes them and drops the heap copies.
 *
 * <p>The pieces: {@link DocumentState} (the keyed state and how to read it under other keys),
 * {@link SubtaskIndex} (warm-up, fit, rebuild from keyed state), {@link FunnelSearch} (shortlist
 * and rerank, reading keyed state only), {@link AdaptiveDims} (the load-adaptive dims policy) and
 * {@link IndexMetrics}.
 */
public class VectorIndexOperator extends AbstractStreamOperator<PartialResult>
    implements TwoInputStreamOperator<DocumentChange, SearchRequest, PartialResult> {

  private static final long serialVersionUID = 2L;

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

  public static final String STATE_DOCUMENTS = "documents";
  public static final String STATE_PREFIXES = "prefixes";
  public static final String STATE_PROJECTION = "projection";

  // ------------------------------------------------------------------------
  //  configuration
  // ------------------------------------------------------------------------

  private final IndexSettings settings;

  /** {@link IndexFaultHook#NONE} unless a fault-injection test set one. */
  private final IndexFaultHook faults;

  // ------------------------------------------------------------------------
  //  state that is checkpointed
  // ------------------------------------------------------------------------

  private transient DocumentState state;

  /** This subtask's projection; at most one entry. */
  private transient ListState<Projection> projectionState;

  // ------------------------------------------------------------------------
  //  state that is not checkpointed (rebuilt in open())
  // ------------------------------------------------------------------------

  private transient Projection restoredProjection;
  private transient SubtaskIndex index;
  private transient FunnelSearch funnel;
  private transient IndexMetrics indexMetrics;

  public VectorIndexOperator(IndexSettings settings) {
    this(settings, IndexFaultHook.NONE);
  }

  /** With a fault-injection hook: only tests of failure recovery set one. */
  @VisibleForTesting
  public VectorIndexOperator(IndexSettings settings, IndexFaultHook faults) {
    if (settings == null) {
      throw new IllegalArgumentException("index settings must not be null");
    }
    if (faults == null) {
      throw new IllegalArgumentException("fault hook must not be null (IndexFaultHook.NONE: none)");
    }
    this.settings = settings;
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
    for (Projection p : projectionState.get()) {
      // After a rescale a subtask may receive several; any one is valid, codes of the others
      // are re-encoded.
      if (restoredProjection == null
          && p.dimension() == settings.dimension()
          && p.prefixDims() == settings.prefixDims()) {
        restoredProjection = p;
      }
    }
  }

  @Override
  public void snapshotState(StateSnapshotContext context) throws Exception {
    super.snapshotState(context);
    projectionState.clear();
    Projection projection = index.projection();
    if (projection != null) {
      projectionState.add(projection);
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

    index =
        new SubtaskIndex(
            settings, getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(), state);
    indexMetrics = new IndexMetrics(getMetricGroup(), index);
    funnel =
        new FunnelSearch(
            settings, state, new AdaptiveDims(settings, System::currentTimeMillis), indexMetrics);

    index.rebuild(restoredProjection);
  }

  // ------------------------------------------------------------------------
  //  documents
  // ------------------------------------------------------------------------

  @Override
  public void processElement1(StreamRecord<DocumentChange> record) throws Exception {
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
    SearchRequest request = record.getValue();
    long reached = QueryTimings.nowMicros();
    long start = System.nanoTime();
    PartialResult partial = new PartialResult();
    partial.queryId = request.queryId;
    partial.subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
    partial.subtasks = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
    partial.k = request.k;
    partial.queryEventTime = request.eventTime;
    partial.embedMillis = request.embedMillis;
    partial.timings = request.timings == null ? new QueryTimings() : request.timings.copy();
    partial.timings.reachedIndex(reached);

    if (index.hasProjection()) {
      funnel.search(index.arena(), request, partial);
    } else {
      index.searchWarmup(request, partial);
      partial.timings.scanMillis = (System.nanoTime() - start) / 1e6;
    }
    partial.searchMillis = (System.nanoTime() - start) / 1e6;
    partial.timings.answered();
    output.collect(record.replace(partial));

    indexMetrics.queryAnswered(partial, (System.nanoTime() - start) / 1000);
  }

  // ------------------------------------------------------------------------
  //  for tests
  // ------------------------------------------------------------------------

  /** Whether this subtask has fitted its projection (searches through the funnel). */
  boolean hasProjection() {
    return index.hasProjection();
  }

  PrefixArena arena() {
    return index.arena();
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
