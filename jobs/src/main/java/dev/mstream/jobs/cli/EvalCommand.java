package dev.mstream.jobs.cli;

import dev.mstream.jobs.MStreamOptions;
import dev.mstream.jobs.eval.BeirDataset;
import dev.mstream.jobs.eval.BeirEvaluation;
import dev.mstream.jobs.eval.Progress;
import dev.mstream.schemas.ChunkAggregation;
import dev.mstream.schemas.ResultStatus;
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
    name = "eval",
    mixinStandardHelpOptions = true,
    description = {
      "Measure retrieval quality on a BEIR dataset folder (corpus.jsonl, queries.jsonl,"
          + " qrels/test.tsv) through the real pipeline: starts the embedded default (Kafka,"
          + " MiniCluster, the job), publishes the corpus, waits until it is indexed, sends the"
          + " judged queries and scores the results.",
      "Prints nDCG@10, recall@10, recall@100 and MRR@10 (BEIR definitions); the last line is"
          + " ndcg@10=<value>."
    })
final class EvalCommand implements Callable<Integer> {

  @Option(
      names = "--dataset",
      required = true,
      paramLabel = "DIR",
      description = "BEIR dataset folder, e.g. ../shared/datasets/scifact.")
  Path dataset;

  @Option(
      names = "--split",
      defaultValue = "test",
      description = "qrels file to score against (default: ${DEFAULT-VALUE}).")
  String split;

  @Option(
      names = "--model",
      description =
          "Model profile (mstream.model): a built-in name or a profile file (default:"
              + " all-minilm-l6-v2-q).")
  String model;

  @Option(
      names = "--dims",
      split = ",",
      paramLabel = "D[,D...]",
      description =
          "Prefix dimensions for the shortlist (Query.dims); the model's full dimension (384)"
              + " searches exactly. Several, e.g. 16,32,64,128,384, index the corpus once and"
              + " score the queries once per value (a table; the last line then belongs to the"
              + " last value); 0 stands for the index's default. Default: the index's default (and"
              + " its load-adaptive policy).")
  List<Integer> dims;

  @Option(
      names = "--chunk-aggregation",
      split = ",",
      paramLabel = "MAX|SUM[,...]",
      description =
          "How documents are scored from their chunks (Query.chunk_aggregation); several run the"
              + " queries once per value on the same index. Default: the job's (MAX).")
  List<ChunkAggregation> aggregations;

  @Option(
      names = "--concat",
      paramLabel = "MIN-MAX",
      description =
          "Evaluate long documents built from the dataset: its documents shuffled and"
              + " concatenated in groups of MIN to MAX (titles and texts as paragraphs), each"
              + " judgment moved to the long document holding the judged one. Built in memory."
              + " E.g. 5-20.")
  String concat;

  @Option(
      names = "--concat-seed",
      defaultValue = "1",
      description = "Seed of the shuffle and group sizes for --concat (default: ${DEFAULT-VALUE}).")
  long concatSeed;

  @Option(
      names = "--candidates",
      description = "Shortlist size reranked on full vectors (Query.candidates).")
  Integer candidates;

  @Option(
      names = "--k",
      defaultValue = "100",
      description = "Hits requested per query (default: ${DEFAULT-VALUE}).")
  int k;

  @Option(
      names = "--max-in-flight",
      defaultValue = "16",
      paramLabel = "N",
      description =
          "Queries sent but not yet answered (default: ${DEFAULT-VALUE}); a steady pace keeps the"
              + " load-adaptive policy from shortening the prefix as it would under a burst.")
  int maxInFlight;

  @Option(
      names = "--limit-queries",
      paramLabel = "N",
      description = "Only the first N judged queries (qrels order).")
  Integer limitQueries;

  @Option(
      names = "--extra-docs",
      paramLabel = "N",
      description =
          "Index only the documents judged for the selected queries plus the first N other"
              + " corpus documents (default: the whole corpus).")
  Integer extraDocs;

  @Option(
      names = {"-p", "--parallelism"},
      defaultValue = "2",
      description = "Parallelism of the local job (default: ${DEFAULT-VALUE}).")
  int parallelism;

  @Option(
      names = "--keep-identical-ids",
      description = "Keep hits whose document id equals the query id (BEIR drops them by default).")
  boolean keepIdenticalIds;

  @Option(
      names = "-D",
      paramLabel = "mstream.key=value",
      description = "Any job option, e.g. -D mstream.embed.batch-invariant=false.")
  Map<String, String> settings = new LinkedHashMap<>();

  @Override
  public Integer call() throws Exception {
    BeirDataset data = BeirDataset.load(dataset, split);
    if (limitQueries != null || extraDocs != null) {
      data =
          data.slice(limitQueries == null ? -1 : limitQueries, extraDocs == null ? -1 : extraDocs);
    }
    if (concat != null) {
      String[] range = concat.split("-");
      if (range.length != 2) {
        System.err.println("eval: --concat takes MIN-MAX, e.g. 5-20; was " + concat);
        return 2;
      }
      data =
          data.concatenated(
              Integer.parseInt(range[0].trim()), Integer.parseInt(range[1].trim()), concatSeed);
    }
    List<Integer> sweepDims = new ArrayList<>();
    if (dims != null) {
      for (Integer d : dims) {
        sweepDims.add(d == 0 ? null : d);
      }
    }
    BeirEvaluation.Settings s =
        new BeirEvaluation.Settings()
            .options(Configuration.fromMap(settings))
            .model(model)
            .dimsSweep(dims == null ? Collections.singletonList(null) : sweepDims)
            .chunkAggregations(
                aggregations == null ? Collections.singletonList(null) : aggregations)
            .maxInFlight(maxInFlight)
            .candidates(candidates)
            .k(k)
            .parallelism(parallelism)
            .ignoreIdenticalIds(!keepIdenticalIds);
    String modelName = s.jobOptions().get(MStreamOptions.MODEL);
    System.out.printf(
        "eval %s: %d documents, %d queries, model %s, k %d, dims %s, candidates %s,"
            + " parallelism %d%n",
        data.name(),
        data.corpus().size(),
        data.queries().size(),
        modelName,
        k,
        dims == null ? "default" : dims,
        candidates == null ? "default" : candidates,
        parallelism);
    System.out.flush();

    List<BeirEvaluation.Result> sweep;
    try {
      sweep = BeirEvaluation.run(data, s, Progress.bars(System.err));
    } catch (Exception e) {
      System.err.println("eval failed: " + MStreamCli.oneLine(e));
      return 2;
    }

    BeirEvaluation.Result first = sweep.get(0);
    System.out.printf(
        Locale.ROOT,
        "indexed %d of %d documents in %.1f s (%.1f docs/s from first publish)%n",
        first.indexed(),
        first.documents(),
        first.indexSeconds(),
        first.indexedPerSecond());
    if (first.deadLetteredTotal() > 0) {
      System.out.printf(
          Locale.ROOT,
          "%d documents dead-lettered, not indexed (%s); scored on the indexed ones: %d judged"
              + " relevant among them count as misses%n",
          first.deadLetteredTotal(),
          first.deadLettered(),
          first.judgedDeadLettered());
    }
    boolean anyError = false;
    for (BeirEvaluation.Result r : sweep) {
      anyError |= r.statuses().getOrDefault(ResultStatus.ERROR, 0) > 0;
    }
    if (sweep.size() > 1) {
      printTable(sweep);
    }
    BeirEvaluation.Result r = sweep.get(sweep.size() - 1);
    System.out.printf(
        Locale.ROOT,
        "%d queries in %.1f s; results: %s; dims used %s; %d queries with relevant documents"
            + " evaluated%n",
        r.queries(),
        r.querySeconds(),
        r.statuses(),
        dimsUsed(r),
        r.metrics().queries());
    if (r.firstError() != null) {
      System.out.println("first ERROR result: " + r.firstError());
    }
    System.out.printf(Locale.ROOT, "nDCG@10    %.4f%n", r.metrics().ndcg(10));
    System.out.printf(Locale.ROOT, "recall@10  %.4f%n", r.metrics().recall(10));
    System.out.printf(Locale.ROOT, "recall@100 %.4f%n", r.metrics().recall(100));
    System.out.printf(Locale.ROOT, "MRR@10     %.4f%n", r.metrics().mrr(10));
    System.out.printf(Locale.ROOT, "ndcg@10=%.5f%n", r.ndcgAt10());
    System.out.flush();
    return anyError ? 1 : 0;
  }

  /**
   * Prints one row per run; with an exact run in the sweep (every document reranked on full
   * vectors: the largest dims used, asked for explicitly), each row also says its recall@10 against
   * that run's answers, i.e. what the index's shortcuts lose against exact search on this corpus.
   */
  private static void printTable(List<BeirEvaluation.Result> sweep) {
    BeirEvaluation.Result exact = null;
    int widest = sweep.stream().mapToInt(BeirEvaluation.Result::maxDimsUsed).max().orElse(0);
    for (BeirEvaluation.Result r : sweep) {
      if (r.requestedDims() != null && r.requestedDims() >= widest && r.minDimsUsed() == widest) {
        exact = r;
      }
    }
    System.out.println(
        "agg  dims  dims_used  nDCG@10  recall@10  recall@100  MRR@10  vs-exact@10  statuses");
    for (BeirEvaluation.Result r : sweep) {
      System.out.printf(
          Locale.ROOT,
          "%-4s %-5s %-10s %.4f   %.4f     %.4f      %.4f  %-11s  %s%n",
          r.aggregation() == null ? "-" : r.aggregation(),
          r.requestedDims() == null ? "-" : r.requestedDims(),
          dimsUsed(r),
          r.metrics().ndcg(10),
          r.metrics().recall(10),
          r.metrics().recall(100),
          r.metrics().mrr(10),
          exact == null ? "-" : String.format(Locale.ROOT, "%.4f", r.recallAgainst(exact, 10)),
          r.statuses());
    }
    if (exact != null) {
      System.out.printf(
          "vs-exact@10: recall@10 against the answers of the exact run (dims %s), over the %d"
              + " queries it answered completely (OK)%n",
          exact.requestedDims(), exact.rankings().size());
    }
  }

  private static String dimsUsed(BeirEvaluation.Result r) {
    return r.minDimsUsed() == r.maxDimsUsed()
        ? String.valueOf(r.maxDimsUsed())
        : r.minDimsUsed() + ".." + r.maxDimsUsed();
  }
}
