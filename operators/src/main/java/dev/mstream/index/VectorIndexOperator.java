package dev.mstream.index;

import static org.apache.flink.util.Preconditions.checkArgument;
import static org.apache.flink.util.Preconditions.checkNotNull;
import static org.apache.flink.util.Preconditions.checkState;

import dev.mstream.chunk.CodePoints;
import dev.mstream.embed.ModelIdentity;
import dev.mstream.records.DocumentChange;
import dev.mstream.records.PartialResult;
import dev.mstream.records.QueryTimings;
import dev.mstream.records.ScoredHit;
import dev.mstream.records.SearchRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
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
 * <p>Until a subtask has seen {@code fitSample} vectors (chunks) it has no fit yet: it keeps those
 * few full vectors on the heap and searches them exactly, while its {@link IndexFit} (projection,
 * and for the inverted-file layout the centroids and 4-bit grid) is fitted on a copy of them on the
 * operator's fit executor, off the task thread. The fit is swapped in at a record boundary: the
 * documents are encoded, the heap copies dropped. Refits (growth, drift) run the same way while the
 * current index keeps answering ({@link Refit}).
 *
 * <p>A long document arrives split into chunks, one vector each. Its record holds every chunk's
 * vector and offsets, under the document's key, and the arenas one entry per chunk: an update or a
 * delete replaces or removes all of them in the same step, so no chunk outlives its document.
 * Queries rank documents by their chunks' scores and say which chunk matched; when texts are kept
 * (opt-in, {@code maxKeptTextBytes}), each hit carries that chunk's passage.
 *
 * <p>The pieces: {@link DocumentState} (the keyed state and how to read it under other keys),
 * {@link SubtaskIndex} (warm-up, fits, refits, rebuild from keyed state), {@link FunnelSearch} (the
 * cascade and rerank, reading keyed state only), {@link AdaptiveDims} (the load-adaptive budget),
 * {@link RecallCalibrator} (measured recall and the budget that holds the target) and {@link
 * IndexMetrics}.
 *
 * <p>The index records which model its vectors come from ({@code model} operator state, {@link
 * IndexModel}): a subtask restored with another {@code mstream.model} fails at once, before it
 * reads a record. A document whose text did not change ({@link DocumentChange#textUnchanged}: the
 * embed operator skipped it) keeps the vector this index already stores for it.
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

  /** Counter: chunk vectors indexed (a document of one chunk adds one). */
  public static final String METRIC_CHUNKS_INDEXED = "chunksIndexed";

  /** Gauge: live entries of the arena (chunks); {@link #METRIC_INDEX_SIZE} counts documents. */
  public static final String METRIC_INDEX_CHUNKS = "indexChunks";

  /** Counter: documents whose text was longer than the kept-text limit (no passages for them). */
  public static final String METRIC_TEXTS_NOT_KEPT = "textsNotKept";

  public static final String STATE_DOCUMENTS = "documents";
  public static final String STATE_PREFIXES = "prefixes";

  /** Before fits had centroids: the projection alone (read on restore, no longer written). */
  public static final String STATE_PROJECTION = "projection";

  public static final String STATE_TEXTS = "texts";
  public static final String STATE_MODEL = "model";

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

  /** Run fits on the task thread, so that a fit is in as soon as it is due (tests). */
  private final boolean inlineFits;

  /** Largest document text kept for passages, in UTF-8 bytes; 0: texts are not kept. */
  private final int maxKeptTextBytes;

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

  /** The model id of the index (union state: a restored subtask sees every subtask's entry). */
  private transient ListState<String> modelState;

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
    this(settings, 0, IndexFaultHook.NONE);
  }

  /**
   * @param maxKeptTextBytes keep each document's text up to this many UTF-8 bytes, so that hits
   *     carry the passage that matched (mstream.index.keep-text-bytes); 0 keeps none
   */
  public VectorIndexOperator(IndexSettings settings, int maxKeptTextBytes) {
    this(settings, maxKeptTextBytes, IndexFaultHook.NONE);
  }

  /** With a fault-injection hook: only tests of failure recovery set one. */
  @VisibleForTesting
  public VectorIndexOperator(IndexSettings settings, IndexFaultHook faults) {
    this(settings, 0, faults);
  }

  /** Kept texts and a fault-injection hook (only tests of failure recovery set one). */
  @VisibleForTesting
  public VectorIndexOperator(IndexSettings settings, int maxKeptTextBytes, IndexFaultHook faults) {
    this(
        settings,
        maxKeptTextBytes,
        settings == null ? null : IndexFitter.of(settings),
        false,
        faults);
  }

  /**
   * @param fitter fits projections and centroids (tests pass slow or failing ones)
   * @param inlineFits run fits on the task thread, so that a fit is in as soon as it is due
   *     (deterministic tests); the job always fits on the operator's fit executor
   */
  @VisibleForTesting
  public VectorIndexOperator(IndexSettings settings, IndexFitter fitter, boolean inlineFits) {
    this(settings, 0, fitter, inlineFits, IndexFaultHook.NONE);
  }

  /** All of the above. */
  @VisibleForTesting
  VectorIndexOperator(
      IndexSettings settings,
      int maxKeptTextBytes,
      IndexFitter fitter,
      boolean inlineFits,
      IndexFaultHook faults) {
    checkArgument(
        maxKeptTextBytes >= 0,
        "mstream.index.keep-text-bytes must be >= 0, was %s",
        maxKeptTextBytes);
    this.settings = checkNotNull(settings, "index settings");
    this.maxKeptTextBytes = maxKeptTextBytes;
    this.fitter = checkNotNull(fitter, "index fitter");
    this.inlineFits = inlineFits;
    this.faults = checkNotNull(faults, "fault hook (IndexFaultHook.NONE: none)");
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
    restoredFits = new ArrayList<>();
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
    modelState =
        context
            .getOperatorStateStore()
            .getUnionListState(new ListStateDescriptor<>(STATE_MODEL, StringSerializer.INSTANCE));
    if (context.isRestored()) {
      IndexModel.checkRestored(
          modelState.get(),
          settings.modelId(),
          getRuntimeContext().getTaskInfo().getIndexOfThisSubtask());
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
    modelState.update(List.of(settings.modelId()));
  }

  @Override
  public void open() throws Exception {
    super.open();
    ValueStateDescriptor<PrefixEntry> prefixesDescriptor =
        new ValueStateDescriptor<>(STATE_PREFIXES, PrefixEntrySerializer.INSTANCE);
    ValueState<String> texts =
        maxKeptTextBytes > 0
            ? getPartitionedState(
                new ValueStateDescriptor<>(STATE_TEXTS, StringSerializer.INSTANCE))
            : null;
    state =
        new DocumentState(
            this,
            getKeyedStateBackend(),
            getPartitionedState(
                new ValueStateDescriptor<>(STATE_DOCUMENTS, StoredDocumentSerializer.INSTANCE)),
            prefixesDescriptor,
            getPartitionedState(prefixesDescriptor),
            texts);

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
      StoredDocument stored = state.document();
      if (stored != null) {
        state.clear();
        index.remove(id, stored);
        indexMetrics.documentDeleted();
      }
      return;
    }
    StoredDocument previous = state.document();
    float[][] vectors =
        change.textUnchanged ? storedVectors(id, change, previous) : change.chunkVectors();
    checkState(
        vectors != null && vectors[0].length == settings.dimension(),
        "document '%s' reached the index without a %s-dimensional vector: the embed operator must run first",
        id,
        settings.dimension());
    String body = change.body();
    int[] ranges = change.chunks;
    if (ranges == null) {
      ranges = new int[] {0, body.codePointCount(0, body.length())};
    } else if (ranges.length != 2 * vectors.length) {
      throw new IllegalStateException(
          "document '"
              + id
              + "' has "
              + ranges.length / 2
              + " chunks but "
              + vectors.length
              + " vectors");
    }
    StoredDocument doc =
        StoredDocument.chunked(
            change.namespace,
            change.attributes == null ? new HashMap<>() : change.attributes,
            vectors,
            ranges,
            settings.modelId(),
            StoredDocument.contentHash(change.text),
            previous == null ? 1 : previous.version() + 1,
            change.eventTime);
    state.putDocument(doc);
    faults.afterDocumentWrite(id);
    if (state.keepsTexts()) {
      boolean fits =
          body.length() <= maxKeptTextBytes
              && body.getBytes(StandardCharsets.UTF_8).length <= maxKeptTextBytes;
      state.putText(fits ? body : null);
      if (!fits) {
        indexMetrics.textNotKept();
      }
    }
    index.add(id, doc, previous);
    indexMetrics.documentIndexed(change.eventTime, doc.chunkCount());
  }

  /**
   * The vectors stored for a document whose texts the embed operator found unchanged (every
   * chunk's: the same text split the same way). They must be there, of the same text and model: the
   * embed operator only skips texts whose vectors it sent here before, and a delete in between
   * clears its memory too (see {@code MicroBatchEmbedOperator}). Missing, it means the two
   * operators' states do not come from the same checkpoint.
   */
  private float[][] storedVectors(String id, DocumentChange change, StoredDocument previous) {
    int chunks = change.chunks == null ? 1 : change.chunks.length / 2;
    if (previous != null
        && ModelIdentity.sameModel(previous.modelId(), settings.modelId())
        && previous.contentHash() == StoredDocument.contentHash(change.text)
        && previous.chunkCount() == chunks) {
      return previous.chunkVectors();
    }
    throw new IncompatibleIndexException(
        "document '"
            + id
            + "' came without a vector because the embed operator remembers embedding its text"
            + " before, but the index holds "
            + (previous == null
                ? "no vector for it"
                : "a vector of another text or model (" + previous.modelId() + ")")
            + ": the embed and index operators' states were not restored from the same checkpoint"
            + " (was an operator's state dropped or replaced?). Restart from that checkpoint with"
            + " mstream.embed.skip-unchanged=false: every text is then embedded again.");
  }

  // ------------------------------------------------------------------------
  //  queries
  // ------------------------------------------------------------------------

  @Override
  public void processElement2(StreamRecord<SearchRequest> record) throws Exception {
    poll(POLL_BUDGET_PER_RECORD);
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

    FunnelSearch.Answer answer = null;
    boolean measured = false;
    if (index.hasProjection()) {
      int documents = index.documentCount(request.namespace);
      answer = funnel.search(index.index(), documents, request, partial);
      measured = funnel.measured(request);
      if (measured && request.measureRecall) {
        // asked: part of its answer
        funnel.measure(index.index(), documents, request, answer, partial);
      }
    } else {
      index.searchWarmup(request, partial); // exact
      partial.timings.scanMillis = (System.nanoTime() - start) / 1e6;
      if (request.measureRecall) {
        partial.recall = 1.0;
        partial.referenceHits = new ArrayList<>(partial.hits);
      }
    }
    if (state.keepsTexts() && !partial.hits.isEmpty()) {
      addPassages(partial.hits);
    }
    partial.searchMillis = (System.nanoTime() - start) / 1e6;
    partial.timings.answered();
    output.collect(record.replace(partial));
    indexMetrics.queryAnswered(partial, (System.nanoTime() - start) / 1000);

    if (measured && !request.measureRecall) {
      // Sampled: measured after the answer is out, so its own latency does not pay for it.
      funnel.measure(index.index(), index.documentCount(request.namespace), request, answer, null);
    }
  }

  /** Each hit's best chunk, cut from the document's kept text (one point lookup per hit). */
  private void addPassages(List<ScoredHit> hits) throws Exception {
    Map<String, ScoredHit> byId = new HashMap<>();
    List<String> ids = new ArrayList<>(hits.size());
    for (ScoredHit h : hits) {
      if (h.chunkStart >= 0) {
        byId.put(h.docId, h);
        ids.add(h.docId);
      }
    }
    state.forEachText(
        ids,
        (id, text) -> {
          ScoredHit h = byId.get(id);
          CodePoints cursor = new CodePoints(text);
          int from = cursor.charOf(h.chunkStart);
          h.passage = text.substring(from, cursor.charOf(h.chunkEnd));
        });
  }

  // ------------------------------------------------------------------------
  //  for tests
  // ------------------------------------------------------------------------

  /** Whether this subtask has fitted its projection (searches through the funnel). */
  @VisibleForTesting
  boolean hasProjection() {
    return index.hasProjection();
  }

  /** The prefix index past the warm-up, or null. */
  @VisibleForTesting
  PrefixIndex arena() {
    return index.index();
  }

  /** Whether a fit or refit is under way. */
  @VisibleForTesting
  boolean fitting() {
    return index.busy();
  }

  /** What disagrees between the in-memory index and keyed state (see SubtaskIndex). */
  @VisibleForTesting
  public List<String> inconsistencies() throws Exception {
    return index.inconsistencies();
  }

  @VisibleForTesting
  RecallCalibrator calibrator() {
    return calibrator;
  }

  @VisibleForTesting
  int arenaSize() {
    return (int) index.size();
  }

  /** What this subtask's keyed state holds for {@code id}, or null. */
  @VisibleForTesting
  StoredDocument storedDocument(String id) throws Exception {
    return state.document(id);
  }

  /** Documents in this subtask's keyed state. */
  @VisibleForTesting
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
