package dev.mstream.jobs.cli;

import dev.mstream.embed.EmbedderOptions;
import dev.mstream.embed.ModelProfile;
import dev.mstream.embed.ModelProfiles;
import dev.mstream.embed.OnnxEmbeddingModel;
import dev.mstream.embed.TextRole;
import dev.mstream.jobs.eval.StsBenchmark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "sts",
    mixinStandardHelpOptions = true,
    description = {
      "STS Benchmark: Spearman correlation of the cosine similarity of sentence pairs with their"
          + " gold score (sts-test.csv: tab-separated, score in column 5, sentences in 6 and 7).",
      "Runs the embedder directly (no Kafka, no Flink); the last line is spearman=<value>."
    })
final class StsCommand implements Callable<Integer> {

  @Option(
      names = "--file",
      required = true,
      paramLabel = "FILE",
      description = "e.g. ../shared/datasets/stsb/sts-test.csv (or the folder holding it).")
  Path file;

  @Option(
      names = "--model",
      defaultValue = ModelProfiles.DEFAULT,
      description = "Model profile: built-in name or profile file (default: ${DEFAULT-VALUE}).")
  String model;

  @Option(
      names = "--role",
      description =
          "Prefix the sentences get: document (default) or query; e5 models' cards ask for"
              + " 'query: ' on symmetric tasks, so e5 profiles default to query.")
  TextRole role;

  @Option(
      names = "--threads",
      defaultValue = "0",
      description = "ONNX Runtime intra-op threads (default: all cores).")
  int threads;

  @Override
  public Integer call() throws Exception {
    Path csv = Files.isDirectory(file) ? file.resolve("sts-test.csv") : file;
    List<StsBenchmark.Pair> pairs = StsBenchmark.readPairs(csv);
    ModelProfile profile;
    try {
      profile = ModelProfiles.resolve(model);
    } catch (IllegalArgumentException e) {
      System.err.println("sts failed: " + e.getMessage());
      return 2;
    }
    TextRole r =
        role != null ? role : profile.name().startsWith("e5-") ? TextRole.QUERY : TextRole.DOCUMENT;
    EmbedderOptions options = EmbedderOptions.defaults();
    if (threads > 0) {
      options = options.withIntraOpThreads(threads);
    }
    StsBenchmark.Result result;
    try (OnnxEmbeddingModel m = OnnxEmbeddingModel.open(profile, options)) {
      result = StsBenchmark.evaluate(m, pairs, r);
    }
    System.out.printf(
        Locale.ROOT,
        "sts %s: model %s, role %s, %d pairs (%d distinct sentences) in %.1f s%n",
        csv,
        profile.name(),
        r.name().toLowerCase(Locale.ROOT),
        result.pairs(),
        result.sentences(),
        result.seconds());
    System.out.printf(Locale.ROOT, "pearson=%.5f%n", result.pearson());
    System.out.printf(Locale.ROOT, "spearman=%.5f%n", result.spearman());
    return 0;
  }
}
