package dev.mstream.index;

import dev.mstream.index.vector.VectorUtil;
import dev.mstream.records.DocumentChange;
import dev.mstream.records.PartialResult;
import dev.mstream.records.ScoredHit;
import dev.mstream.records.SearchRequest;
import dev.mstream.testing.FailureInjector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * <p>The query side reads keyed state only through {@link #rerank}, which sets each candidate's key
 * and restores the previous one; it never writes state (a write would land on whatever key was
 * current, silently).
 */
public class VectorIndexOperator extends AbstractStreamOperator<PartialResult>
    implements TwoInputStreamOperator<DocumentChange, SearchRequest, PartialResult> {

  private static final long serialVersionUID = 2L;
  private static final Logger LOG = LoggerFactory.getLogger(VectorIndexOperator.class);

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

  // ------------------------------------------------------------------------
  //  state that is checkpointed
  // ------------------------------------------------------------------------

  private transient ValueStateDescriptor<StoredDocument> documentsDescriptor;
  private transient ValueStateDescriptor<PrefixEntry> prefixesDescriptor;
  private transient ValueState<StoredDocument> documents;
  private transient ValueState<PrefixEntry> prefixes;

  /** This subtask's projection; at most one entry. */
  private transient ListState<Projection> projectionState;

  // ------------------------------------------------------------------------
  //  state that is not checkpointed (rebuilt in open())
  // ------------------------------------------------------------------------

  private transient Projection restoredProjection;

  /** Null until the projection is fitted. */
  private transient PrefixArena arena;

  /** Exact, on-heap copy of the first documents; null once the projection is fitted. */
  private transient VectorArena warmup;

  private transient double queueDelayEwma;
  private transient Counter indexed;
  private transient Counter deleted;
  private transient Counter queries;
  private transient Counter rerankLookups;
  private transient Histogram queryLatency;
  private transient Histogram scanTime;
  private transient Histogram dimsUsed;
  private transient Histogram candidatesScanned;
  private transient Histogram freshnessLag;
  private transient long rebuildMillis;

  public VectorIndexOperator(IndexSettings settings) {
    if (settings == null) {
      throw new IllegalArgumentException("index settings must not be null");
    }
    this.settings = settings;
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
    if (arena != null) {
      projectionState.add(arena.projection());
    }
  }

  @Override
  public void open() throws Exception {
    super.open();
    documentsDescriptor =
        new ValueStateDescriptor<>(STATE_DOCUMENTS, StoredDocumentSerializer.INSTANCE);
    prefixesDescriptor = new ValueStateDescriptor<>(STATE_PREFIXES, PrefixEntrySerializer.INSTANCE);
    documents = getPartitionedState(documentsDescriptor);
    prefixes = getPartitionedState(prefixesDescriptor);

    var metrics = getMetricGroup();
    indexed = metrics.counter(METRIC_DOCUMENTS_INDEXED);
    deleted = metrics.counter(METRIC_DOCUMENTS_DELETED);
    queries = metrics.counter(METRIC_QUERIES);
    rerankLookups = metrics.counter(METRIC_RERANK_LOOKUPS);
    queryLatency = histogram(METRIC_QUERY_LATENCY);
    scanTime = histogram(METRIC_SCAN_TIME);
    dimsUsed = histogram(METRIC_DIMS_USED);
    candidatesScanned = histogram(METRIC_CANDIDATES_SCANNED);
    freshnessLag = histogram(METRIC_FRESHNESS_LAG);
    metrics.gauge(METRIC_INDEX_SIZE, this::indexSize);
    metrics.gauge(METRIC_ARENA_BYTES, () -> arena == null ? 0L : arena.heapBytes());
    metrics.gauge(METRIC_REBUILD_MILLIS, () -> rebuildMillis);

    rebuild();
  }

  private Histogram histogram(String name) {
    return getMetricGroup().histogram(name, new DescriptiveStatisticsHistogram(1024));
  }

  private long indexSize() {
    return arena != null ? arena.size() : warmup.size();
  }

  // ------------------------------------------------------------------------
  //  rebuild after restore
  // ------------------------------------------------------------------------

  /**
   * Refills the in-memory index from keyed state: codes made with the current projection go
   * straight into the arena (tens of bytes read per document); anything else is re-encoded from its
   * full vector, and its prefix entry rewritten.
   */
  private void rebuild() throws Exception {
    long start = System.nanoTime();
    if (restoredProjection != null) {
      arena = newArena(restoredProjection);
    }
    List<String> stale = new ArrayList<>();
    this.<String>getKeyedStateBackend()
        .applyToAllKeys(
            VoidNamespace.INSTANCE,
            VoidNamespaceSerializer.INSTANCE,
            prefixesDescriptor,
            (String id, ValueState<PrefixEntry> state) -> {
              PrefixEntry e = state.value();
              if (e == null) {
                return;
              }
              if (arena != null && e.projectionVersion() == arena.projection().version()) {
                arena.putEncoded(id, e.namespace(), e.attributes(), e.codes());
              } else {
                stale.add(id);
              }
            });
    if (arena == null && stale.size() >= settings.fitSample()) {
      // Restored without a usable projection (rescaled in, or the prefix settings changed):
      // refit on a sample of the stored full vectors, nothing is re-embedded.
      List<float[]> sample = new ArrayList<>();
      forEachDocument(
          stale.subList(0, settings.fitSample()), (id, doc) -> sample.add(doc.vector()));
      arena = newArena(fit(sample.toArray(new float[0][])));
    }
    if (arena == null) {
      warmup = new VectorArena(settings.dimension(), Math.max(16, stale.size()));
      forEachDocument(
          stale, (id, doc) -> warmup.put(id, doc.namespace(), doc.attributes(), doc.vector()));
    } else if (!stale.isEmpty()) {
      forEachDocument(stale, this::encodeAndStore);
    }
    rebuildMillis = (System.nanoTime() - start) / 1_000_000;
    if (indexSize() > 0) {
      LOG.info(
          "Rebuilt the index of subtask {} from keyed state: {} documents ({} re-encoded) in {} ms,"
              + " {}",
          getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
          indexSize(),
          stale.size(),
          rebuildMillis,
          arena == null ? "exact warm-up (no projection yet)" : arena.projection());
    }
  }

  /** Calls {@code action} with each id's stored document under that id's key. */
  private void forEachDocument(List<String> ids, DocumentAction action) throws Exception {
    Object previous = getCurrentKey();
    try {
      for (String id : ids) {
        setCurrentKey(id);
        StoredDocument doc = documents.value();
        if (doc != null) {
          action.apply(id, doc);
        }
      }
    } finally {
      if (previous != null) {
        setCurrentKey(previous);
      }
    }
  }

  @FunctionalInterface
  private interface DocumentAction {
    void apply(String id, StoredDocument doc) throws Exception;
  }

  /** Under the document's key: encode with the arena's projection, store, add to the arena. */
  private void encodeAndStore(String id, StoredDocument doc) throws Exception {
    byte[] codes = arena.encode(doc.vector());
    prefixes.update(
        new PrefixEntry(doc.namespace(), doc.attributes(), arena.projection().version(), codes));
    arena.putEncoded(id, doc.namespace(), doc.attributes(), codes);
  }

  private PrefixArena newArena(Projection projection) {
    return new PrefixArena(projection, settings.encoding(), 1024);
  }

  private Projection fit(float[][] sample) {
    return settings.rotate()
        ? Projection.fitPca(sample, settings.prefixDims())
        : Projection.identity(settings.dimension(), settings.prefixDims(), sample);
  }

  /** Fits the projection on the warm-up documents and moves them into the arena. */
  private void fitProjection() throws Exception {
    long start = System.nanoTime();
    List<String> ids = warmup.ids();
    float[][] sample = new float[ids.size()][];
    for (int i = 0; i < sample.length; i++) {
      sample[i] = warmup.vectorOf(ids.get(i));
    }
    Projection projection = fit(sample);
    arena = newArena(projection);
    forEachDocument(ids, this::encodeAndStore);
    warmup = null;
    LOG.info(
        "Subtask {} fitted its {} on {} documents in {} ms",
        getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
        projection,
        sample.length,
        (System.nanoTime() - start) / 1_000_000);
  }

  // ------------------------------------------------------------------------
  //  documents
  // ------------------------------------------------------------------------

  @Override
  public void processElement1(StreamRecord<DocumentChange> record) throws Exception {
    DocumentChange change = record.getValue();
    String id = (String) getCurrentKey();
    if (change.kind == DocumentChange.Kind.DELETE) {
      if (documents.value() != null) {
        documents.clear();
        prefixes.clear();
        if (arena != null) {
          arena.remove(id);
        } else {
          warmup.remove(id);
        }
        deleted.inc();
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
    StoredDocument previous = documents.value();
    StoredDocument doc =
        new StoredDocument(
            change.namespace,
            change.attributes == null ? new HashMap<>() : change.attributes,
            change.vector,
            settings.modelId(),
            StoredDocument.contentHash(change.text),
            previous == null ? 1 : previous.version() + 1,
            change.eventTime);
    documents.update(doc);
    FailureInjector.check(FailureInjector.INDEX_AFTER_DOCUMENT_WRITE); // test-only, see there
    if (arena != null) {
      encodeAndStore(id, doc);
    } else {
      prefixes.update(new PrefixEntry(doc.namespace(), doc.attributes(), 0, null));
      warmup.put(id, doc.namespace(), doc.attributes(), doc.vector());
      if (warmup.size() >= settings.fitSample()) {
        fitProjection();
      }
    }
    indexed.inc();
    if (change.eventTime > 0) {
      freshnessLag.update(Math.max(0, System.currentTimeMillis() - change.eventTime));
    }
  }

  // ------------------------------------------------------------------------
  //  queries
  // ------------------------------------------------------------------------

  @Override
  public void processElement2(StreamRecord<SearchRequest> record) throws Exception {
    SearchRequest request = record.getValue();
    long start = System.nanoTime();
    PartialResult partial = new PartialResult();
    partial.queryId = request.queryId;
    partial.subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
    partial.subtasks = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
    partial.k = request.k;
    partial.queryEventTime = request.eventTime;
    partial.embedMillis = request.embedMillis;

    if (arena == null) {
      SearchHits exact =
          warmup.search(request.namespace, request.filter, request.vector, request.k);
      partial.hits = toHits(exact);
      partial.dimsUsed = settings.dimension();
      partial.candidatesScanned = exact.scanned();
      partial.indexSize = warmup.size(request.namespace);
    } else {
      funnel(request, partial);
    }
    partial.searchMillis = (System.nanoTime() - start) / 1e6;
    output.collect(record.replace(partial));

    queries.inc();
    queryLatency.update((System.nanoTime() - start) / 1000);
    dimsUsed.update(partial.dimsUsed);
    candidatesScanned.update(partial.candidatesScanned);
  }

  private void funnel(SearchRequest request, PartialResult partial) throws Exception {
    int inNamespace = arena.size(request.namespace);
    boolean exact = request.dims >= settings.dimension();
    int dims = exact ? arena.prefixDims() : dimsFor(request);
    int candidates =
        exact
            ? inNamespace
            : Math.max(
                request.k,
                request.candidates > 0 ? request.candidates : settings.defaultCandidates());

    long scanStart = System.nanoTime();
    PrefixArena.Shortlist shortlist =
        arena.shortlist(request.namespace, request.filter, request.vector, dims, candidates);
    scanTime.update((System.nanoTime() - scanStart) / 1000);

    partial.hits =
        settings.rerank() || exact
            ? rerank(shortlist, request.vector, request.k)
            : prefixScores(shortlist, request.k);
    partial.dimsUsed = exact ? settings.dimension() : dims;
    partial.candidatesScanned = shortlist.size();
    partial.indexSize = inNamespace;
  }

  /**
   * The query's dims, or the default — lowered to the configured minimum while queries wait longer
   * than the adaptive latency bound (queueing delay, smoothed).
   */
  private int dimsFor(SearchRequest request) {
    if (request.eventTime > 0 && settings.adaptiveLatencyMillis() > 0) {
      // Each sample is capped at twice the bound, so one query with a stale or skewed event
      // time cannot hold the average up for hundreds of queries: only a run of late ones can.
      long delay = Math.max(0, System.currentTimeMillis() - request.eventTime);
      double capped = Math.min(delay, 2.0 * settings.adaptiveLatencyMillis());
      queueDelayEwma = 0.9 * queueDelayEwma + 0.1 * capped;
    }
    if (request.dims > 0) {
      return Math.min(request.dims, arena.prefixDims());
    }
    if (settings.adaptiveLatencyMillis() > 0 && queueDelayEwma > settings.adaptiveLatencyMillis()) {
      return settings.minDims();
    }
    return settings.defaultDims();
  }

  /** Exact scores of the shortlisted documents from their full vectors in keyed state. */
  private List<ScoredHit> rerank(PrefixArena.Shortlist shortlist, float[] query, int k)
      throws Exception {
    int n = shortlist.size();
    NeighborQueue best = new NeighborQueue(Math.max(1, k));
    StoredDocument[] docs = new StoredDocument[n];
    String[] ids = new String[n];
    Object previous = getCurrentKey();
    try {
      for (int i = 0; i < n; i++) {
        ids[i] = arena.idOf(shortlist.slots()[i]);
        setCurrentKey(ids[i]);
        docs[i] = documents.value();
        if (docs[i] != null) {
          best.offer(i, VectorUtil.dot(docs[i].vector(), query));
        }
      }
    } finally {
      if (previous != null) {
        setCurrentKey(previous);
      }
    }
    rerankLookups.inc(n);
    float[] scores = new float[best.size()];
    int[] order = best.drainBestFirst(scores);
    List<ScoredHit> hits = new ArrayList<>(order.length);
    for (int i = 0; i < order.length; i++) {
      hits.add(new ScoredHit(ids[order[i]], scores[i], new HashMap<>(docs[order[i]].attributes())));
    }
    hits.sort(ScoredHit::bestFirst); // equal scores in id order, as the merger ranks them
    return hits;
  }

  /** The shortlist's own order and approximate scores: for measuring what reranking adds. */
  private List<ScoredHit> prefixScores(PrefixArena.Shortlist shortlist, int k) {
    List<ScoredHit> hits = new ArrayList<>();
    for (int i = 0; i < Math.min(k, shortlist.size()); i++) {
      hits.add(
          new ScoredHit(arena.idOf(shortlist.slots()[i]), shortlist.scores()[i], new HashMap<>()));
    }
    return hits;
  }

  private static List<ScoredHit> toHits(SearchHits local) {
    List<ScoredHit> hits = new ArrayList<>(local.size());
    for (int i = 0; i < local.size(); i++) {
      Map<String, String> attrs = local.attributes()[i];
      hits.add(
          new ScoredHit(
              local.ids()[i],
              local.scores()[i],
              attrs == null ? new HashMap<>() : new HashMap<>(attrs)));
    }
    return hits;
  }

  // ------------------------------------------------------------------------
  //  for tests
  // ------------------------------------------------------------------------

  /** Whether this subtask has fitted its projection (searches through the funnel). */
  boolean hasProjection() {
    return arena != null;
  }

  PrefixArena arena() {
    return arena;
  }

  int arenaSize() {
    return (int) indexSize();
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
