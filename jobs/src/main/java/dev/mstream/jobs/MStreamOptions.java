package dev.mstream.jobs;

import static org.apache.flink.configuration.ConfigOptions.key;

import dev.mstream.schemas.codec.Encoding;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * Every setting of the job, as Flink configuration keys under {@code mstream.}: settable from
 * {@code flink run} arguments ({@code --mstream.kafka.bootstrap-servers host:9092}), the cluster's
 * configuration, or a Kubernetes FlinkDeployment's {@code flinkConfiguration}.
 */
@PublicEvolving
public final class MStreamOptions {

  private MStreamOptions() {}

  // ------------------------------------------------------------------------
  //  Kafka
  // ------------------------------------------------------------------------

  public static final ConfigOption<String> BOOTSTRAP_SERVERS =
      key("mstream.kafka.bootstrap-servers")
          .stringType()
          .noDefaultValue()
          .withDescription("Kafka bootstrap servers, e.g. broker-1:9092,broker-2:9092. Required.");

  public static final ConfigOption<String> GROUP_ID =
      key("mstream.kafka.group-id")
          .stringType()
          .defaultValue("mstream")
          .withDescription(
              "Consumer group id of the sources. Offsets are committed on checkpoints, for"
                  + " monitoring only: recovery uses the offsets in Flink's checkpoint.");

  public static final String KAFKA_PROPERTIES_PREFIX = "mstream.kafka.properties.";

  public static final ConfigOption<String> DOCUMENTS_TOPIC =
      key("mstream.topics.documents")
          .stringType()
          .defaultValue("mstream.documents")
          .withDescription("Topic of Document records (keyed by document id).");

  public static final ConfigOption<String> QUERIES_TOPIC =
      key("mstream.topics.queries")
          .stringType()
          .defaultValue("mstream.queries")
          .withDescription("Topic of Query records.");

  public static final ConfigOption<String> RESULTS_TOPIC =
      key("mstream.topics.results")
          .stringType()
          .defaultValue("mstream.results")
          .withDescription("Topic the QueryResult records are written to (keyed by query_id).");

  public static final ConfigOption<String> DEAD_LETTERS_TOPIC =
      key("mstream.topics.dead-letters")
          .stringType()
          .defaultValue("mstream.dead-letters")
          .withDescription("Topic of DeadLetter records: input that could not be processed.");

  public static final ConfigOption<Encoding> ENCODING =
      key("mstream.encoding")
          .enumType(Encoding.class)
          .defaultValue(Encoding.JSON)
          .withDescription(
              "Encoding of record values on all four topics: AVRO (Avro single-object encoding of"
                  + " the schemas in schemas/) or JSON (objects with the same field names).");

  public static final ConfigOption<Boolean> FROM_EARLIEST =
      key("mstream.kafka.documents-from-earliest")
          .booleanType()
          .defaultValue(true)
          .withDescription(
              "Without a checkpoint to restore, read the documents topic from the earliest offset"
                  + " (rebuild the index from the whole topic) rather than from the latest."
                  + " Queries always start from the latest offset.");

  // ------------------------------------------------------------------------
  //  Model and embedding
  // ------------------------------------------------------------------------

  public static final ConfigOption<String> MODEL =
      key("mstream.model")
          .stringType()
          .defaultValue("all-minilm-l6-v2-q")
          .withDescription(
              "Model profile: a built-in name (all-minilm-l6-v2-q: int8, the default;"
                  + " all-minilm-l6-v2: fp32; with the all-models build also bge-small-en-v1.5,"
                  + " bge-small-en-v1.5-q, e5-small-v2, e5-small-v2-q), or the path of a profile"
                  + " file (.json, .yaml, .yml) describing your own ONNX model and tokenizer.");

  public static final ConfigOption<String> DEVICE =
      key("mstream.embed.device")
          .stringType()
          .defaultValue("cpu")
          .withDescription(
              "Where the model runs: cpu, cuda, cuda:N, or auto (CUDA when it loads, CPU otherwise).");

  public static final ConfigOption<Integer> THREADS =
      key("mstream.embed.threads")
          .intType()
          .defaultValue(0)
          .withDescription(
              "ONNX Runtime intra-op threads per embed subtask; 0 = the machine's cores divided by"
                  + " the embed parallelism (at least 1).");

  public static final ConfigOption<Integer> BATCH_SIZE =
      key("mstream.embed.batch-size")
          .intType()
          .defaultValue(256)
          .withDescription(
              "Documents collected before the embed operator calls the model: a batch is flushed"
                  + " when it is full, or after mstream.embed.max-delay. Large batches let the"
                  + " embedder sort texts by length so padding is cheap.");

  public static final ConfigOption<Integer> INFERENCE_BATCH_SIZE =
      key("mstream.embed.inference-batch-size")
          .intType()
          .defaultValue(0)
          .withDescription(
              "Most texts per ONNX Runtime run, taken from a length-sorted batch (each run is"
                  + " padded only to its own longest text). 0 = 32 on CPU, 256 on CUDA.");

  public static final ConfigOption<Integer> BATCH_TOKENS =
      key("mstream.embed.batch-tokens")
          .intType()
          .defaultValue(0)
          .withDescription(
              "Most padded tokens (texts × longest text) per ONNX Runtime run, so runs of short"
                  + " texts are wide and runs of long texts narrow; a longer text runs alone."
                  + " 0 = 8192 on CPU, 65536 on CUDA.");

  public static final ConfigOption<Boolean> BATCH_INVARIANT =
      key("mstream.embed.batch-invariant")
          .booleanType()
          .defaultValue(true)
          .withDescription(
              "int8 models scale activations per inference batch, so a text's vector moves"
                  + " (cosine ~0.99) with the texts batched beside it. true: run such models one"
                  + " text per inference, so a vector depends only on its text (replays after a"
                  + " failure reproduce it). false: batch them, about 1.5-2x faster on short texts."
                  + " fp32 models always batch.");

  public static final ConfigOption<Duration> MAX_DELAY =
      key("mstream.embed.max-delay")
          .durationType()
          .defaultValue(Duration.ofMillis(100))
          .withDescription("Longest a document waits in the embed operator for its batch to fill.");

  public static final ConfigOption<Duration> QUERY_MAX_DELAY =
      key("mstream.embed.query-max-delay")
          .durationType()
          .defaultValue(Duration.ofMillis(5))
          .withDescription("Longest a query waits for others to share its embedding batch.");

  // ------------------------------------------------------------------------
  //  Queries and limits
  // ------------------------------------------------------------------------

  public static final ConfigOption<Integer> MAX_K =
      key("mstream.query.max-k")
          .intType()
          .defaultValue(1000)
          .withDescription("Largest k a query may ask for; larger gets an ERROR result.");

  public static final ConfigOption<Integer> MAX_CANDIDATES =
      key("mstream.query.max-candidates")
          .intType()
          .defaultValue(10_000)
          .withDescription("Largest shortlist a query may ask for; larger gets an ERROR result.");

  public static final ConfigOption<Duration> QUERY_DEADLINE =
      key("mstream.query.deadline")
          .durationType()
          .defaultValue(Duration.ofSeconds(10))
          .withDescription(
              "After the first index subtask answers, how long to wait for the others before"
                  + " answering with status PARTIAL.");

  /** Used when neither mstream.query.default-dims nor the model profile's queryDims is set. */
  public static final int FALLBACK_DEFAULT_DIMS = 64;

  /**
   * Used when neither mstream.query.default-candidates nor the profile's queryCandidates is set.
   */
  public static final int FALLBACK_DEFAULT_CANDIDATES = 100;

  public static final ConfigOption<Integer> DEFAULT_DIMS =
      key("mstream.query.default-dims")
          .intType()
          .noDefaultValue()
          .withDescription(
              "Prefix dimensions the shortlist is scored on when a query names no dims. Default:"
                  + " the model profile's queryDims, else 64. A query's dims may be any of the"
                  + " model's Matryoshka dims up to mstream.index.prefix-dims, or the full"
                  + " dimension for an exact search.");

  public static final ConfigOption<Integer> DEFAULT_CANDIDATES =
      key("mstream.query.default-candidates")
          .intType()
          .noDefaultValue()
          .withDescription(
              "Shortlist size per index subtask when a query names none; the shortlist is"
                  + " reranked on full vectors read from RocksDB (one point lookup each)."
                  + " Default: the model profile's queryCandidates, else 100.");

  public static final ConfigOption<Integer> ADAPTIVE_MIN_DIMS =
      key("mstream.query.adaptive.min-dims")
          .intType()
          .defaultValue(32)
          .withDescription("Lowest prefix the load-adaptive policy may use.");

  public static final ConfigOption<Duration> ADAPTIVE_LATENCY =
      key("mstream.query.adaptive.latency")
          .durationType()
          .defaultValue(Duration.ofSeconds(1))
          .withDescription(
              "While queries reach the index later than this after they were sent (smoothed),"
                  + " queries that name no dims are shortlisted at mstream.query.adaptive.min-dims;"
                  + " results report the dims used. 0 turns the policy off.");

  public static final ConfigOption<Integer> PREFIX_DIMS =
      key("mstream.index.prefix-dims")
          .intType()
          .noDefaultValue()
          .withDescription(
              "Projected prefix coordinates the in-memory index keeps per document (heap per"
                  + " document grows with it: 1 byte each with INT8). Default: the dims"
                  + " mstream.index.packed-bits cover (192) for PACKED, 128 otherwise.");

  public static final ConfigOption<dev.mstream.index.PrefixEncoding> PREFIX_ENCODING =
      key("mstream.index.encoding")
          .enumType(dev.mstream.index.PrefixEncoding.class)
          .noDefaultValue()
          .withDescription(
              "How the index stores prefix coordinates: PACKED (a fitted grid of a few bits per"
                  + " dimension, see mstream.index.packed-bits; IVF only), INT8 (per-dimension"
                  + " scale) or FLOAT16 (FLAT only). Default: PACKED for the IVF layout, INT8 for"
                  + " FLAT.");

  public static final ConfigOption<String> PACKED_BITS =
      key("mstream.index.packed-bits")
          .stringType()
          .defaultValue("4,2")
          .withDescription(
              "Bits per dimension (2 or 4) of each 32-byte segment of a PACKED code, first to"
                  + " last, the last one repeated: 4,2 = 64 dims at 4 bits, then 128 at 2 bits."
                  + " mstream.index.prefix-dims defaults to the dims these cover once through"
                  + " (192); a query's first stage scores the first segment.");

  public static final ConfigOption<dev.mstream.index.IndexLayout> INDEX_LAYOUT =
      key("mstream.index.layout")
          .enumType(dev.mstream.index.IndexLayout.class)
          .defaultValue(dev.mstream.index.IndexLayout.IVF)
          .withDescription(
              "How an index subtask organises its prefix codes once it has fitted: IVF (an"
                  + " inverted file: posting lists by nearest centroid, a query scores only the"
                  + " lists it probes) or FLAT (every document of the namespace is scored).");

  public static final ConfigOption<Integer> IVF_CENTROID_DIMS =
      key("mstream.index.ivf.centroid-dims")
          .intType()
          .defaultValue(32)
          .withDescription(
              "Projected coordinates the inverted file's centroids are fitted and probed on"
                  + " (independent of the dims queries are scored on).");

  public static final ConfigOption<Integer> IVF_LISTS =
      key("mstream.index.ivf.lists")
          .intType()
          .defaultValue(0)
          .withDescription(
              "Posting lists per index subtask. 0: about the square root of the subtask's"
                  + " documents, chosen again at every refit.");

  public static final ConfigOption<Integer> IVF_SURVIVORS =
      key("mstream.index.ivf.survivors-per-candidate")
          .intType()
          .defaultValue(4)
          .withDescription(
              "First-stage candidates kept per final candidate: they are rescored on the whole"
                  + " in-memory prefix before the best are reranked on full vectors.");

  public static final ConfigOption<Integer> IVF_EXACT_BELOW =
      key("mstream.index.ivf.exact-below")
          .intType()
          .defaultValue(4096)
          .withDescription(
              "A namespace with fewer documents on an index subtask keeps one list that every"
                  + " query scans exactly (small namespaces lose no recall).");

  public static final ConfigOption<Double> IVF_REFIT_GROWTH =
      key("mstream.index.ivf.refit-growth")
          .doubleType()
          .defaultValue(4.0)
          .withDescription(
              "Refit projection and centroids when an index subtask holds this many times the"
                  + " documents of its last fit (off the task thread; codes are re-encoded from"
                  + " the stored full vectors). 0 = never.");

  public static final ConfigOption<Double> IVF_REFIT_DRIFT =
      key("mstream.index.ivf.refit-drift")
          .doubleType()
          .defaultValue(0.25)
          .withDescription(
              "Refit when the drift measure (relative loss of the prefix's captured energy, or"
                  + " relative growth of the distance to the centroids, on recent documents)"
                  + " exceeds this. 0 = never.");

  public static final ConfigOption<Integer> DEFAULT_PROBES =
      key("mstream.query.default-probes")
          .intType()
          .defaultValue(8)
          .withDescription(
              "Posting lists a query probes when it names none and no recall target is set"
                  + " (the starting point of the calibration otherwise).");

  public static final ConfigOption<Integer> ADAPTIVE_MIN_PROBES =
      key("mstream.query.adaptive.min-probes")
          .intType()
          .noDefaultValue()
          .withDescription(
              "Fewest probes the load-adaptive policy lowers to (it lowers probes before dims)."
                  + " Default: a quarter of mstream.query.default-probes.");

  public static final ConfigOption<Double> TARGET_RECALL =
      key("mstream.query.target-recall")
          .doubleType()
          .defaultValue(0.95)
          .withDescription(
              "Recall@k the index holds for queries that name no budget: each subtask measures"
                  + " its recall on a sampled share of queries against an exhaustive search and"
                  + " moves to the cheapest probes/candidates/dims that reach this. 0 = use the"
                  + " configured defaults.");

  public static final ConfigOption<Double> RECALL_SAMPLE_RATE =
      key("mstream.index.recall-sample-rate")
          .doubleType()
          .defaultValue(0.01)
          .withDescription(
              "Share of queries whose recall is measured against an exhaustive search, after"
                  + " their answer is sent (the measuredRecall metric; 0 = none). A query can ask"
                  + " for its own recall with measure_recall.");

  public static final ConfigOption<Boolean> ROTATE =
      key("mstream.index.rotate")
          .booleanType()
          .noDefaultValue()
          .withDescription(
              "Fit a PCA rotation so that prefixes carry the most variance. Default: true for"
                  + " models not trained with Matryoshka loss (all shipped ones), false for native"
                  + " Matryoshka models (plain truncation).");

  public static final ConfigOption<Boolean> RERANK =
      key("mstream.index.rerank")
          .booleanType()
          .defaultValue(true)
          .withDescription(
              "Rerank the shortlist on full vectors from RocksDB. false returns prefix scores"
                  + " (only to measure what reranking adds).");

  public static final ConfigOption<Integer> FIT_SAMPLE =
      key("mstream.index.fit-sample")
          .intType()
          .defaultValue(2048)
          .withDescription(
              "Documents an index subtask searches exactly before it fits its prefix projection"
                  + " (PCA rotation, or identity for native Matryoshka models) on them.");

  public static final ConfigOption<Integer> MAX_TEXT_BYTES =
      key("mstream.limits.max-text-bytes")
          .intType()
          .defaultValue(1 << 20)
          .withDescription(
              "Largest document or query text in UTF-8 bytes; larger is dead-lettered.");

  // ------------------------------------------------------------------------
  //  Runtime
  // ------------------------------------------------------------------------

  public static final ConfigOption<Integer> PARALLELISM =
      key("mstream.parallelism")
          .intType()
          .defaultValue(0)
          .withDescription("Parallelism of the index and embed operators; 0 = the job's default.");

  public static final ConfigOption<Duration> CHECKPOINT_INTERVAL =
      key("mstream.checkpoint.interval")
          .durationType()
          .defaultValue(Duration.ofSeconds(10))
          .withDescription(
              "Exactly-once checkpoint interval. Index state, source offsets and committed"
                  + " exactly-once results advance together at this pace.");

  public static final ConfigOption<Duration> ALIGNED_CHECKPOINT_TIMEOUT =
      key("mstream.checkpoint.aligned-timeout")
          .durationType()
          .noDefaultValue()
          .withDescription(
              "When set, a checkpoint whose barriers are not aligned within this time switches to"
                  + " an unaligned checkpoint. Aligned barriers make the index hold back queries"
                  + " until the document backlog in front of the barrier is embedded, so during bulk"
                  + " loads query latency follows the backlog; unaligned checkpoints avoid that at"
                  + " the cost of larger checkpoints (in-flight records are stored). Savepoints are"
                  + " always aligned.");

  public static final ConfigOption<String> CHECKPOINT_DIR =
      key("mstream.checkpoint.dir")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "Durable checkpoint storage URI (file:///..., s3://...). When unset, the cluster's"
                  + " execution.checkpointing.dir applies.");

  public static final ConfigOption<String> STATE_DIR =
      key("mstream.state.dir")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "Local working directory of the RocksDB state backend; the cluster's"
                  + " state.backend.rocksdb.localdir (or the temp dir) when unset.");

  public static final ConfigOption<DeliveryGuarantee> RESULTS_DELIVERY =
      key("mstream.results.delivery")
          .enumType(DeliveryGuarantee.class)
          .defaultValue(DeliveryGuarantee.AT_LEAST_ONCE)
          .withDescription(
              "The Kafka sinks' guarantee for results and dead letters (Flink's"
                  + " DeliveryGuarantee). AT_LEAST_ONCE: results appear at once, a query may be"
                  + " answered twice after a failure (same query_id). EXACTLY_ONCE: results are"
                  + " committed with each checkpoint, read them with"
                  + " isolation.level=read_committed. NONE is refused: a failure could lose"
                  + " results. Flink's spellings (exactly-once) work too.");

  /**
   * {@link #RESULTS_DELIVERY} as the job reads it: the enum constants' names ({@code EXACTLY_ONCE},
   * the values this option has always taken) as well as Flink's own spellings ({@code
   * exactly-once}, what a {@code ConfigOption} of Flink's {@link DeliveryGuarantee} parses).
   */
  public static DeliveryGuarantee resultsDelivery(Configuration conf) {
    String raw = conf.toMap().get(RESULTS_DELIVERY.key());
    if (raw != null) {
      for (DeliveryGuarantee g : DeliveryGuarantee.values()) {
        if (g.name().equalsIgnoreCase(raw.trim())) {
          return g;
        }
      }
    }
    return conf.get(RESULTS_DELIVERY);
  }

  /** The widths of {@link #PACKED_BITS}, e.g. {4, 2}; fails naming the key when malformed. */
  public static int[] packedBits(Configuration conf) {
    String v = conf.get(PACKED_BITS);
    try {
      return java.util.Arrays.stream(v.split("[,;]"))
          .map(String::trim)
          .filter(x -> !x.isEmpty())
          .mapToInt(Integer::parseInt)
          .toArray();
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          PACKED_BITS.key() + " must be a list of bit widths such as 4,2; was '" + v + "'", e);
    }
  }

  /** Kafka client properties passed through unchanged (security settings, timeouts...). */
  public static java.util.Properties kafkaProperties(Configuration conf) {
    java.util.Properties props = new java.util.Properties();
    for (Map.Entry<String, String> e : conf.toMap().entrySet()) {
      if (e.getKey().startsWith(KAFKA_PROPERTIES_PREFIX)) {
        props.setProperty(e.getKey().substring(KAFKA_PROPERTIES_PREFIX.length()), e.getValue());
      }
    }
    return props;
  }
}
