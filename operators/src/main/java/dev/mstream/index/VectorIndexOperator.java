package dev.mstream.index;

import dev.mstream.records.DocumentChange;
import dev.mstream.records.PartialResult;
import dev.mstream.records.ScoredHit;
import dev.mstream.records.SearchRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The vector index: input 1 is the document stream keyed by document id, input 2 the broadcast
 * query stream. Each subtask owns the documents of its key groups: their full record in keyed
 * RocksDB state (durable, checkpointed) and a copy in an in-memory {@link VectorArena} (fast, not
 * checkpointed, rebuilt from the keyed state in {@link #open()}). Every subtask answers every query
 * with its local top-k; the merger combines them.
 *
 * <p>The query side never reads or writes keyed state: the current key there is whatever document
 * came last, so a write would silently land on that document.
 */
public class VectorIndexOperator extends AbstractStreamOperator<PartialResult>
    implements TwoInputStreamOperator<DocumentChange, SearchRequest, PartialResult> {

  private static final long serialVersionUID = 1L;
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
  public static final String METRIC_FRESHNESS_LAG = "freshnessLagMillis";
  public static final String METRIC_REBUILD_MILLIS = "arenaRebuildMillis";

  public static final String STATE_DOCUMENTS = "documents";

  // ------------------------------------------------------------------------
  //  configuration
  // ------------------------------------------------------------------------

  private final String modelId;
  private final int dimension;

  // ------------------------------------------------------------------------
  //  state that is checkpointed
  // ------------------------------------------------------------------------

  private transient ValueStateDescriptor<StoredDocument> documentsDescriptor;
  private transient ValueState<StoredDocument> documents;

  // ------------------------------------------------------------------------
  //  state that is not checkpointed (rebuilt in open())
  // ------------------------------------------------------------------------

  private transient VectorArena arena;
  private transient Counter indexed;
  private transient Counter deleted;
  private transient Counter queries;
  private transient Histogram queryLatency;
  private transient Histogram freshnessLag;
  private transient long rebuildMillis;

  public VectorIndexOperator(String modelId, int dimension) {
    if (modelId == null || modelId.isBlank()) {
      throw new IllegalArgumentException("modelId (mstream.model) must not be empty");
    }
    if (dimension <= 0) {
      throw new IllegalArgumentException("dimension must be > 0, was " + dimension);
    }
    this.modelId = modelId;
    this.dimension = dimension;
  }

  @Override
  public void open() throws Exception {
    super.open();
    documentsDescriptor =
        new ValueStateDescriptor<>(STATE_DOCUMENTS, StoredDocumentSerializer.INSTANCE);
    documents = getPartitionedState(documentsDescriptor);
    arena = new VectorArena(dimension, 1024);
    rebuildArena();

    var metrics = getMetricGroup();
    indexed = metrics.counter(METRIC_DOCUMENTS_INDEXED);
    deleted = metrics.counter(METRIC_DOCUMENTS_DELETED);
    queries = metrics.counter(METRIC_QUERIES);
    queryLatency =
        metrics.histogram(METRIC_QUERY_LATENCY, new DescriptiveStatisticsHistogram(1024));
    freshnessLag =
        metrics.histogram(METRIC_FRESHNESS_LAG, new DescriptiveStatisticsHistogram(1024));
    metrics.gauge(METRIC_INDEX_SIZE, () -> arena.size());
    metrics.gauge(METRIC_ARENA_BYTES, () -> arena.vectorBytes());
    metrics.gauge(METRIC_REBUILD_MILLIS, () -> rebuildMillis);
  }

  /** Refills the arena from keyed state: after a restore it holds exactly this subtask's keys. */
  private void rebuildArena() throws Exception {
    long start = System.nanoTime();
    this.<String>getKeyedStateBackend()
        .applyToAllKeys(
            VoidNamespace.INSTANCE,
            VoidNamespaceSerializer.INSTANCE,
            documentsDescriptor,
            (String id, ValueState<StoredDocument> state) -> {
              StoredDocument doc = state.value();
              if (doc != null) {
                arena.put(id, doc.namespace(), doc.attributes(), doc.vector());
              }
            });
    rebuildMillis = (System.nanoTime() - start) / 1_000_000;
    if (arena.size() > 0) {
      LOG.info(
          "Rebuilt vector arena of subtask {} from keyed state: {} documents in {} ms",
          getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
          arena.size(),
          rebuildMillis);
    }
  }

  @Override
  public void processElement1(StreamRecord<DocumentChange> record) throws Exception {
    DocumentChange change = record.getValue();
    String id = (String) getCurrentKey();
    if (change.kind == DocumentChange.Kind.DELETE) {
      if (documents.value() != null) {
        documents.clear();
        arena.remove(id);
        deleted.inc();
      }
      return;
    }
    if (change.vector == null || change.vector.length != dimension) {
      throw new IllegalStateException(
          "document '"
              + id
              + "' reached the index without a "
              + dimension
              + "-dimensional vector: the embed operator must run first");
    }
    StoredDocument previous = documents.value();
    long version = previous == null ? 1 : previous.version() + 1;
    StoredDocument doc =
        new StoredDocument(
            change.namespace,
            change.attributes == null ? new HashMap<>() : change.attributes,
            change.vector,
            modelId,
            StoredDocument.contentHash(change.text),
            version,
            change.eventTime);
    documents.update(doc);
    arena.put(id, doc.namespace(), doc.attributes(), doc.vector());
    indexed.inc();
    if (change.eventTime > 0) {
      freshnessLag.update(Math.max(0, System.currentTimeMillis() - change.eventTime));
    }
  }

  @Override
  public void processElement2(StreamRecord<SearchRequest> record) {
    SearchRequest request = record.getValue();
    long start = System.nanoTime();
    SearchHits local = arena.search(request.namespace, request.filter, request.vector, request.k);
    double searchMillis = (System.nanoTime() - start) / 1e6;

    PartialResult partial = new PartialResult();
    partial.queryId = request.queryId;
    partial.subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
    partial.subtasks = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
    partial.k = request.k;
    partial.dimsUsed = dimension;
    partial.candidatesScanned = local.scanned();
    partial.indexSize = arena.size(request.namespace);
    partial.searchMillis = searchMillis;
    partial.queryEventTime = request.eventTime;
    partial.embedMillis = request.embedMillis;
    List<ScoredHit> hits = new ArrayList<>(local.size());
    for (int i = 0; i < local.size(); i++) {
      hits.add(new ScoredHit(local.ids()[i], local.scores()[i], copyOf(local.attributes()[i])));
    }
    partial.hits = hits;
    output.collect(record.replace(partial));

    queries.inc();
    queryLatency.update((System.nanoTime() - start) / 1000);
  }

  private static HashMap<String, String> copyOf(java.util.Map<String, String> attrs) {
    return attrs == null ? new HashMap<>() : new HashMap<>(attrs);
  }

  /** For tests: the arena's view of a document, or null. */
  float[] arenaVector(String id) {
    return arena.vectorOf(id);
  }

  int arenaSize() {
    return arena.size();
  }

  /** For tests: documents in this subtask's keyed state. */
  long storedDocuments() {
    try (var keys =
        this.<String>getKeyedStateBackend().getKeys(STATE_DOCUMENTS, VoidNamespace.INSTANCE)) {
      return keys.count();
    }
  }

  @Override
  public String toString() {
    return "VectorIndexOperator{model=" + modelId + ", dim=" + dimension + "}";
  }
}
