package dev.mstream.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.mstream.embed.EmbeddingModel;
import dev.mstream.embed.MicroBatchEmbedOperator;
import dev.mstream.embed.ModelIdentity;
import dev.mstream.embed.OnnxEmbeddingModelFactory;
import dev.mstream.embed.TextRole;
import dev.mstream.jobs.MStreamOptions;
import dev.mstream.jobs.MStreamPipeline;
import dev.mstream.jobs.eval.BeirDataset;
import dev.mstream.records.DocumentChange;
import dev.mstream.schemas.Document;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.util.MiniClusterWithClientResource;
import org.apache.flink.types.Row;

/**
 * Embedding throughput of ML_PREDICT with the {@code mstream} model provider against the job's own
 * embed operator, side by side in one JVM on one MiniCluster, rounds interleaved (job, SQL, SQL,
 * job, …) so that both see the same machine:
 *
 * <ul>
 *   <li><b>job</b>: the embed stage as {@code MStreamPipeline} builds it — texts keyed by id into
 *       {@link MicroBatchEmbedOperator} with the job's model, embedder options, batch size and
 *       delay — into a discarding sink;
 *   <li><b>sql</b>: the same texts as a table, {@code INSERT INTO} a blackhole table {@code SELECT
 *       … FROM ML_PREDICT(…)} with a model of the same profile and the job's defaults, the async
 *       operator allowed {@code --concurrency} rows in flight;
 *   <li><b>bare</b>: no Flink at all — {@code --parallelism} plain threads, each with the job's
 *       model, embedding its share of the texts in batches of the job's batch size (what a user
 *       would write against ONNX Runtime through our {@code OnnxEmbeddingModel}).
 * </ul>
 *
 * Both run at {@code --parallelism} (the SQL input is rebalanced to it) and open their models with
 * the same intra-op threads (cores / parallelism). Reported per mode: median texts per wall second,
 * per CPU second of the whole process and per CPU second of the threads that embed; and the ratios
 * sql / job, sql / bare, job / bare. Rounds rotate the order of the three modes.
 *
 * <pre>
 * benchmarks/run.sh MlPredictThroughput --corpus ../shared/datasets/scifact --docs 600
 * benchmarks/run.sh MlPredictThroughput --wordnet --docs 3000
 * </pre>
 */
public final class MlPredictThroughput {

  /** The (digit-folded) names of the threads the last run counted as embedding threads. */
  private static java.util.Set<String> lastCounted = java.util.Set.of();

  private static final OperatingSystemMXBean OS =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  /** Texts of the runs that measure the fixed cost of a run. */
  private static final int FEW = 20;

  private MlPredictThroughput() {}

  public static void main(String[] args) throws Exception {
    Bench.checkArgs(
        "MlPredictThroughput",
        args,
        "--corpus=VALUE",
        "--wordnet",
        "--docs=N",
        "--model=VALUE",
        "--parallelism=N",
        "--rounds=N",
        "--concurrency=N");
    int docs = Bench.intArg(args, "--docs", 600);
    String model = Bench.arg(args, "--model");
    int parallelism = Bench.intArg(args, "--parallelism", 2);
    int rounds = Bench.intArg(args, "--rounds", 3);
    int concurrency = Bench.intArg(args, "--concurrency", 1024);
    List<String> texts = texts(args, docs);
    Configuration job = new Configuration();
    if (model != null) {
      job.set(MStreamOptions.MODEL, model);
    }

    MiniClusterWithClientResource cluster =
        new MiniClusterWithClientResource(
            new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(parallelism)
                .build());
    cluster.before();
    try {
      System.out.println(Bench.machine());
      System.out.printf(
          "%d texts (%s), model %s, parallelism %d, %d rounds, ML_PREDICT concurrency %d%n",
          texts.size(),
          Bench.flag(args, "--wordnet") ? "WordNet glosses" : Bench.arg(args, "--corpus"),
          job.get(MStreamOptions.MODEL),
          parallelism,
          rounds,
          concurrency);
      identity(MStreamPipeline.models(job, parallelism));
      // warm-up: JIT, class loading, model files in the page cache
      List<String> warm = texts.subList(0, Math.min(100, texts.size()));
      runJob(warm, job, parallelism);
      runSql(warm, job, parallelism, concurrency);
      runBare(warm, job, parallelism);

      String[] modes = {"job", "sql", "bare"};
      Map<String, List<double[]>> runs = new HashMap<>();
      for (String m : modes) {
        runs.put(m, new ArrayList<>());
      }
      for (int r = 0; r < rounds; r++) {
        // rotate the order each round (job sql bare, sql bare job, ...), so no mode always
        // follows the same one
        StringBuilder line = new StringBuilder("round " + (r + 1) + ":");
        for (int i = 0; i < modes.length; i++) {
          String m = modes[(i + r) % modes.length];
          double[] t = timed(() -> run(m, texts, job, parallelism, concurrency));
          runs.get(m).add(t);
          line.append(
              String.format(
                  " %s %.1f s (%.1f CPU-s, embedding threads %.1f);", m, t[0], t[1], t[2]));
        }
        System.out.println(line);
      }
      System.out.println("embedding threads of the last run: " + lastCounted);

      // The fixed cost of a run (job graph, planning and code generation of the SQL statement,
      // opening the models): the same modes over a few texts, interleaved as above. Subtracted
      // from a full run, it leaves what each further text costs: the rate of a long-running job.
      List<String> few = texts.subList(0, Math.min(FEW, texts.size()));
      Map<String, List<double[]>> fixed = new HashMap<>();
      for (String m : modes) {
        fixed.put(m, new ArrayList<>());
      }
      for (int r = 0; r < rounds; r++) {
        for (int i = 0; i < modes.length; i++) {
          String m = modes[(i + r) % modes.length];
          fixed.get(m).add(timed(() -> run(m, few, job, parallelism, concurrency)));
        }
      }
      System.out.println();
      System.out.println(
          "| mode | texts/s (wall) | texts per process CPU-second | texts per CPU-second of the"
              + " embedding threads | fixed cost per run (CPU-s, "
              + few.size()
              + " texts) | texts per process CPU-second beyond the fixed cost |");
      System.out.println("|---|---|---|---|---|---|");
      Map<String, double[]> rate = new HashMap<>();
      String[] labels = {
        "job embed operator", "ML_PREDICT (mstream provider)", "bare ONNX Runtime loop"
      };
      for (int i = 0; i < modes.length; i++) {
        List<double[]> m = runs.get(modes[i]);
        double fixedCpu = median(fixed.get(modes[i]), 1);
        double[] v = {
          texts.size() / median(m, 0),
          texts.size() / median(m, 1),
          texts.size() / median(m, 2),
          (texts.size() - few.size()) / (median(m, 1) - fixedCpu)
        };
        rate.put(modes[i], v);
        System.out.printf(
            "| %s | %.1f | %.1f | %.1f | %.2f | %.1f |%n",
            labels[i], v[0], v[1], v[2], fixedCpu, v[3]);
      }
      for (String[] pair : new String[][] {{"sql", "job"}, {"sql", "bare"}, {"job", "bare"}}) {
        double[] a = rate.get(pair[0]);
        double[] b = rate.get(pair[1]);
        System.out.printf(
            "ratio %s/%s (medians): wall %.3f, process CPU %.3f, embedding threads' CPU %.3f,"
                + " process CPU beyond the fixed cost %.3f%n",
            pair[0], pair[1], a[0] / b[0], a[1] / b[1], a[2] / b[2], a[3] / b[3]);
      }
      System.out.printf("load average now %.1f%n", OS.getSystemLoadAverage());
    } finally {
      cluster.after();
    }
  }

  private static List<String> texts(String[] args, int docs) throws Exception {
    List<String> out = new ArrayList<>();
    if (Bench.flag(args, "--wordnet")) {
      for (String t : WordNetTexts.read(WordNetTexts.DEFAULT_DIR)) {
        if (out.size() == docs) {
          break;
        }
        out.add(t);
      }
    } else {
      String dir = Bench.arg(args, "--corpus");
      if (dir == null) {
        throw new IllegalArgumentException("give --corpus DIR (a BEIR folder) or --wordnet");
      }
      for (Document d : BeirDataset.load(Path.of(dir), "test").corpus()) {
        if (out.size() == docs) {
          break;
        }
        // title and text joined as the job's decoder joins them
        out.add(
            DocumentChange.upsert(d.getId(), "default", d.getTitle(), d.getText(), Map.of(), 0)
                .text);
      }
    }
    return out;
  }

  private static void run(
      String mode, List<String> texts, Configuration job, int parallelism, int concurrency)
      throws Exception {
    switch (mode) {
      case "job" -> runJob(texts, job, parallelism);
      case "sql" -> runSql(texts, job, parallelism, concurrency);
      default -> runBare(texts, job, parallelism);
    }
  }

  /** Model identities by profile, learnt once (it opens a model): not part of any timed run. */
  private static final Map<String, ModelIdentity> IDENTITIES = new ConcurrentHashMap<>();

  private static ModelIdentity identity(OnnxEmbeddingModelFactory models) {
    return IDENTITIES.computeIfAbsent(
        models.profile().name(), name -> MStreamPipeline.identity(models));
  }

  /** The job's embed stage over the texts. */
  private static void runJob(List<String> texts, Configuration job, int parallelism)
      throws Exception {
    OnnxEmbeddingModelFactory models = MStreamPipeline.models(job, parallelism);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(parallelism);
    List<DocumentChange> changes = new ArrayList<>(texts.size());
    for (int i = 0; i < texts.size(); i++) {
      changes.add(DocumentChange.upsert("d" + i, "default", texts.get(i), Map.of(), 0));
    }
    env.fromData(changes)
        .keyBy(c -> c.id)
        .transform(
            "embed-documents",
            TypeInformation.of(DocumentChange.class),
            MStreamPipeline.documentEmbedder(job, models, identity(models)))
        .sinkTo(new DiscardingSink<>());
    env.execute("job embed");
  }

  /** ML_PREDICT over the same texts into a blackhole table. */
  private static void runSql(
      List<String> texts, Configuration job, int parallelism, int concurrency) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(parallelism);
    StreamTableEnvironment sql = StreamTableEnvironment.create(env);
    List<Row> rows = new ArrayList<>(texts.size());
    for (int i = 0; i < texts.size(); i++) {
      rows.add(Row.of("d" + i, texts.get(i)));
    }
    TypeInformation<Row> type =
        Types.ROW_NAMED(new String[] {"id", "text"}, Types.STRING, Types.STRING);
    // fromData is one source task; rebalanced, ML_PREDICT runs at the job's parallelism
    DataStream<Row> input = env.fromData(rows).returns(type).rebalance().map(r -> r).returns(type);
    sql.createTemporaryView("texts", sql.fromDataStream(input));
    sql.executeSql(
        "CREATE TEMPORARY MODEL embedder INPUT (text STRING) OUTPUT (embedding ARRAY<FLOAT>) WITH"
            + " ('provider' = 'mstream', 'model' = '"
            + job.get(MStreamOptions.MODEL)
            + "')");
    sql.executeSql(
        "CREATE TEMPORARY TABLE sink (id STRING, embedding ARRAY<FLOAT>) WITH ('connector' ="
            + " 'blackhole')");
    sql.executeSql(
            "INSERT INTO sink SELECT id, embedding FROM ML_PREDICT(TABLE texts, MODEL embedder,"
                + " DESCRIPTOR(text), MAP['max-concurrent-operations', '"
                + concurrency
                + "'])")
        .await();
  }

  /**
   * What a user without Flink would write: {@code parallelism} threads, each opening the job's
   * model ({@link OnnxEmbeddingModelFactory#create}, the same intra-op threads) and embedding its
   * share of the texts in batches of {@code mstream.embed.batch-size}. No Flink, no queues: the
   * floor of what embedding these texts costs.
   */
  private static void runBare(List<String> texts, Configuration job, int parallelism)
      throws Exception {
    OnnxEmbeddingModelFactory models = MStreamPipeline.models(job, parallelism);
    int batch = job.get(MStreamOptions.BATCH_SIZE);
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int t = 0; t < parallelism; t++) {
      List<String> share = new ArrayList<>();
      for (int i = t; i < texts.size(); i += parallelism) {
        share.add(texts.get(i));
      }
      Thread thread =
          new Thread(
              () -> {
                try (EmbeddingModel model = models.create()) {
                  for (int i = 0; i < share.size(); i += batch) {
                    model.embed(
                        share.subList(i, Math.min(share.size(), i + batch)), TextRole.DOCUMENT);
                  }
                } catch (Throwable e) {
                  failures.add(e);
                }
              },
              "bare-embed-" + t);
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException("bare embedding failed", failures.get(0));
    }
  }

  private interface Run {
    void run() throws Exception;
  }

  /**
   * Wall seconds, process CPU seconds, and CPU seconds of the threads that embed (the task threads
   * of the embed operator or of ML_PREDICT, and ML_PREDICT's worker threads) of one run. Task
   * threads end with their job, so their CPU time is sampled while they run.
   */
  private static double[] timed(Run run) throws Exception {
    ThreadSampler sampler = new ThreadSampler();
    long cpu = OS.getProcessCpuTime();
    long start = System.nanoTime();
    sampler.start();
    try {
      run.run();
    } finally {
      sampler.stop();
    }
    return new double[] {
      (System.nanoTime() - start) / 1e9,
      (OS.getProcessCpuTime() - cpu) / 1e9,
      sampler.cpuSeconds(MlPredictThroughput::embeds)
    };
  }

  /** Threads that do the embedding work, by Flink's task names and the provider's worker name. */
  private static boolean embeds(String thread) {
    return thread.contains("embed-documents")
        || thread.contains("MLPredict")
        || thread.contains("ML_PREDICT")
        || thread.startsWith("mstream-embed-")
        || thread.startsWith("bare-embed-");
  }

  /** CPU time per thread, sampled every 20 ms while a run lasts (ONNX runs on these threads). */
  private static final class ThreadSampler {
    private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    private final Map<Long, Long> cpu = new ConcurrentHashMap<>();
    private final Map<Long, String> names = new ConcurrentHashMap<>();
    private final Map<Long, Long> before = new HashMap<>();
    private final Thread thread = new Thread(this::loop, "cpu-sampler");
    private volatile boolean running = true;

    void start() {
      for (long id : mx.getAllThreadIds()) {
        before.put(id, Math.max(0, mx.getThreadCpuTime(id)));
      }
      thread.setDaemon(true);
      thread.start();
    }

    private void loop() {
      while (running) {
        sample();
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    private void sample() {
      for (ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
        if (info == null) {
          continue;
        }
        long t = mx.getThreadCpuTime(info.getThreadId());
        if (t > 0) {
          cpu.merge(info.getThreadId(), t, Math::max);
          names.put(info.getThreadId(), info.getThreadName());
        }
      }
    }

    void stop() throws InterruptedException {
      running = false;
      thread.join();
      sample();
    }

    double cpuSeconds(Predicate<String> which) {
      long sum = 0;
      java.util.Set<String> counted = new java.util.TreeSet<>();
      for (Map.Entry<Long, Long> e : cpu.entrySet()) {
        String name = names.get(e.getKey());
        if (which.test(name)) {
          sum += e.getValue() - before.getOrDefault(e.getKey(), 0L);
          counted.add(name.replaceAll("\\d+", "N"));
        }
      }
      lastCounted = counted;
      return sum / 1e9;
    }
  }

  private static double median(List<double[]> runs, int which) {
    double[] v = runs.stream().mapToDouble(r -> r[which]).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
