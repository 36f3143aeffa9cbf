package dev.mstream.jobs;

import static org.apache.flink.util.Preconditions.checkArgument;

import dev.mstream.chunk.ChunkingSettings;
import dev.mstream.chunk.DocumentChunker;
import dev.mstream.decode.DocumentDecoder;
import dev.mstream.decode.InputLimits;
import dev.mstream.decode.QueryDecoder;
import dev.mstream.embed.EmbedderOptions;
import dev.mstream.embed.EmbeddingModel;
import dev.mstream.embed.EmbeddingModelFactory;
import dev.mstream.embed.HuggingFaceTextTokenizer;
import dev.mstream.embed.MicroBatchEmbedOperator;
import dev.mstream.embed.MicroBatchEmbedOperator.UnchangedTexts;
import dev.mstream.embed.ModelIdentity;
import dev.mstream.embed.ModelProfile;
import dev.mstream.embed.ModelProfiles;
import dev.mstream.embed.OnnxEmbeddingModel;
import dev.mstream.embed.OnnxEmbeddingModelFactory;
import dev.mstream.embed.TextRole;
import dev.mstream.embed.TextTokenizerFactory;
import dev.mstream.index.IndexFaultHook;
import dev.mstream.index.IndexSettings;
import dev.mstream.index.VectorIndexOperator;
import dev.mstream.jobs.kafka.AvroConversions;
import dev.mstream.jobs.kafka.EncodingSerializer;
import dev.mstream.jobs.kafka.RawRecordDeserializer;
import dev.mstream.merge.ResultMerger;
import dev.mstream.records.DeadLetterRecord;
import dev.mstream.records.DocumentChange;
import dev.mstream.records.PartialResult;
import dev.mstream.records.RawRecord;
import dev.mstream.records.SearchRequest;
import dev.mstream.records.SearchResult;
import dev.mstream.schemas.DeadLetter;
import dev.mstream.schemas.QueryResult;
import dev.mstream.schemas.codec.Encoding;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.IsolationLevel;

/**
 * The dataflow, shared by the deployable job and the local runner:
 *
 * <pre>
 * docs ─► decode + chunk ─► keyBy(id) ─► embed ─► (still by id) ┐
 *                                                              ├─► index ─► keyBy(query id) ─► merge ─► results
 * queries ─► decode ─► embed ─► broadcast ─────────────────────┘
 * (decode failures ─► dead letters; invalid queries ─► ERROR results, through a sink of their own)
 * </pre>
 */
@PublicEvolving
public final class MStreamPipeline {

  // Operator uids: stable, so savepoints map state back to the right operator across versions.
  public static final String UID_DOCS_SOURCE = "docs-source";
  public static final String UID_QUERIES_SOURCE = "queries-source";
  public static final String UID_DECODE_DOCS = "decode-documents";
  public static final String UID_DECODE_QUERIES = "decode-queries";
  public static final String UID_EMBED_DOCS = "embed-documents";
  public static final String UID_EMBED_QUERIES = "embed-queries";
  public static final String UID_INDEX = "vector-index";
  public static final String UID_MERGE = "merge-results";
  public static final String UID_RESULTS_SINK = "results-sink";
  public static final String UID_ERROR_RESULTS_SINK = "error-results-sink";
  public static final String UID_DEAD_LETTERS_SINK = "dead-letters-sink";

  private MStreamPipeline() {}

  /** Adds the whole dataflow to {@code env}. Call {@link MStreamJob#configure} first. */
  public static void build(StreamExecutionEnvironment env, Configuration conf) {
    required(conf);
    ModelProfile profile = model(conf);
    build(
        env,
        conf,
        profile,
        ModelIdentity.of(profile),
        new OnnxEmbeddingModelFactory(profile, embedderOptions(conf, parallelism(env, conf))),
        HuggingFaceTextTokenizer.factory(profile),
        IndexFaultHook.NONE);
  }

  /**
   * The same dataflow with another embedding model: a seam for tests (a fast deterministic fake, a
   * slow one for backpressure). {@code profile} must describe what {@code models} produce (name,
   * dimension, Matryoshka dims); {@code mstream.model} and the embed options are not used. Long
   * documents are chunked with the profile's tokenizer.
   */
  @VisibleForTesting
  public static void build(
      StreamExecutionEnvironment env,
      Configuration conf,
      ModelProfile profile,
      EmbeddingModelFactory models) {
    build(env, conf, profile, models, IndexFaultHook.NONE);
  }

  /** The same, with a fault-injection hook in the index operator: tests of failure recovery. */
  @VisibleForTesting
  public static void build(
      StreamExecutionEnvironment env,
      Configuration conf,
      ModelProfile profile,
      EmbeddingModelFactory models,
      IndexFaultHook indexFaults) {
    build(env, conf, profile, models, HuggingFaceTextTokenizer.factory(profile), indexFaults);
  }

  /**
   * The same, with the tokenizer that counts the model's tokens for chunking (a test's fake model
   * has no tokenizer of its own) and a fault-injection hook in the index operator. The model's
   * identity is asked of one model the factory creates here.
   */
  @VisibleForTesting
  public static void build(
      StreamExecutionEnvironment env,
      Configuration conf,
      ModelProfile profile,
      EmbeddingModelFactory models,
      TextTokenizerFactory tokenizers,
      IndexFaultHook indexFaults) {
    build(env, conf, profile, identity(models), models, tokenizers, indexFaults);
  }

  /** The identity of the factory's model, asked of one model it creates (and closes). */
  public static ModelIdentity identity(EmbeddingModelFactory models) {
    try (EmbeddingModel model = models.create()) {
      return model.identity();
    } catch (Exception e) {
      throw new IllegalArgumentException("cannot open the model to learn its identity", e);
    }
  }

  private static void build(
      StreamExecutionEnvironment env,
      Configuration conf,
      ModelProfile profile,
      ModelIdentity identity,
      EmbeddingModelFactory models,
      TextTokenizerFactory tokenizers,
      IndexFaultHook indexFaults) {
    String bootstrap = required(conf);
    Encoding encoding = conf.get(MStreamOptions.ENCODING);
    int parallelism = parallelism(env, conf);
    // Per exchange, the network buffer timeout: queries and answers are few and must not wait
    // for a buffer to fill; documents come in bulk and travel in full buffers.
    long queryFlush = conf.get(MStreamOptions.QUERY_BUFFER_TIMEOUT).toMillis();
    long documentFlush = conf.get(MStreamOptions.DOCUMENTS_BUFFER_TIMEOUT).toMillis();
    IndexSettings index = indexSettings(conf, profile, identity.id());
    InputLimits limits =
        new InputLimits(
            conf.get(MStreamOptions.MAX_TEXT_BYTES),
            conf.get(MStreamOptions.MAX_K),
            conf.get(MStreamOptions.MAX_CANDIDATES),
            profile.dimension(),
            servableDims(profile, index));

    // Documents: decode and chunk, embed in micro-batches (one text per chunk), keyed by id all
    // the way so updates stay ordered and a document's chunks stay together.
    SingleOutputStreamOperator<DocumentChange> changes =
        env.fromSource(
                source(conf, bootstrap, conf.get(MStreamOptions.DOCUMENTS_TOPIC), true),
                WatermarkStrategy.noWatermarks(),
                "documents")
            .uid(UID_DOCS_SOURCE)
            .process(new DocumentDecoder(encoding, limits, chunker(conf, profile, tokenizers)))
            .uid(UID_DECODE_DOCS)
            .name("decode-documents")
            .setBufferTimeout(documentFlush);
    DataStream<DocumentChange> embedded =
        changes
            .keyBy(c -> c.id)
            .transform(
                "embed-documents",
                TypeInformation.of(DocumentChange.class),
                documentEmbedder(conf, models, identity))
            .uid(UID_EMBED_DOCS)
            .setParallelism(parallelism)
            .setBufferTimeout(documentFlush);

    // Queries: decode and validate, embed, then broadcast to every index subtask.
    SingleOutputStreamOperator<SearchRequest> requests =
        env.fromSource(
                source(conf, bootstrap, conf.get(MStreamOptions.QUERIES_TOPIC), false),
                WatermarkStrategy.noWatermarks(),
                "queries")
            .uid(UID_QUERIES_SOURCE)
            .process(new QueryDecoder(encoding, limits))
            .uid(UID_DECODE_QUERIES)
            .name("decode-queries")
            .setBufferTimeout(queryFlush); // its ERROR results go to the results sink
    DataStream<SearchRequest> embeddedQueries =
        requests
            .transform(
                "embed-queries",
                TypeInformation.of(SearchRequest.class),
                queryEmbedder(conf, models, identity))
            .uid(UID_EMBED_QUERIES)
            .setBufferTimeout(queryFlush);

    // The embed operator is keyed by id and runs at the index's parallelism (and max parallelism),
    // so its output is already partitioned exactly as keyBy(id) would partition it: the index reads
    // it over forward channels instead of a second hash exchange that would serialize every vector
    // once more on its way to the same subtask.
    KeyedStream<DocumentChange, String> embeddedById =
        DataStreamUtils.reinterpretAsKeyedStream(embedded, c -> c.id, Types.STRING);
    DataStream<PartialResult> partials =
        embeddedById
            .connect(embeddedQueries.broadcast())
            .transform(
                "vector-index",
                TypeInformation.of(PartialResult.class),
                new VectorIndexOperator(
                    index, conf.get(MStreamOptions.KEEP_TEXT_BYTES), indexFaults))
            .uid(UID_INDEX)
            .setParallelism(parallelism)
            .setBufferTimeout(queryFlush); // it emits only partial answers

    DataStream<SearchResult> results =
        partials
            .keyBy(p -> p.queryId)
            .process(new ResultMerger(conf.get(MStreamOptions.QUERY_DEADLINE).toMillis()))
            .uid(UID_MERGE)
            .name("merge-results")
            .setBufferTimeout(queryFlush);

    // The merger's results have a sink of their own, with the merger as its only input, so that
    // it runs chained in the merger's task: no exchange and no thread hand-over before Kafka. The
    // ERROR results of invalid queries go to the same topic through a second sink.
    results
        .sinkTo(resultsSink(conf, bootstrap, "results", encoding))
        .uid(UID_RESULTS_SINK)
        .name("results");
    requests
        .getSideOutput(QueryDecoder.ERROR_RESULTS)
        .sinkTo(resultsSink(conf, bootstrap, "error-results", encoding))
        .uid(UID_ERROR_RESULTS_SINK)
        .name("error-results");

    changes
        .getSideOutput(DocumentDecoder.DEAD_LETTERS)
        .union(requests.getSideOutput(QueryDecoder.DEAD_LETTERS))
        .sinkTo(
            sink(
                conf,
                bootstrap,
                "dead-letters",
                false,
                new EncodingSerializer<DeadLetterRecord, DeadLetter>(
                    conf.get(MStreamOptions.DEAD_LETTERS_TOPIC),
                    DeadLetter.class,
                    encoding,
                    AvroConversions::toAvro,
                    d -> d.source.key)))
        .uid(UID_DEAD_LETTERS_SINK)
        .name("dead-letters");
  }

  /**
   * The documents' embed operator as the job runs it: {@code mstream.embed.batch-size}, {@code
   * max-delay}, {@code skip-unchanged} and the documents' niceness, checking that its model is
   * {@code identity}. Public so that benchmarks and the SQL tests compare with exactly this.
   */
  public static MicroBatchEmbedOperator<DocumentChange> documentEmbedder(
      Configuration conf, EmbeddingModelFactory models, ModelIdentity identity) {
    return new MicroBatchEmbedOperator<>(
        models,
        TextRole.DOCUMENT,
        conf.get(MStreamOptions.BATCH_SIZE),
        conf.get(MStreamOptions.MAX_DELAY).toMillis(),
        identity,
        conf.get(MStreamOptions.SKIP_UNCHANGED)
            ? UnchangedTexts.SKIPPED
            : UnchangedTexts.EMBEDDED_AGAIN,
        conf.get(MStreamOptions.DOCUMENTS_NICENESS));
  }

  /** The queries' embed operator as the job runs it ({@code query-max-delay}). */
  public static MicroBatchEmbedOperator<SearchRequest> queryEmbedder(
      Configuration conf, EmbeddingModelFactory models, ModelIdentity identity) {
    return new MicroBatchEmbedOperator<>(
        models,
        TextRole.QUERY,
        conf.get(MStreamOptions.BATCH_SIZE),
        conf.get(MStreamOptions.QUERY_MAX_DELAY).toMillis(),
        identity,
        UnchangedTexts.NOT_TRACKED);
  }

  /**
   * The job's model ({@code mstream.model}) as its embed subtasks open it at {@code parallelism}.
   */
  public static OnnxEmbeddingModelFactory models(Configuration conf, int parallelism) {
    return new OnnxEmbeddingModelFactory(model(conf), embedderOptions(conf, parallelism));
  }

  private static int parallelism(StreamExecutionEnvironment env, Configuration conf) {
    return conf.get(MStreamOptions.PARALLELISM) > 0
        ? conf.get(MStreamOptions.PARALLELISM)
        : env.getParallelism();
  }

  @VisibleForTesting
  static IndexSettings indexSettings(Configuration conf, ModelProfile profile) {
    return indexSettings(conf, profile, profile.name());
  }

  /** {@code modelId}: what the index stores as the model of its vectors ({@link ModelIdentity}). */
  static IndexSettings indexSettings(Configuration conf, ModelProfile profile, String modelId) {
    IndexSettings.Builder b =
        IndexSettings.builder(modelId, profile.dimension())
            .prefixDims(prefixDims(conf, profile))
            .encoding(conf.getOptional(MStreamOptions.PREFIX_ENCODING).orElse(null))
            .rotate(conf.getOptional(MStreamOptions.ROTATE).orElse(!profile.matryoshka()))
            .fitSample(conf.get(MStreamOptions.FIT_SAMPLE))
            .minDims(conf.get(MStreamOptions.ADAPTIVE_MIN_DIMS))
            .adaptiveLatencyMillis(conf.get(MStreamOptions.ADAPTIVE_LATENCY).toMillis())
            .rerank(conf.get(MStreamOptions.RERANK))
            .layout(conf.get(MStreamOptions.INDEX_LAYOUT))
            .centroidDims(
                Math.min(conf.get(MStreamOptions.IVF_CENTROID_DIMS), prefixDims(conf, profile)))
            .lists(conf.get(MStreamOptions.IVF_LISTS))
            .survivors(conf.get(MStreamOptions.IVF_SURVIVORS))
            .exactBelow(conf.get(MStreamOptions.IVF_EXACT_BELOW))
            .refitGrowth(conf.get(MStreamOptions.IVF_REFIT_GROWTH))
            .refitDrift(conf.get(MStreamOptions.IVF_REFIT_DRIFT))
            .defaultProbes(conf.get(MStreamOptions.DEFAULT_PROBES))
            .targetRecall(conf.get(MStreamOptions.TARGET_RECALL))
            .recallSampleRate(conf.get(MStreamOptions.RECALL_SAMPLE_RATE))
            .packedBits(MStreamOptions.packedBits(conf));
    conf.getOptional(MStreamOptions.ADAPTIVE_MIN_PROBES).ifPresent(b::minProbes);
    // A query's defaults: the configuration, else the model profile's advice (capped at the
    // prefix), else the index's own (IndexSettings.DEFAULT_DIMS, DEFAULT_CANDIDATES).
    conf.getOptional(MStreamOptions.DEFAULT_DIMS)
        .or(
            () ->
                Optional.of(profile.queryDims())
                    .filter(d -> d > 0)
                    .map(d -> Math.min(d, prefixDims(conf, profile))))
        .ifPresent(b::defaultDims);
    conf.getOptional(MStreamOptions.DEFAULT_CANDIDATES)
        .or(() -> Optional.of(profile.queryCandidates()).filter(c -> c > 0))
        .ifPresent(b::defaultCandidates);
    return b.build();
  }

  /** How long documents are split, or null when chunking is off (mstream.chunk.*). */
  public static DocumentChunker chunker(
      Configuration conf, ModelProfile profile, TextTokenizerFactory tokenizers) {
    ChunkingSettings settings = chunkingSettings(conf, profile);
    return settings.enabled()
        ? new DocumentChunker(settings, profile.maxTokens(), profile.documentPrefix(), tokenizers)
        : null;
  }

  /**
   * The chunking options, where window and overlap come from the job's configuration when set
   * there, else from the model profile's advice (chunkTokens, chunkOverlapTokens), else the
   * defaults (the model's max tokens; 32 tokens).
   */
  public static ChunkingSettings chunkingSettings(Configuration conf, ModelProfile profile) {
    return new ChunkingSettings(
        conf.get(MStreamOptions.CHUNK_ENABLED),
        conf.getOptional(MStreamOptions.CHUNK_MAX_TOKENS).orElse(profile.chunkTokens()),
        conf.getOptional(MStreamOptions.CHUNK_OVERLAP_TOKENS)
            .orElse(
                profile.chunkOverlapTokens() >= 0
                    ? profile.chunkOverlapTokens()
                    : MStreamOptions.CHUNK_OVERLAP_TOKENS.defaultValue()),
        conf.get(MStreamOptions.CHUNK_MAX_CHUNKS),
        conf.get(MStreamOptions.CHUNK_OVER_LIMIT));
  }

  /**
   * The configured prefix, else what the codes are made for: the dims the packed widths cover for
   * the inverted file's PACKED codes, 128 for INT8 and FLOAT16; never more than the model has.
   */
  private static int prefixDims(Configuration conf, ModelProfile profile) {
    int dims =
        conf.getOptional(MStreamOptions.PREFIX_DIMS)
            .orElseGet(
                () -> {
                  boolean packed =
                      conf.get(MStreamOptions.INDEX_LAYOUT) == dev.mstream.index.IndexLayout.IVF
                          && conf.getOptional(MStreamOptions.PREFIX_ENCODING)
                              .map(e -> e == dev.mstream.index.PrefixEncoding.PACKED)
                              .orElse(true);
                  return packed
                      ? java.util.Arrays.stream(MStreamOptions.packedBits(conf))
                          .map(b -> b == 0 ? 0 : 256 / b)
                          .sum()
                      : 128;
                });
    return Math.min(dims, profile.dimension());
  }

  /** The model's prefix dims the arena can score, and the full dimension (exact search). */
  static List<Integer> servableDims(ModelProfile profile, IndexSettings index) {
    List<Integer> dims = new ArrayList<>();
    for (int d : profile.matryoshkaDims()) {
      if (d <= index.prefixDims()) {
        dims.add(d);
      }
    }
    if (!dims.contains(index.prefixDims())) {
      dims.add(index.prefixDims());
    }
    if (!dims.contains(profile.dimension())) {
      dims.add(profile.dimension());
    }
    return dims;
  }

  private static String required(Configuration conf) {
    String bootstrap = conf.get(MStreamOptions.BOOTSTRAP_SERVERS);
    checkArgument(
        bootstrap != null && !bootstrap.isBlank(),
        "missing setting %s (Kafka bootstrap servers)",
        MStreamOptions.BOOTSTRAP_SERVERS.key());
    return bootstrap;
  }

  /**
   * The profile {@code mstream.model} names, checked at start-up rather than in a task: a built-in
   * profile whose jar is missing, or a profile file with a missing or wrong setting, fails here
   * with a message naming it. A profile file's model is opened once too, so that a dimension that
   * does not match the ONNX model (or a file that is not a sentence encoder) fails now, not in a
   * restart loop of the embed operator.
   */
  public static ModelProfile model(Configuration conf) {
    String setting = conf.get(MStreamOptions.MODEL);
    ModelProfile profile;
    try {
      profile = ModelProfiles.resolve(setting);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "setting " + MStreamOptions.MODEL.key() + "=" + setting + ": " + e.getMessage(), e);
    }
    boolean builtIn =
        ModelProfiles.names().contains(profile.name())
            && ModelProfiles.builtIn(profile.name()).equals(profile);
    if (!builtIn) {
      OnnxEmbeddingModel.open(profile, EmbedderOptions.defaults().withIntraOpThreads(1)).close();
    }
    return profile;
  }

  /** How each embed subtask runs its model: threads are the cores shared out over the subtasks. */
  public static EmbedderOptions embedderOptions(Configuration conf, int parallelism) {
    int threads = conf.get(MStreamOptions.THREADS);
    if (threads <= 0) {
      // Each embed subtask gets its share of the cores instead of all of them, so that
      // parallel subtasks in one TaskManager do not oversubscribe the CPU.
      threads = Math.max(1, Runtime.getRuntime().availableProcessors() / Math.max(1, parallelism));
    }
    return EmbedderOptions.defaults()
        .withIntraOpThreads(threads)
        .withMaxBatchSize(conf.get(MStreamOptions.INFERENCE_BATCH_SIZE))
        .withBatchTokens(conf.get(MStreamOptions.BATCH_TOKENS))
        .withDevice(conf.get(MStreamOptions.DEVICE))
        .withBatchInvariant(conf.get(MStreamOptions.BATCH_INVARIANT));
  }

  private static KafkaSource<RawRecord> source(
      Configuration conf, String bootstrap, String topic, boolean documents) {
    // Without a checkpoint, an empty index must read the whole documents topic to be complete;
    // queries older than the job are not worth answering.
    OffsetsInitializer start =
        documents && conf.get(MStreamOptions.FROM_EARLIEST)
            ? OffsetsInitializer.earliest()
            : OffsetsInitializer.latest();
    return KafkaSource.<RawRecord>builder()
        .setBootstrapServers(bootstrap)
        .setTopics(topic)
        .setGroupId(conf.get(MStreamOptions.GROUP_ID))
        .setStartingOffsets(start)
        .setDeserializer(new RawRecordDeserializer())
        .setProperties(MStreamOptions.kafkaProperties(conf))
        // read_committed: never index a document from a producer transaction that aborted.
        .setProperty(
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString())
        .build();
  }

  private static KafkaSink<SearchResult> resultsSink(
      Configuration conf, String bootstrap, String name, Encoding encoding) {
    return sink(
        conf,
        bootstrap,
        name,
        true,
        new EncodingSerializer<>(
            conf.get(MStreamOptions.RESULTS_TOPIC),
            QueryResult.class,
            encoding,
            AvroConversions::toAvro,
            r -> r.queryId.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * @param interactive whether a reader waits for each record (results): then the producer sends
   *     every record at once ({@code linger.ms=0}) instead of waiting up to Kafka's default 5 ms
   *     for others to share its batch; {@code mstream.kafka.properties.linger.ms} wins
   */
  private static <T> KafkaSink<T> sink(
      Configuration conf,
      String bootstrap,
      String name,
      boolean interactive,
      org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema<T> serializer) {
    Properties props = MStreamOptions.kafkaProperties(conf);
    if (interactive) {
      props.putIfAbsent("linger.ms", "0");
    }
    DeliveryGuarantee guarantee = MStreamOptions.resultsDelivery(conf);
    checkArgument(
        guarantee != DeliveryGuarantee.NONE,
        "%s=NONE is not supported: a failure could lose results; use AT_LEAST_ONCE or EXACTLY_ONCE",
        MStreamOptions.RESULTS_DELIVERY.key());
    if (guarantee == DeliveryGuarantee.EXACTLY_ONCE) {
      // Must not exceed the broker's transaction.max.timeout.ms (15 minutes by default).
      props.putIfAbsent("transaction.timeout.ms", "600000");
    }
    return KafkaSink.<T>builder()
        .setBootstrapServers(bootstrap)
        .setKafkaProducerConfig(props)
        .setRecordSerializer(serializer)
        .setDeliveryGuarantee(guarantee)
        .setTransactionalIdPrefix(conf.get(MStreamOptions.GROUP_ID) + "-" + name)
        .build();
  }
}
