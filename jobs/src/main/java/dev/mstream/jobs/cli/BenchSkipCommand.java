package dev.mstream.jobs.cli;

import dev.mstream.jobs.MStreamOptions;
import dev.mstream.jobs.bench.SkipUnchangedBenchmark;
import dev.mstream.jobs.bench.SkipUnchangedBenchmark.Phase;
import dev.mstream.jobs.client.CorpusReader;
import dev.mstream.jobs.eval.Progress;
import dev.mstream.schemas.Document;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "bench-skip",
    mixinStandardHelpOptions = true,
    description = {
      "What re-publishing costs, in one process and one run on the embedded default: index the"
          + " corpus, publish it again unchanged, then again with one attribute added. Prints each"
          + " phase's wall and CPU time and the job's textsEmbedded / embeddingsSkipped, and the"
          + " CPU of each re-publish as a share of the first indexing's."
    })
final class BenchSkipCommand implements Callable<Integer> {

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
      description = "Parallelism of the job (default: ${DEFAULT-VALUE}).")
  int parallelism;

  @Option(
      names = "-D",
      paramLabel = "mstream.key=value",
      description =
          "Any job option, e.g. -D mstream.embed.skip-unchanged=false to see the cost without"
              + " skipping.")
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
    Configuration conf = Configuration.fromMap(settings);
    if (model != null) {
      conf.set(MStreamOptions.MODEL, model);
    }
    System.out.printf(
        "bench-skip %s: %d documents, model %s, parallelism %d, %d cores, skip-unchanged %s%n",
        file,
        docs.size(),
        conf.get(MStreamOptions.MODEL),
        parallelism,
        Runtime.getRuntime().availableProcessors(),
        conf.get(MStreamOptions.SKIP_UNCHANGED));
    System.out.flush();
    SkipUnchangedBenchmark.Result result;
    try {
      result = SkipUnchangedBenchmark.run(docs, conf, parallelism, Progress.bars(System.err));
    } catch (Exception e) {
      System.err.println("bench-skip failed: " + MStreamCli.oneLine(e));
      return 2;
    }
    List<Phase> phases = result.phases();
    Phase first = phases.get(0);
    for (Phase p : phases) {
      System.out.printf(
          Locale.ROOT,
          "%-10s %6d docs in %6.1f s wall; CPU %7.1f s (embed task threads %7.1f s);"
              + " textsEmbedded %6d, embeddingsSkipped %6d; CPU / first indexing's: %.4f"
              + " (of its embed threads': %.4f)%n",
          p.name(),
          p.documents(),
          p.seconds(),
          p.cpuSeconds(),
          p.embedThreadCpuSeconds(),
          p.embedded(),
          p.skipped(),
          p.cpuSeconds() / first.cpuSeconds(),
          p.cpuSeconds() / first.embedThreadCpuSeconds());
    }
    SkipUnchangedBenchmark.Reread r = result.reread();
    System.out.printf(
        Locale.ROOT,
        "re-read    %6d records (%.1f MB) of the documents topic from the start, decoded, in %.1f s"
            + " wall, CPU %.1f s: %.0f records/s; CPU / first indexing's: %.4f%n",
        r.records(),
        r.bytes() / 1e6,
        r.seconds(),
        r.cpuSeconds(),
        r.records() / r.seconds(),
        r.cpuSeconds() / first.cpuSeconds());
    return 0;
  }
}
