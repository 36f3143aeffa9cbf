package dev.mstream.jobs.cli;

import dev.mstream.embed.ModelProfile;
import dev.mstream.embed.ModelProfiles;
import dev.mstream.jobs.bench.MigrationSimulation;
import dev.mstream.jobs.bench.MigrationSimulation.Score;
import dev.mstream.jobs.bench.MigrationSimulation.Step;
import dev.mstream.jobs.eval.BeirDataset;
import dev.mstream.jobs.eval.Progress;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "bench-migration",
    mixinStandardHelpOptions = true,
    description = {
      "A model migration simulated offline on a BEIR dataset: every document and test query"
          + " embedded with both models (cached), documents moved to the new model in a random"
          + " order, and at each step every query answered by exact search with each strategy"
          + " (cut-over at the end, or the union of both spaces: raw scores, per-query score"
          + " calibration, an orthogonal Procrustes or least-squares map fitted on the documents"
          + " already re-embedded). Prints nDCG@10 and recall@100 per step and strategy."
    })
final class BenchMigrationCommand implements Callable<Integer> {

  @Option(names = "--dataset", required = true, paramLabel = "DIR", description = "BEIR folder.")
  Path dataset;

  @Option(names = "--from", defaultValue = "all-minilm-l6-v2-q", description = "Model A.")
  String from;

  @Option(names = "--to", defaultValue = "bge-small-en-v1.5-q", description = "Model B.")
  String to;

  @Option(
      names = "--steps",
      split = ",",
      defaultValue = "0,0.25,0.5,0.75,1",
      description = "Fractions of the documents re-embedded (default: ${DEFAULT-VALUE}).")
  List<Double> steps;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of the migration order.")
  long seed;

  @Option(
      names = "--cache",
      paramLabel = "DIR",
      description = "Where embeddings are cached (default: ~/.cache/mstream-bench).")
  Path cache;

  @Override
  public Integer call() throws Exception {
    ModelProfile a = ModelProfiles.resolve(from);
    ModelProfile b = ModelProfiles.resolve(to);
    BeirDataset data = BeirDataset.load(dataset, "test");
    Path dir =
        cache != null ? cache : Path.of(System.getProperty("user.home"), ".cache", "mstream-bench");
    System.out.printf(
        "bench-migration %s: %d documents, %d test queries, %s -> %s, order seed %d%n",
        dataset, data.corpus().size(), data.qrels().size(), a.name(), b.name(), seed);
    List<Step> result;
    try {
      result = MigrationSimulation.run(data, a, b, steps, seed, dir, Progress.bars(System.err));
    } catch (Exception e) {
      System.err.println("bench-migration failed: " + MStreamCli.oneLine(e));
      return 2;
    }
    System.out.printf(Locale.ROOT, "%-26s", "nDCG@10 (recall@100)");
    for (Step s : result) {
      System.out.printf(Locale.ROOT, " %15s", Math.round(100 * s.fraction()) + "% moved");
    }
    System.out.println();
    for (String strategy : result.get(0).strategies().keySet()) {
      System.out.printf(Locale.ROOT, "%-26s", strategy);
      for (Step s : result) {
        Score score = s.strategies().get(strategy);
        System.out.printf(Locale.ROOT, " %6.4f (%6.4f)", score.ndcg10(), score.recall100());
      }
      System.out.println();
    }
    return 0;
  }
}
