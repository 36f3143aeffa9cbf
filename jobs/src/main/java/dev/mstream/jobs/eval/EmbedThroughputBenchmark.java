package dev.mstream.jobs.eval;

import dev.mstream.embed.EmbedderOptions;
import dev.mstream.embed.ModelProfile;
import dev.mstream.embed.OnnxEmbeddingModel;
import dev.mstream.embed.TextRole;
import dev.mstream.jobs.MStreamOptions;
import dev.mstream.jobs.MStreamPipeline;
import dev.mstream.jobs.client.DocumentPublisher;
import dev.mstream.jobs.client.QueryClient;
import dev.mstream.jobs.local.LocalRunner;
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
 *       arrives.
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
      double jobSeconds) {

    public double bareDocsPerSecond() {
      return documents / bareSeconds;
    }

    public double jobDocsPerSecond() {
      return documents / jobSeconds;
    }

    /** Job throughput over bare-loop throughput: 1.0 means the job costs nothing on top. */
    public double ratio() {
      return jobDocsPerSecond() / bareDocsPerSecond();
    }
  }

  private EmbedThroughputBenchmark() {}

  /**
   * @param options job options ({@code mstream.*}), used by both runs
   */
  public static Result run(
      List<Document> docs, Configuration options, int parallelism, Progress progress)
      throws Exception {
    Configuration conf = new Configuration(options);
    conf.set(MStreamOptions.PARALLELISM, parallelism);
    ModelProfile profile = MStreamPipeline.model(conf);
    EmbedderOptions embedder = MStreamPipeline.embedderOptions(conf, parallelism);
    int callSize = conf.get(MStreamOptions.BATCH_SIZE);
    double bare = bareLoop(docs, profile, embedder, parallelism, callSize, progress);

    Path work = Files.createTempDirectory("mstream-bench");
    double job;
    try (LocalRunner runner =
        LocalRunner.start(conf, 0, BeirEvaluation.freePort(), parallelism, work)) {
      job = jobRun(runner, docs, progress);
    } finally {
      progress.finish();
      BeirEvaluation.deleteRecursively(work);
    }
    return new Result(profile.name(), docs.size(), parallelism, embedder, callSize, bare, job);
  }

  /** Title and text as the job's document decoder joins them (BEIR: one space). */
  static String text(Document d) {
    String body = d.getText() == null ? "" : d.getText();
    String title = d.getTitle();
    if (title == null || title.isBlank()) {
      return body;
    }
    return body.isEmpty() ? title : title + " " + body;
  }

  private static double bareLoop(
      List<Document> docs,
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
      shares.get(i % parallelism).add(text(docs.get(i)));
    }
    List<OnnxEmbeddingModel> models = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(parallelism);
    try {
      for (int p = 0; p < parallelism; p++) {
        models.add(OnnxEmbeddingModel.open(profile, embedder));
      }
      AtomicLong done = new AtomicLong();
      progress.start("bare ONNX loop", docs.size(), "docs");
      long start = System.nanoTime();
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
      progress.finish();
      return seconds;
    } finally {
      pool.shutdownNow();
      for (OnnxEmbeddingModel m : models) {
        m.close();
      }
    }
  }

  private static double jobRun(LocalRunner runner, List<Document> docs, Progress progress)
      throws Exception {
    Configuration opts = runner.options();
    try (QueryClient client =
            new QueryClient(
                runner.bootstrapServers(),
                opts.get(MStreamOptions.QUERIES_TOPIC),
                opts.get(MStreamOptions.RESULTS_TOPIC),
                opts.get(MStreamOptions.ENCODING),
                MStreamOptions.kafkaProperties(opts));
        DocumentPublisher publisher =
            new DocumentPublisher(
                runner.bootstrapServers(),
                opts.get(MStreamOptions.DOCUMENTS_TOPIC),
                opts.get(MStreamOptions.ENCODING),
                MStreamOptions.kafkaProperties(opts))) {
      // The job is RUNNING before its tasks have opened their operators (and loaded the model).
      TasksRunning.await(runner, Duration.ofMinutes(3));
      progress.start("job: Kafka -> indexed", docs.size(), "docs");
      long start = System.nanoTime();
      for (Document d : docs) {
        publisher.publish(d);
      }
      publisher.flush();
      new IndexProbe(client, "default", runner.job())
          .awaitIndexSize(docs.size(), Duration.ofMinutes(5), progress::update);
      double seconds = (System.nanoTime() - start) / 1e9;
      progress.finish();
      return seconds;
    }
  }
}
