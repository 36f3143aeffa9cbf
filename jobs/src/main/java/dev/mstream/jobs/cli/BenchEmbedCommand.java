package dev.mstream.jobs.cli;

import dev.mstream.jobs.MStreamOptions;
import dev.mstream.jobs.bench.ChunkingThroughputBenchmark;
import dev.mstream.jobs.bench.EmbedThroughputBenchmark;
import dev.mstream.jobs.client.CorpusReader;
import dev.mstream.jobs.eval.BeirDataset;
import dev.mstream.jobs.eval.Progress;
import dev.mstream.schemas.Document;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "bench-embed",
    mixinStandardHelpOptions = true,
    description = {
      "Embedding throughput, in one process and one run: (a) a bare ONNX Runtime loop over the"
          + " corpus texts (same model, threads and batch sizes as the job's embed subtasks), then"
          + " (b) the full job from Kafka to indexed state on the embedded default. Prints both"
          + " throughputs and their ratio; the last line is ratio=<job/bare>."
    })
final class BenchEmbedCommand implements Callable<Integer> {

  @Option(
      names = "--corpus",
      required = true,
      paramLabel = "FILE|DIR",
      description = "JSON Lines documents (BEIR corpus.jsonl, or its folder).")
  Path corpus;

  @Option(names = "--model", description = "Model profile (default: all-minilm-l6-v2-q).")
  String model;

  @Option(
      names = "--limit-docs",
      paramLabel = "N",
      description = "Only the first N documents of the corpus.")
  Integer limitDocs;

  @Option(
      names = {"-p", "--parallelism"},
      defaultValue = "2",
      description =
          "Embed subtasks in the job, model threads in the bare loop (default: ${DEFAULT-VALUE}).")
  int parallelism;

  @Option(
      names = "--warmup-docs",
      defaultValue = "0",
      paramLabel = "N",
      description =
          "Run the first N documents through both, untimed, before each clock starts (JIT, first"
              + " checkpoint, index set-up); default: ${DEFAULT-VALUE}, a cold start.")
  int warmupDocs;

  @Option(
      names = "--repeat",
      defaultValue = "1",
      paramLabel = "N",
      description =
          "Use the corpus N times over (copies get ids id#2, id#3, ...), for a longer run in"
              + " which the job's start-up costs (JIT compilation of Flink's and Kafka's code, the"
              + " first checkpoints, the projection fit) weigh less; default: ${DEFAULT-VALUE}.")
  int repeat;

  @Option(
      names = "--rounds",
      defaultValue = "1",
      description =
          "Repeat (bare loop, then job) this many times in this process and report the median"
              + " ratio, for machines whose background load drifts (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(
      names = "--chunking-ab",
      description =
          "Instead of the bare loop: run the job with chunking off and on, alternately (--rounds"
              + " times each), and compare tokens fed to the model per CPU second; the last line is"
              + " then ratio=<on/off>.")
  boolean chunkingAb;

  @Option(
      names = "--concat",
      paramLabel = "MIN-MAX",
      description =
          "Concatenate the corpus into long documents of MIN to MAX of its documents first"
              + " (seeded with --concat-seed), as eval --concat does.")
  String concat;

  @Option(
      names = "--concat-seed",
      defaultValue = "1",
      description = "Seed for --concat (default: ${DEFAULT-VALUE}).")
  long concatSeed;

  @Option(
      names = "-D",
      paramLabel = "mstream.key=value",
      description = "Any job option, e.g. -D mstream.embed.threads=1; applies to both runs.")
  Map<String, String> settings = new LinkedHashMap<>();

  @Override
  public Integer call() throws Exception {
    Path file = Files.isDirectory(corpus) ? corpus.resolve("corpus.jsonl") : corpus;
    List<Document> docs = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      new CorpusReader("default").read(in, docs::add);
    }
    if (limitDocs != null && limitDocs < docs.size()) {
      docs = new ArrayList<>(docs.subList(0, limitDocs));
    }
    if (concat != null) {
      String[] range = concat.split("-");
      docs =
          new ArrayList<>(
              BeirDataset.of(file.getFileName().toString(), docs)
                  .concatenated(
                      Integer.parseInt(range[0].trim()),
                      Integer.parseInt(range[1].trim()),
                      concatSeed)
                  .corpus());
    }
    if (repeat < 1) {
      System.err.println("bench-embed: --repeat must be >= 1, was " + repeat);
      return 2;
    }
    int originals = docs.size();
    for (int copy = 2; copy <= repeat; copy++) {
      for (int i = 0; i < originals; i++) {
        Document d = docs.get(i);
        docs.add(Document.newBuilder(d).setId(d.getId() + "#" + copy).build());
      }
    }
    Configuration conf = Configuration.fromMap(settings);
    if (model != null) {
      conf.set(MStreamOptions.MODEL, model);
    }
    System.out.printf(
        "bench-embed %s: %d documents (+%d untimed warm-up), model %s, parallelism %d, %d cores%n",
        file,
        docs.size(),
        Math.min(warmupDocs, docs.size()),
        conf.get(MStreamOptions.MODEL),
        parallelism,
        Runtime.getRuntime().availableProcessors());
    System.out.flush();
    if (chunkingAb) {
      return chunkingAb(docs, conf);
    }
    List<Double> ratios = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      EmbedThroughputBenchmark.Result r;
      try {
        r =
            EmbedThroughputBenchmark.run(
                docs, conf, parallelism, warmupDocs, Progress.bars(System.err));
      } catch (Exception e) {
        System.err.println("bench-embed failed: " + MStreamCli.oneLine(e));
        return 2;
      }
      String label = rounds > 1 ? "round " + round + ": " : "";
      if (round == 1) {
        System.out.printf(
            Locale.ROOT,
            "embedder per subtask: %s; texts per embed call: %d%n",
            r.embedder(),
            r.callSize());
      }
      System.out.printf(
          Locale.ROOT,
          "%sbare ONNX loop : %7.1f docs/s  (%d docs in %.1f s, %d models in parallel)%n",
          label,
          r.bareDocsPerSecond(),
          r.documents(),
          r.bareSeconds(),
          r.parallelism());
      System.out.printf(
          Locale.ROOT,
          "%sjob to indexed : %7.1f docs/s  (%d docs in %.1f s, first publish to index_size=%d)%n",
          label,
          r.jobDocsPerSecond(),
          r.documents(),
          r.jobSeconds(),
          r.documents());
      System.out.printf(
          Locale.ROOT,
          "%stokens: %d texts embedded for %d documents; %d tokens fed to the model (bare %.0f/s,"
              + " job %.0f/s); %d of %d text tokens indexed (job %.0f/s)%n",
          label,
          r.tokens().embeddedTexts(),
          r.documents(),
          r.tokens().modelTokens(),
          r.bareModelTokensPerSecond(),
          r.jobModelTokensPerSecond(),
          r.tokens().indexedTextTokens(),
          r.tokens().textTokens(),
          r.jobTextTokensPerSecond());
      System.out.printf(
          Locale.ROOT,
          "%sCPU seconds of this process: bare %.1f, job %.1f -> cpu-ratio %.3f (bare/job: the"
              + " job's efficiency per CPU second, whatever share of the machine it got)%n",
          label,
          r.bareCpuSeconds(),
          r.jobCpuSeconds(),
          r.cpuRatio());
      System.out.printf("%sjob CPU by thread group while the clock ran:%n", label);
      for (String line : r.jobCpuByThread()) {
        System.out.println("    " + line);
      }
      if (rounds > 1) {
        System.out.printf(Locale.ROOT, "%sratio %.3f%n", label, r.ratio());
      }
      System.out.flush();
      ratios.add(r.ratio());
    }
    Collections.sort(ratios);
    int n = ratios.size();
    double median =
        n % 2 == 1 ? ratios.get(n / 2) : (ratios.get(n / 2 - 1) + ratios.get(n / 2)) / 2;
    if (rounds > 1) {
      System.out.printf(Locale.ROOT, "ratios %s, median:%n", ratios);
    }
    System.out.printf(Locale.ROOT, "ratio=%.3f%n", median);
    return 0;
  }

  private int chunkingAb(List<Document> docs, Configuration conf) {
    List<ChunkingThroughputBenchmark.Run> runs;
    try {
      runs =
          ChunkingThroughputBenchmark.run(
              docs, conf, parallelism, rounds, Progress.bars(System.err));
    } catch (Exception e) {
      System.err.println("bench-embed failed: " + MStreamCli.oneLine(e));
      return 2;
    }
    System.out.println(
        "chunking  texts   model-tokens  indexed-text-tokens  wall-s  cpu-s   docs/s  model-tok/s"
            + "  model-tok/cpu-s  text-tok/s");
    List<Double> off = new ArrayList<>();
    List<Double> on = new ArrayList<>();
    for (ChunkingThroughputBenchmark.Run r : runs) {
      System.out.printf(
          Locale.ROOT,
          "%-8s  %6d  %12d  %19d  %6.1f  %5.1f  %7.1f  %11.0f  %15.0f  %10.0f%n",
          r.chunked() ? "on" : "off",
          r.tokens().embeddedTexts(),
          r.tokens().modelTokens(),
          r.tokens().indexedTextTokens(),
          r.seconds(),
          r.cpuSeconds(),
          docs.size() / r.seconds(),
          r.modelTokensPerSecond(),
          r.modelTokensPerCpuSecond(),
          r.textTokensPerSecond());
      (r.chunked() ? on : off).add(r.modelTokensPerCpuSecond());
    }
    double ratio = median(on) / median(off);
    System.out.printf(
        Locale.ROOT,
        "model tokens per CPU second, median: off %.0f, on %.0f%n",
        median(off),
        median(on));
    System.out.printf(Locale.ROOT, "ratio=%.3f%n", ratio);
    return 0;
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
