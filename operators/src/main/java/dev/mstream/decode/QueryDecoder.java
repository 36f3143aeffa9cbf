package dev.mstream.decode;

import dev.mstream.records.ChunkAggregation;
import dev.mstream.records.DeadLetterRecord;
import dev.mstream.records.RawRecord;
import dev.mstream.records.SearchRequest;
import dev.mstream.records.SearchResult;
import dev.mstream.schemas.Query;
import dev.mstream.schemas.codec.CodecException;
import dev.mstream.schemas.codec.Codecs;
import dev.mstream.schemas.codec.Encoding;
import dev.mstream.schemas.codec.RecordCodec;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Kafka record → validated {@link SearchRequest}. A query that cannot run goes to {@link
 * #DEAD_LETTERS}, and — when it has a query id to answer to — also gets an ERROR result on {@link
 * #ERROR_RESULTS}, so its sender is not left waiting.
 */
@Internal
public class QueryDecoder extends ProcessFunction<RawRecord, SearchRequest> {

  private static final long serialVersionUID = 1L;

  public static final OutputTag<DeadLetterRecord> DEAD_LETTERS =
      new OutputTag<>("query-dead-letters") {};
  public static final OutputTag<SearchResult> ERROR_RESULTS =
      new OutputTag<>("query-error-results") {};

  /** Largest chunk_top_m a query may ask for. */
  public static final int MAX_CHUNK_TOP_M = 1000;

  /** Most posting lists a query may ask to probe (the inverted file has at most this many). */
  public static final int MAX_PROBES = Character.MAX_VALUE;

  /** Counter: every record read from the queries topic, valid or not. */
  public static final String METRIC_QUERIES_IN = "queriesIn";

  private final Encoding encoding;
  private final InputLimits limits;

  private transient RecordCodec<Query> codec;
  private transient DeadLetters deadLetters;
  private transient Counter queriesIn;

  public QueryDecoder(Encoding encoding, InputLimits limits) {
    this.encoding = encoding;
    this.limits = limits;
  }

  @Override
  public void open(OpenContext openContext) {
    codec = Codecs.of(Query.class, encoding);
    deadLetters = new DeadLetters(getRuntimeContext());
    queriesIn = getRuntimeContext().getMetricGroup().counter(METRIC_QUERIES_IN);
  }

  @Override
  public void processElement(RawRecord raw, Context ctx, Collector<SearchRequest> out) {
    queriesIn.inc();
    Query query;
    try {
      if (raw.value == null) {
        throw new CodecException(CodecException.EMPTY_VALUE, "query record has no value");
      }
      query = codec.decode(raw.value);
    } catch (CodecException e) {
      deadLetters.reject(DEAD_LETTERS, ctx, raw, e.reason(), e.getMessage());
      return;
    }
    try {
      SearchRequest request = validate(query, raw.timestamp);
      request.timings.decoded(request.eventTime);
      out.collect(request);
    } catch (Rejection e) {
      deadLetters.reject(DEAD_LETTERS, ctx, raw, e.reason(), e.getMessage());
      if (!Rejection.EMPTY_QUERY_ID.equals(e.reason())) {
        long now = System.currentTimeMillis();
        long sent =
            query.getEventTime() != null ? query.getEventTime().toEpochMilli() : raw.timestamp;
        ctx.output(
            ERROR_RESULTS,
            SearchResult.error(
                query.getQueryId(), e.reason() + ": " + e.getMessage(), Math.max(0, now - sent)));
      }
    }
  }

  SearchRequest validate(Query q, long recordTimestamp) throws Rejection {
    if (q.getQueryId() == null || q.getQueryId().isBlank()) {
      throw new Rejection(Rejection.EMPTY_QUERY_ID, "query_id is empty: no one to answer to");
    }
    float[] vector = q.getVector() == null ? null : vector(q.getVector());
    String text = q.getText() == null ? "" : q.getText();
    if (vector == null && text.isBlank()) {
      throw new Rejection(
          Rejection.EMPTY_TEXT, "query has no vector and its text is empty: give one of them");
    }
    int bytes = text.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > limits.maxTextBytes()) {
      throw new Rejection(
          Rejection.TEXT_TOO_LONG,
          "query text is "
              + bytes
              + " bytes, above mstream.limits.max-text-bytes="
              + limits.maxTextBytes());
    }
    if (q.getK() <= 0 || q.getK() > limits.maxK()) {
      throw new Rejection(
          Rejection.INVALID_K,
          "k=" + q.getK() + " is outside 1.." + limits.maxK() + " (mstream.query.max-k)");
    }
    int dims = q.getDims() == null ? 0 : q.getDims();
    if (q.getDims() != null && !limits.servableDims().contains(dims)) {
      throw new Rejection(
          Rejection.INVALID_DIMS,
          "dims=" + dims + " cannot be served; this index serves " + limits.servableDims());
    }
    int candidates = q.getCandidates() == null ? 0 : q.getCandidates();
    if (q.getCandidates() != null && (candidates <= 0 || candidates > limits.maxCandidates())) {
      throw new Rejection(
          Rejection.INVALID_CANDIDATES,
          "candidates="
              + candidates
              + " is outside 1.."
              + limits.maxCandidates()
              + " (mstream.query.max-candidates)");
    }
    int topM = q.getChunkTopM() == null ? ChunkAggregation.DEFAULT_TOP_M : q.getChunkTopM();
    if (topM < 1 || topM > MAX_CHUNK_TOP_M) {
      throw new Rejection(
          Rejection.INVALID_CHUNK_TOP_M,
          "chunk_top_m=" + topM + " is outside 1.." + MAX_CHUNK_TOP_M);
    }
    int probes = q.getProbes() == null ? 0 : q.getProbes();
    if (q.getProbes() != null && (probes <= 0 || probes > MAX_PROBES)) {
      throw new Rejection(
          Rejection.INVALID_PROBES, "probes=" + probes + " is outside 1.." + MAX_PROBES);
    }
    SearchRequest r = new SearchRequest();
    r.aggregation =
        q.getChunkAggregation() == null
            ? ChunkAggregation.MAX
            : ChunkAggregation.valueOf(q.getChunkAggregation().name());
    r.chunkTopM = topM;
    r.queryId = q.getQueryId();
    r.namespace = q.getNamespace();
    r.text = text;
    r.vector = vector;
    r.k = q.getK();
    r.dims = dims;
    r.candidates = candidates;
    r.probes = probes;
    r.measureRecall = q.getMeasureRecall();
    r.filter = new HashMap<>(q.getFilter());
    r.eventTime = q.getEventTime() != null ? q.getEventTime().toEpochMilli() : recordTimestamp;
    return r;
  }

  /**
   * A query's own vector, checked against the index's model and L2-normalised: the index scores by
   * inner product, which is cosine similarity only for unit vectors (the model's own are).
   */
  private float[] vector(List<Float> values) throws Rejection {
    if (values.size() != limits.dimension()) {
      throw new Rejection(
          Rejection.VECTOR_DIMENSION,
          "query vector has "
              + values.size()
              + " dimensions, but this index's model has "
              + limits.dimension()
              + ": embed the query with the model the job runs");
    }
    float[] v = new float[values.size()];
    double norm = 0;
    for (int i = 0; i < v.length; i++) {
      Float x = values.get(i);
      if (x == null || !Float.isFinite(x)) {
        throw new Rejection(
            Rejection.INVALID_VECTOR, "query vector element " + i + " is " + x + ", not finite");
      }
      v[i] = x;
      norm += (double) x * x;
    }
    if (norm == 0) {
      throw new Rejection(
          Rejection.INVALID_VECTOR, "query vector is all zeros: it has no direction to search");
    }
    float scale = (float) (1 / Math.sqrt(norm));
    for (int i = 0; i < v.length; i++) {
      v[i] *= scale;
    }
    return v;
  }
}
