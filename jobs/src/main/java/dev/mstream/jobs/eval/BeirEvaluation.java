package dev.mstream.jobs.eval;

import static org.apache.flink.util.Preconditions.checkArgument;
import static org.apache.flink.util.Preconditions.checkNotNull;

import dev.mstream.jobs.MStreamOptions;
import dev.mstream.jobs.MStreamPipeline;
import dev.mstream.jobs.client.DocumentPublisher;
import dev.mstream.jobs.client.QueryClient;
import dev.mstream.jobs.local.LocalClients;
import dev.mstream.jobs.local.LocalRunner;
import dev.mstream.jobs.local.LoopbackPorts;
import dev.mstream.schemas.ChunkAggregation;
import dev.mstream.schemas.Document;
import dev.mstream.schemas.Hit;
import dev.mstream.schemas.Query;
import dev.mstream.schemas.QueryResult;
import dev.mstream.schemas.ResultStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.util.FileUtils;

/**
 * BEIR-style retrieval quality measured through the real pipeline: starts the embedded default
 * (in-process Kafka broker, Flink MiniCluster with RocksDB, the job), publishes the corpus to the
 * documents topic, waits until every document is indexed or dead-lettered, sends the judged queries
 * to the queries topic and scores the results from the results topic with {@link RetrievalMetrics}.
 *
 * <p>A document the job rightly rejects (an empty text, say) goes to the dead-letter topic instead
 * of the index; the evaluation counts those by reason, scores what was indexed and reports both. A
 * judged-relevant document that was rejected stays in the judgments: no query can find it, so it
 * counts as a miss, as it would for a user.
 *
 * <p>Title and text are joined with a space by the job's document decoder, as BEIR does.
 */
public final class BeirEvaluation {

  /** The cut-offs reported: nDCG@10, recall@10, recall@100, MRR@10 (and the rest at both). */
  public static final List<Integer> CUTOFFS = List.of(10, 100);

  private static final String NAMESPACE = "default";

  /** How long indexing may make no progress before the evaluation fails. */
  private static final Duration STALL_TIMEOUT = Duration.ofMinutes(5);

  /** What to run: model, query settings and the local cluster's size. */
  public static final class Settings {
    private String model;
    private List<Integer> dims = Collections.singletonList(null);
    private List<ChunkAggregation> aggregations = Collections.singletonList(null);
    private Integer candidates;
    private int maxInFlight = 16;
    private int k = 100;
    private int parallelism = 2;
    private Configuration options = new Configuration();
    private boolean ignoreIdenticalIds = true;
    private Duration queryTimeout = Duration.ofMinutes(10);
    private Path workDir;

    /** {@code mstream.model}: a built-in profile name or a profile file; null = the default. */
    public Settings model(String model) {
      this.model = model;
      return this;
    }

    /** Prefix dimensions for the shortlist, passed in every Query; null = the index's default. */
    public Settings dims(Integer dims) {
      this.dims = Collections.singletonList(dims);
      return this;
    }

    /**
     * Several prefix dimensions scored on one index: the corpus is published and indexed once, then
     * the queries run once per entry (null = the index's default), one {@link Result} each.
     */
    public Settings dimsSweep(List<Integer> dims) {
      checkArgument(!dims.isEmpty(), "dims sweep needs at least one entry");
      this.dims = new ArrayList<>(dims);
      return this;
    }

    /**
     * Queries sent but not yet answered. Quality is measured at a steady pace: a burst of every
     * query at once would queue them in front of the index, and the load-adaptive policy would then
     * (rightly) shorten the prefix of queries that name no dims.
     */
    public Settings maxInFlight(int maxInFlight) {
      checkArgument(maxInFlight >= 1, "max in flight must be >= 1, was %s", maxInFlight);
      this.maxInFlight = maxInFlight;
      return this;
    }

    /**
     * How documents are scored from their chunks (Query.chunk_aggregation), one run of the queries
     * per entry on the same index; null = the job's default (MAX).
     */
    public Settings chunkAggregations(List<ChunkAggregation> aggregations) {
      if (aggregations.isEmpty()) {
        throw new IllegalArgumentException("chunk aggregations need at least one entry");
      }
      this.aggregations = new ArrayList<>(aggregations);
      return this;
    }

    /** Shortlist size, passed in every Query; null = the index's default. */
    public Settings candidates(Integer candidates) {
      this.candidates = candidates;
      return this;
    }

    /** Hits requested per query (100: enough for recall@100). */
    public Settings k(int k) {
      checkArgument(k >= 1, "k must be >= 1, was %s", k);
      this.k = k;
      return this;
    }

    public Settings parallelism(int parallelism) {
      checkArgument(parallelism >= 1, "parallelism must be >= 1, was %s", parallelism);
      this.parallelism = parallelism;
      return this;
    }

    /** Further job options ({@code mstream.*}); {@link #model} wins over mstream.model here. */
    public Settings options(Configuration options) {
      this.options = new Configuration(checkNotNull(options, "options"));
      return this;
    }

    /** BEIR drops hits whose id equals the query id unless told not to; so do we by default. */
    public Settings ignoreIdenticalIds(boolean ignore) {
      this.ignoreIdenticalIds = ignore;
      return this;
    }

    public Settings queryTimeout(Duration timeout) {
      this.queryTimeout = timeout;
      return this;
    }

    /** Checkpoints and RocksDB files; null = a temporary folder, deleted afterwards. */
    public Settings workDir(Path dir) {
      this.workDir = dir;
      return this;
    }

    /** The job options this evaluation runs with. */
    public Configuration jobOptions() {
      Configuration conf = new Configuration(options);
      if (model != null) {
        conf.set(MStreamOptions.MODEL, model);
      }
      return conf;
    }
  }

  /** What one evaluation measured. */
  public record Result(
      String dataset,
      String model,
      Integer requestedDims,
      int documents,
      int queries,
      RetrievalMetrics.Summary metrics,
      Map<ResultStatus, Integer> statuses,
      int minDimsUsed,
      int maxDimsUsed,
      String firstError,
      double publishSeconds,
      double indexSeconds,
      double querySeconds,
      long indexed,
      Map<String, Integer> deadLettered,
      int judgedDeadLettered,
      ChunkAggregation aggregation,
      Map<String, List<String>> rankings) {

    /**
     * Recall@{@code k} of this run against {@code reference}'s top {@code k} (e.g. the exact run of
     * the same sweep): the mean share of the reference's top-k ids this run also returns in its top
     * k, over the queries the reference answered completely (status OK) with at least one hit.
     */
    public double recallAgainst(Result reference, int k) {
      return RetrievalMetrics.recallAgainst(rankings, reference.rankings(), k);
    }

    /** Documents the job dead-lettered instead of indexing. */
    public long deadLetteredTotal() {
      return deadLettered.values().stream().mapToLong(Integer::longValue).sum();
    }

    public double ndcgAt10() {
      return metrics.ndcg(10);
    }

    /** Documents per second from the first publish until all were indexed or dead-lettered. */
    public double indexedPerSecond() {
      return documents / Math.max(indexSeconds, 1e-9);
    }
  }

  private BeirEvaluation() {}

  /**
   * Runs the whole evaluation on a fresh local cluster and shuts it down again.
   *
   * @throws Exception when the cluster cannot start (e.g. a model profile whose files are missing,
   *     with the message saying which), indexing stalls, or queries are not answered in time
   */
  public static List<Result> run(BeirDataset data, Settings settings, Progress progress)
      throws Exception {
    Configuration jobOptions = settings.jobOptions();
    // A missing model jar or a bad profile file fails here, before Kafka and Flink start.
    MStreamPipeline.model(jobOptions);
    Path work =
        settings.workDir != null ? settings.workDir : Files.createTempDirectory("mstream-eval");
    try (LocalRunner runner =
        LocalRunner.start(jobOptions, 0, LoopbackPorts.freePort(), settings.parallelism, work)) {
      return evaluate(runner, data, settings, progress);
    } finally {
      progress.finish();
      if (settings.workDir == null) {
        // best effort: a temp folder left behind is not worth failing an evaluation for
        FileUtils.deleteDirectoryQuietly(work.toFile());
      }
    }
  }

  /**
   * Runs the evaluation against an already running local cluster whose index is empty: one result
   * per entry of the dims sweep, all on the same index.
   */
  public static List<Result> evaluate(
      LocalRunner runner, BeirDataset data, Settings settings, Progress progress) throws Exception {
    Configuration opts = runner.options();
    String model = opts.get(MStreamOptions.MODEL);
    List<Document> corpus = data.corpus();
    try (LocalClients clients = LocalClients.open(runner);
        DeadLetterCount deadLetters =
            new DeadLetterCount(
                runner.bootstrapServers(),
                opts.get(MStreamOptions.DEAD_LETTERS_TOPIC),
                opts.get(MStreamOptions.DOCUMENTS_TOPIC),
                opts.get(MStreamOptions.ENCODING),
                MStreamOptions.kafkaProperties(opts))) {
      QueryClient client = clients.queries();
      DocumentPublisher publisher = clients.documents();
      // The job is RUNNING before its tasks have opened their operators (and loaded the model).
      TasksRunning.await(runner, Duration.ofMinutes(3));
      long start = System.nanoTime();
      progress.start("publish", corpus.size(), "docs");
      int published = 0;
      for (Document d : corpus) {
        publisher.publish(d);
        if (++published % 100 == 0) {
          progress.update(published);
        }
      }
      publisher.flush();
      progress.update(published);
      progress.finish();
      double publishSeconds = (System.nanoTime() - start) / 1e9;

      progress.start("index", corpus.size(), "docs");
      long indexed =
          new IndexProbe(client, NAMESPACE, runner.job())
              .awaitSettled(
                  corpus.size(),
                  () -> deadLetters.poll(Duration.ZERO),
                  STALL_TIMEOUT,
                  progress::update);
      progress.finish();
      double indexSeconds = (System.nanoTime() - start) / 1e9;
      Indexing indexing =
          new Indexing(indexed, deadLetters.byReason(), judged(data, deadLetters.keys()));

      List<Result> sweep = new ArrayList<>();
      for (ChunkAggregation aggregation : settings.aggregations) {
        for (Integer dims : settings.dims) {
          long queryStart = System.nanoTime();
          Map<String, QueryResult> results =
              runQueries(client, data, settings, dims, aggregation, progress);
          double querySeconds = (System.nanoTime() - queryStart) / 1e9;
          sweep.add(
              score(
                  data,
                  model,
                  dims,
                  results,
                  settings.ignoreIdenticalIds,
                  publishSeconds,
                  indexSeconds,
                  querySeconds,
                  indexing,
                  aggregation));
        }
      }
      return sweep;
    }
  }

  /** What became of the published corpus. */
  private record Indexing(
      long indexed, Map<String, Integer> deadLettered, int judgedDeadLettered) {}

  /** How many of {@code ids} some query's judgments call relevant. */
  private static int judged(BeirDataset data, Set<String> ids) {
    Set<String> relevant = new HashSet<>();
    data.qrels()
        .values()
        .forEach(
            judgments ->
                judgments.forEach(
                    (doc, grade) -> {
                      if (grade > 0) {
                        relevant.add(doc);
                      }
                    }));
    relevant.retainAll(ids);
    return relevant.size();
  }

  private static Result score(
      BeirDataset data,
      String model,
      Integer dims,
      Map<String, QueryResult> results,
      boolean ignoreIdenticalIds,
      double publishSeconds,
      double indexSeconds,
      double querySeconds,
      Indexing indexing,
      ChunkAggregation aggregation) {
    Map<String, List<RetrievalMetrics.Scored>> runs = new HashMap<>();
    Map<String, List<String>> rankings = new HashMap<>();
    Map<ResultStatus, Integer> statuses = new EnumMap<>(ResultStatus.class);
    String firstError = null;
    int minDims = Integer.MAX_VALUE;
    int maxDims = 0;
    for (QueryResult r : results.values()) {
      statuses.merge(r.getStatus(), 1, Integer::sum);
      if (r.getStatus() == ResultStatus.ERROR && firstError == null) {
        firstError = r.getError();
      }
      if (r.getStatus() != ResultStatus.ERROR) {
        minDims = Math.min(minDims, r.getDimsUsed());
        maxDims = Math.max(maxDims, r.getDimsUsed());
      }
      List<RetrievalMetrics.Scored> hits = new ArrayList<>(r.getHits().size());
      for (Hit h : r.getHits()) {
        hits.add(new RetrievalMetrics.Scored(h.getDocId(), h.getScore()));
      }
      runs.put(r.getQueryId(), hits);
      if (r.getStatus() == ResultStatus.OK) {
        // Only complete answers rank: a PARTIAL exact run is no reference, and a PARTIAL answer
        // of another run counts as finding nothing.
        rankings.put(r.getQueryId(), hits.stream().map(RetrievalMetrics.Scored::docId).toList());
      }
    }
    RetrievalMetrics.Summary metrics =
        RetrievalMetrics.evaluate(data.qrels(), runs, CUTOFFS, ignoreIdenticalIds);
    return new Result(
        data.name(),
        model,
        dims,
        data.corpus().size(),
        data.queries().size(),
        metrics,
        statuses,
        minDims == Integer.MAX_VALUE ? 0 : minDims,
        maxDims,
        firstError,
        publishSeconds,
        indexSeconds,
        querySeconds,
        indexing.indexed(),
        indexing.deadLettered(),
        indexing.judgedDeadLettered(),
        aggregation,
        rankings);
  }

  private static Map<String, QueryResult> runQueries(
      QueryClient client,
      BeirDataset data,
      Settings settings,
      Integer dims,
      ChunkAggregation aggregation,
      Progress progress)
      throws TimeoutException {
    Map<String, String> idsByQueryId = new HashMap<>();
    progress.start(
        "query"
            + (dims == null ? "" : " dims " + dims)
            + (aggregation == null ? "" : " " + aggregation),
        data.queries().size(),
        "queries");
    // Unique query ids per run, so a result of an earlier run on the same topic cannot count.
    String run = Long.toString(System.nanoTime(), 36);
    Iterator<Map.Entry<String, String>> pending = data.queries().entrySet().iterator();
    Map<String, QueryResult> results = new HashMap<>();
    long end = System.nanoTime() + settings.queryTimeout.toNanos();
    while (results.size() < data.queries().size()) {
      boolean sent = false;
      while (pending.hasNext() && idsByQueryId.size() - results.size() < settings.maxInFlight) {
        Map.Entry<String, String> q = pending.next();
        String queryId = "eval-" + run + "-" + q.getKey();
        idsByQueryId.put(queryId, q.getKey());
        client.send(
            Query.newBuilder()
                .setQueryId(queryId)
                .setNamespace(NAMESPACE)
                .setText(q.getValue())
                .setK(settings.k)
                .setDims(dims)
                .setCandidates(settings.candidates)
                .setChunkAggregation(aggregation)
                .setEventTime(Instant.now())
                .build());
        sent = true;
      }
      if (sent) {
        client.flush();
      }
      if (System.nanoTime() > end) {
        throw new TimeoutException(
            results.size()
                + " of "
                + data.queries().size()
                + " queries answered within "
                + settings.queryTimeout.toSeconds()
                + " s");
      }
      for (QueryResult r : client.poll(Duration.ofMillis(20))) {
        String original = idsByQueryId.get(r.getQueryId());
        if (original != null && !results.containsKey(original)) {
          r.setQueryId(original);
          results.put(original, r);
        }
      }
      progress.update(results.size());
    }
    progress.finish();
    return results;
  }
}
