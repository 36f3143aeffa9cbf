package dev.mstream.jobs.bench;

import dev.mstream.embed.EmbedderOptions;
import dev.mstream.embed.ModelProfile;
import dev.mstream.embed.OnnxEmbeddingModel;
import dev.mstream.embed.TextRole;
import dev.mstream.jobs.MStreamOptions;
import dev.mstream.jobs.MStreamPipeline;
import dev.mstream.jobs.client.DocumentPublisher;
import dev.mstream.jobs.client.QueryClient;
import dev.mstream.jobs.eval.IndexProbe;
import dev.mstream.jobs.eval.Progress;
import dev.mstream.jobs.eval.TasksRunning;
import dev.mstream.jobs.local.LocalClients;
import dev.mstream.jobs.local.LocalRunner;
import dev.mstream.jobs.local.LoopbackPorts;
import dev.mstream.schemas.Document;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.util.FileUtils;

/**
 * Embedding throughput of the whole job against a bare ONNX Runtime loop, in one process and one
 * run, so that the ratio compares like with like on the same (noisy, shared) machine:
 *
 * <ol>
 *   <li><b>bare</b>: {@code parallelism} threads, each with its own {@link OnnxEmbeddingModel}
 *       opened exactly as an embed subtask opens it (same profile, same {@link EmbedderOptions}:
 *       intra-op threads, inference batch size, batch invariance), each embedding its share of the
 *       texts in calls of {@code mstream.embed.batch-size} texts, as the micro-batch operator
 *       flushes them. Models are opened before the clock starts, as the job opens them before data
 *       arrives. The texts are those the job embeds: with chunking on, each long document's chunk
 *       texts, planned untimed beforehand ({@link CorpusTokens}), so both do the same work.
 *   <li><b>job</b>: the embedded default ({@link LocalRunner}: Kafka broker, MiniCluster, RocksDB),
 *       same options; the clock runs from the first publish until a probe query sees every document
 *       in the index.
 * </ol>
 *
 * The bare loop runs first, while no broker or cluster is up to compete for the cores.
 */
public final class EmbedThroughputBenchmark {

  /** Both runs' wall times. */
  public record Result(
      String model,
      int documents,
      int parallelism,
      EmbedderOptions embedder,
      int callSize,
      double bareSeconds,
      double jobSeconds,
      double bareCpuSeconds,
      double jobCpuSeconds,
      List<String> jobCpuByThread,
      CorpusTokens tokens) {

    public double bareDocsPerSecond() {
      return documents / bareSeconds;
    }

    public double jobDocsPerSecond() {
      return documents / jobSeconds;
    }

    /** Tokens fed to the model per second of the job (the embedding work it got through). */
    public double jobModelTokensPerSecond() {
      return tokens.modelTokens() / jobSeconds;
    }

    public double bareModelTokensPerSecond() {
      return tokens.modelTokens() / bareSeconds;
    }

    /** Tokens of document text made searchable per second of the job. */
    public double jobTextTokensPerSecond() {
      return tokens.indexedTextTokens() / jobSeconds;
    }

    /** Job throughput over bare-loop throughput: 1.0 means the job costs nothing on top. */
    public double ratio() {
      return jobDocsPerSecond() / bareDocsPerSecond();
    }

    /**
     * CPU time of this process for the bare loop over CPU time for the job (broker, Flink and all
     * included), for the same documents: the job's efficiency independent of how much of a shared
     * machine the process got. On a loaded machine a process with many runnable threads (the job)
     * gets a larger share of the cores than one with two (the bare loop), which flatters the wall
     * clock ratio; this one it cannot flatter. -1 where the JVM does not report process CPU time.
     */
    public double cpuRatio() {
      return bareCpuSeconds < 0 || jobCpuSeconds <= 0 ? -1 : bareCpuSeconds / jobCpuSeconds;
    }
  }

  private static final String WARMUP = "bench-warmup";

  private EmbedThroughputBenchmark() {}

  /**
   * @param options job options ({@code mstream.*}), used by both runs
   */
  public static Result run(
      List<Document> docs, Configuration options, int parallelism, Progress progress)
      throws Exception {
    return run(docs, options, parallelism, 0, progress);
  }

  /**
   * @param warmupDocs the first this many documents are run through both, untimed, before the clock
   *     starts: the job's JIT compilation of Kafka and Flink code paths, its first checkpoint and
   *     the index's set-up are start-up costs, not throughput. The job indexes them under other ids
   *     in a namespace of their own, so the timed run starts from an empty namespace.
   */
  public static Result run(
      List<Document> docs,
      Configuration options,
      int parallelism,
      int warmupDocs,
      Progress progress)
      throws Exception {
    List<Document> warmup = new ArrayList<>();
    for (Document d : docs.subList(0, Math.min(Math.max(0, warmupDocs), docs.size()))) {
      warmup.add(Document.newBuilder(d).setId("warmup-" + d.getId()).setNamespace(WARMUP).build());
    }
    Configuration conf = new Configuration(options);
    conf.set(MStreamOptions.PARALLELISM, parallelism);
    ModelProfile profile = MStreamPipeline.model(conf);
    EmbedderOptions embedder = MStreamPipeline.embedderOptions(conf, parallelism);
    int callSize = conf.get(MStreamOptions.BATCH_SIZE);
    CorpusTokens tokens = CorpusTokens.of(docs, conf, profile);
    CorpusTokens warmupTokens = CorpusTokens.of(warmup, conf, profile);
    double[] bareRun =
        bareLoop(
            tokens.texts(),
            warmupTokens.texts(),
            profile,
            embedder,
            parallelism,
            callSize,
            progress);
    double bare = bareRun[0];
    double bareCpu = bareRun[1];

    Path work = Files.createTempDirectory("mstream-bench");
    double[] job;
    try (LocalRunner runner =
        LocalRunner.start(conf, 0, LoopbackPorts.freePort(), parallelism, work)) {
      job = jobRun(runner, docs, warmup, progress);
    } finally {
      progress.finish();
      FileUtils.deleteDirectoryQuietly(work.toFile());
    }
    return new Result(
        profile.name(),
        docs.size(),
        parallelism,
        embedder,
        callSize,
        bare,
        job[0],
        bareCpu < 0 ? -1 : bareCpu,
        job[1],
        lastJobThreads,
        tokens);
  }

  /** Wall seconds and process CPU seconds of the timed part (models already open). */
  private static double[] bareLoop(
      List<List<String>> docs,
      List<List<String>> warmup,
      ModelProfile profile,
      EmbedderOptions embedder,
      int parallelism,
      int callSize,
      Progress progress)
      throws Exception {
    List<List<String>> shares = new ArrayList<>();
    for (int p = 0; p < parallelism; p++) {
      shares.add(new ArrayList<>());
    }
    for (int i = 0; i < docs.size(); i++) {
      shares.get(i % parallelism).addAll(docs.get(i));
    }
    List<OnnxEmbeddingModel> models = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(parallelism);
    try {
      for (int p = 0; p < parallelism; p++) {
        models.add(OnnxEmbeddingModel.open(profile, embedder));
      }
      if (!warmup.isEmpty()) {
        List<Future<?>> warming = new ArrayList<>();
        for (int p = 0; p < parallelism; p++) {
          OnnxEmbeddingModel model = models.get(p);
          List<String> texts = new ArrayList<>();
          for (int i = p; i < warmup.size(); i += parallelism) {
            texts.addAll(warmup.get(i));
          }
          warming.add(pool.submit(() -> model.embed(texts, TextRole.DOCUMENT)));
        }
        for (Future<?> f : warming) {
          f.get();
        }
      }
      AtomicLong done = new AtomicLong();
      long total = 0;
      for (List<String> share : shares) {
        total += share.size();
      }
      progress.start("bare ONNX loop", total, "texts");
      long start = System.nanoTime();
      double cpu0 = ProcessCpu.processSeconds();
      List<Future<?>> running = new ArrayList<>();
      for (int p = 0; p < parallelism; p++) {
        OnnxEmbeddingModel model = models.get(p);
        List<String> share = shares.get(p);
        running.add(
            pool.submit(
                () -> {
                  for (int from = 0; from < share.size(); from += callSize) {
                    List<String> call =
                        share.subList(from, Math.min(share.size(), from + callSize));
                    model.embed(call, TextRole.DOCUMENT);
                    progress.update(done.addAndGet(call.size()));
                  }
                  return null;
                }));
      }
      for (Future<?> f : running) {
        f.get();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      double cpu = ProcessCpu.processSeconds() - cpu0;
      progress.finish();
      return new double[] {seconds, cpu0 < 0 ? -1 : cpu};
    } finally {
      pool.shutdownNow();
      for (OnnxEmbeddingModel m : models) {
        m.close();
      }
    }
  }

  /** Wall seconds and process CPU seconds from the first publish until all are indexed. */
  static double[] jobRun(
      LocalRunner runner, List<Document> docs, List<Document> warmup, Progress progress)
      throws Exception {
    try (LocalClients clients = LocalClients.open(runner)) {
      QueryClient client = clients.queries();
      DocumentPublisher publisher = clients.documents();
      // The job is RUNNING before its tasks have opened their operators (and loaded the model).
      TasksRunning.await(runner, Duration.ofMinutes(3));
      if (!warmup.isEmpty()) {
        progress.start("job warm-up (untimed)", warmup.size(), "docs");
        for (Document d : warmup) {
          publisher.publish(d);
        }
        publisher.flush();
        new IndexProbe(client, WARMUP, runner.job())
            .awaitIndexSize(warmup.size(), Duration.ofMinutes(5), progress::update);
        progress.finish();
      }
      progress.start("job: Kafka -> indexed", docs.size(), "docs");
      ProcessCpu.Snapshot threads0 = ProcessCpu.now();
      long start = System.nanoTime();
      double cpu0 = ProcessCpu.processSeconds();
      for (Document d : docs) {
        publisher.publish(d);
      }
      publisher.flush();
      new IndexProbe(client, "default", runner.job())
          .awaitIndexSize(docs.size(), Duration.ofMinutes(5), progress::update);
      double seconds = (System.nanoTime() - start) / 1e9;
      double cpu = ProcessCpu.processSeconds() - cpu0;
      lastJobThreads = ProcessCpu.byThreadGroup(threads0, 12);
      progress.finish();
      return new double[] {seconds, cpu0 < 0 ? -1 : cpu};
    }
  }

  private static List<String> lastJobThreads = List.of();
}
