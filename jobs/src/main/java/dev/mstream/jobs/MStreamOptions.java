package dev.mstream.jobs;

import static org.apache.flink.configuration.ConfigOptions.key;

import dev.mstream.chunk.OverChunkLimit;
import dev.mstream.index.IndexSettings;
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
                  + " the schemas in schemas/), JSON (objects with the same field names), or"
                  + " AVRO_SQL (plain Avro binary without header, as Flink SQL's avro format writes"
                  + " it: the schema is implied by the topic, enums are strings; see the README's"
                  + " SQL section for each topic's table).");

  public static final ConfigOption<Boolean> FROM_EARLIEST =
      key("mstream.kafka.documents-from-earliest")
          .booleanType()
          .defaultValue(true)
          .withDescription(
              "Without a checkpoint to restore, read the documents topic from the earliest offset"
                  + " (rebuild the index from the whole topic) rather than from the latest."
                  + " Queries always start from the latest offset.");

  public static final ConfigOption<RetentionCheck> DOCUMENTS_RETENTION_CHECK =
      key("mstream.topics.documents.retention-check")
          .enumType(RetentionCheck.class)
          .defaultValue(RetentionCheck.WARN)
          .withDescription(
              "When the job starts without a savepoint and reads the documents topic from the"
                  + " earliest offset (it builds the index from the topic), it asks the broker"
                  + " whether the topic keeps every document (cleanup.policy=compact, or unlimited"
                  + " retention): one with a finite retention has lost the documents not updated"
                  + " within it, and the index would lack them. WARN: log it; FAIL: refuse to"
                  + " start; OFF: do not ask (documents are meant to expire with the topic).");

  /** What to do about a documents topic that does not keep every document. */
  public enum RetentionCheck {
    WARN,
    FAIL,
    OFF
  }

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

  public static final ConfigOption<Boolean> SKIP_UNCHANGED =
      key("mstream.embed.skip-unchanged")
          .booleanType()
          .defaultValue(true)
          .withDescription(
              "Do not embed a document again when its text and the model are the same as at its"
                  + " last upsert (a re-publish, a change of attributes or namespace only): the"
                  + " index keeps the vector it has. The embed operator remembers 8 bytes per"
                  + " document id either way; false embeds every upsert (the memory stays right, so"
                  + " it can be switched back on at any restart).");
  public static final ConfigOption<Integer> DOCUMENTS_NICENESS =
      key("mstream.embed.documents-niceness")
          .intType()
          .defaultValue(10)
          .withDescription(
              "Raise the Linux nice value of the threads that embed documents (each embed"
                  + " subtask's task thread and the ONNX Runtime threads it starts) by this much,"
                  + " 0..19, so that during a bulk load queries (their embedding, the index, the"
                  + " merger, Kafka) get the CPU first, while documents still use all that is left."
                  + " 0 leaves the priorities alone. Needs no privileges; ignored on other systems.");

  public static final ConfigOption<Duration> DOCUMENTS_BUFFER_TIMEOUT =
      key("mstream.embed.documents-buffer-timeout")
          .durationType()
          .defaultValue(Duration.ofMillis(100))
          .withDescription(
              "Network buffer timeout of the exchanges on the document path (decoded documents to"
                  + " the embed subtasks, embedded documents to the index subtasks): documents"
                  + " travel in full network buffers during a bulk load, and wait at most this"
                  + " long per exchange when they trickle in.");

  public static final ConfigOption<Duration> MAX_DELAY =
      key("mstream.embed.max-delay")
          .durationType()
          .defaultValue(Duration.ofMillis(100))
          .withDescription("Longest a document waits in the embed operator for its batch to fill.");

  public static final ConfigOption<Duration> QUERY_MAX_DELAY =
      key("mstream.embed.query-max-delay")
          .durationType()
          .defaultValue(Duration.ZERO)
          .withDescription(
              "Longest a query waits for others to share its embedding batch. 0: each query is"
                  + " embedded as soon as it arrives (the int8 models embed one text per inference"
                  + " anyway, see mstream.embed.batch-invariant).");

  // ------------------------------------------------------------------------
  //  Chunking of long documents
  // ------------------------------------------------------------------------

  public static final ConfigOption<Boolean> CHUNK_ENABLED =
      key("mstream.chunk.enabled")
          .booleanType()
          .defaultValue(true)
          .withDescription(
              "Split documents longer than one model window into chunks, counted in tokens of the"
                  + " model's own tokenizer; the index holds one vector per chunk and answers with"
                  + " documents (best chunk first) and the chunk that matched. A document that fits"
                  + " one window stays one chunk, embedded exactly as without chunking. false: every"
                  + " document is embedded as one text, truncated at the model's max tokens.");

  public static final ConfigOption<Integer> CHUNK_MAX_TOKENS =
      key("mstream.chunk.max-tokens")
          .intType()
          .defaultValue(0)
          .withDescription(
              "Most tokens per chunk, including the model's special tokens, its document prefix"
                  + " and the title, which is put in front of every chunk (shortened to half the"
                  + " window when longer). 0 = the model's maxTokens (256 for MiniLM, 512 for bge"
                  + " and e5); never more than that. When unset, the model profile's chunkTokens"
                  + " applies if it has one. Chunks end at a paragraph, sentence, line or word"
                  + " boundary in the second half of the window where there is one.");

  public static final ConfigOption<Integer> CHUNK_OVERLAP_TOKENS =
      key("mstream.chunk.overlap-tokens")
          .intType()
          .defaultValue(32)
          .withDescription(
              "Most tokens a chunk repeats from the end of the one before, so that a passage cut by"
                  + " a chunk boundary is whole in one of them; the chunk starts at the best"
                  + " boundary (a sentence start rather than a word) within them. Below half the"
                  + " window; 0 for none. When unset, the model profile's chunkOverlapTokens applies"
                  + " if it has one.");

  public static final ConfigOption<Integer> CHUNK_MAX_CHUNKS =
      key("mstream.chunk.max-chunks")
          .intType()
          .defaultValue(256)
          .withDescription(
              "Most chunks per document (each is one embedding, one RocksDB vector and one arena"
                  + " entry). A longer document is handled as mstream.chunk.over-limit says and"
                  + " counted in the metric documentsOverChunkLimit.");

  public static final ConfigOption<OverChunkLimit> CHUNK_OVER_LIMIT =
      key("mstream.chunk.over-limit")
          .enumType(OverChunkLimit.class)
          .defaultValue(OverChunkLimit.TRUNCATE)
          .withDescription(
              "What happens to a document that needs more than mstream.chunk.max-chunks chunks:"
                  + " TRUNCATE indexes its first max-chunks chunks (the rest of its text is not"
                  + " searchable); DEAD_LETTER sends it to the dead-letter topic (reason"
                  + " TOO_MANY_CHUNKS) and keeps the version indexed before, if any.");

  public static final ConfigOption<Integer> KEEP_TEXT_BYTES =
      key("mstream.index.keep-text-bytes")
          .intType()
          .defaultValue(0)
          .withDescription(
              "Keep each document's text in keyed state, up to this many UTF-8 bytes, so that"
                  + " every hit carries the passage that matched (QueryResult hit.passage) and a"
                  + " RAG consumer needs no second lookup. Texts are stored apart from the vectors"
                  + " (reranking never reads them); a longer text is not kept (its hits have no"
                  + " passage; metric textsNotKept). 0 (the default) keeps no texts.");

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

  public static final ConfigOption<Integer> DEFAULT_DIMS =
      key("mstream.query.default-dims")
          .intType()
          .noDefaultValue()
          .withDescription(
              "Prefix dimensions the shortlist is scored on when a query names no dims. Default:"
                  + " the model profile's queryDims, else the whole prefix of PACKED codes (the"
                  + " IVF default, 192) or "
                  + IndexSettings.DEFAULT_DIMS
                  + " for INT8 and FLOAT16. A query's dims may be any of the"
                  + " model's Matryoshka dims up to mstream.index.prefix-dims, or the full"
                  + " dimension for an exact search.");

  public static final ConfigOption<Integer> DEFAULT_CANDIDATES =
      key("mstream.query.default-candidates")
          .intType()
          .noDefaultValue()
          .withDescription(
              "Shortlist size per index subtask when a query names none; the shortlist is"
                  + " reranked on full vectors read from RocksDB (one point lookup each)."
                  + " Default: the model profile's queryCandidates, else "
                  + IndexSettings.DEFAULT_CANDIDATES
                  + ".");

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

  public static final ConfigOption<Duration> QUERY_BUFFER_TIMEOUT =
      key("mstream.query.buffer-timeout")
          .durationType()
          .defaultValue(Duration.ZERO)
          .withDescription(
              "Network buffer timeout of the exchanges on the query path (embedded queries to the"
                  + " index subtasks, partial answers to the merger, results to the sink): how"
                  + " long a record may wait in a partly filled network buffer before it is sent."
                  + " 0: every query and answer is sent at once (Flink's default of 100 ms would"
                  + " add up to 100 ms per exchange).");

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
          .defaultValue(64)
          .withDescription(
              "Projected coordinates the inverted file's centroids are fitted and probed on"
                  + " (independent of the dims queries are scored on). More dims make lists that"
                  + " hold a query's neighbours more often (fewer probes for a recall), at the"
                  + " cost of the probe and of assigning each document.");

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
              "Vectors (documents, or chunks of long ones) an index subtask searches exactly before"
                  + " it fits its prefix projection (PCA rotation, or identity for native Matryoshka"
                  + " models) on them.");

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

  public static final ConfigOption<Boolean> UNALIGNED_CHECKPOINTS =
      key("mstream.checkpoint.unaligned")
          .booleanType()
          .defaultValue(true)
          .withDescription(
              "Unaligned checkpoints: a checkpoint barrier overtakes the records buffered between"
                  + " operators, and those records are stored with the checkpoint. With aligned"
                  + " checkpoints (false) the index subtask holds back its query input from the"
                  + " moment the barrier arrives with the queries until it has come through the"
                  + " document backlog queued in front of the embed operator, so during a bulk"
                  + " load queries wait seconds at every checkpoint. Exactly-once either way;"
                  + " savepoints are always aligned.");

  public static final ConfigOption<Duration> ALIGNED_CHECKPOINT_TIMEOUT =
      key("mstream.checkpoint.aligned-timeout")
          .durationType()
          .noDefaultValue()
          .withDescription(
              "With unaligned checkpoints: start each checkpoint aligned and switch to unaligned"
                  + " when its barriers have not aligned within this time (smaller checkpoints when"
                  + " there is no backlog, but queries may wait up to this long at a checkpoint)."
                  + " Unset: unaligned from the start. Requires mstream.checkpoint.unaligned=true.");

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
