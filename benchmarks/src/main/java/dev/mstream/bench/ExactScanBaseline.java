package dev.mstream.bench;

import dev.mstream.index.NeighborQueue;

/**
 * Full-dimension exact scan: every query against every vector of a flat {@code float[]} with {@code
 * VectorUtil.dot}. The reference the funnel has to beat.
 *
 * <pre>
 * benchmarks/run.sh ExactScanBaseline [--queries 500] [--synthetic]
 * </pre>
 *
 * Modes: one thread; two threads with the queries split between them (throughput); two threads that
 * each scan half of the corpus for every query and merge (latency; what two index subtasks do).
 */
public final class ExactScanBaseline {

  private ExactScanBaseline() {}

  /** One measured mode. */
  public record Result(String mode, Bench.Rate rate, double recall) {
    public double qps() {
      return rate.wall();
    }

    public double cpuQps() {
      return rate.cpu();
    }
  }

  public static void main(String[] args) throws Exception {
    Bench.checkArgs("ExactScanBaseline", args, Bench.concat(BenchData.ARGS, "--queries=N"));
    BenchData data = BenchData.fromArgs(args);
    int nq =
        Math.min(data.queries().n(), Bench.intArg(args, "--queries", data.synthetic() ? 100 : 500));
    System.out.println(data.tag() + " " + Bench.machine());
    System.out.println(data.description());
    printTable(data.tag(), data.corpus(), data.queries(), data.truth(), nq);
  }

  /** Measures the three modes and prints them as one markdown table labelled {@code tag}. */
  static void printTable(
      String tag, BenchFiles.Vectors corpus, BenchFiles.Vectors queries, int[][] truth, int nq)
      throws Exception {
    Bench.Table table =
        new Bench.Table(
            tag
                + " exact scan, full "
                + corpus.dims()
                + " dims, "
                + String.format("%,d", corpus.n())
                + " vectors, "
                + nq
                + " queries, median of 3 passes",
            "data",
            "mode",
            "queries/s (wall)",
            "queries per CPU-second",
            "ms/query (latency, wall)",
            "recall@10");
    table.printHeader();
    for (Result r : measure(corpus, queries, truth, nq)) {
      double latency =
          r.mode().startsWith("2 threads, queries split") ? 2000 / r.qps() : 1000 / r.qps();
      table.row(
          tag,
          r.mode(),
          Bench.fmt(r.qps(), 1),
          Bench.fmt(r.cpuQps(), 1),
          Bench.fmt(latency, 2),
          Bench.fmt(r.recall(), 4));
    }
  }

  /** Measures the three modes over the first {@code nq} queries. */
  public static Result[] measure(
      BenchFiles.Vectors corpus, BenchFiles.Vectors queries, int[][] truth, int nq)
      throws Exception {
    int[][] found = new int[nq][];
    ThreadLocal<NeighborQueue> tops =
        ThreadLocal.withInitial(() -> new NeighborQueue(GroundTruth.K));
    ThreadLocal<float[]> scratch = ThreadLocal.withInitial(ExactSearch::newScratch);
    float[][] q = new float[nq][];
    for (int i = 0; i < nq; i++) {
      q[i] = queries.row(i);
    }
    Bench.QueryTask single =
        i -> {
          NeighborQueue top = tops.get();
          top.clear();
          ExactSearch.scan(corpus, q[i], 0, corpus.n(), top, scratch.get());
          found[i] = top.sortedSlots();
        };
    int warm = Math.max(5, nq / 10);
    Bench.Rate qps1 = Bench.rate(nq, 1, warm, 3, single);
    double r1 = GroundTruth.recall(java.util.Arrays.copyOf(truth, nq), found, GroundTruth.K);
    Bench.Rate qps2 = Bench.rate(nq, 2, warm, 3, single);

    int half = corpus.n() / 2;
    float[][] scratches = {ExactSearch.newScratch(), ExactSearch.newScratch()};
    try (TwoShards shards = new TwoShards()) {
      TwoShards.Shard halves =
          (i, shard, out) ->
              ExactSearch.scan(
                  corpus,
                  q[i],
                  shard == 0 ? 0 : half,
                  shard == 0 ? half : corpus.n(),
                  out,
                  scratches[shard]);
      Bench.QueryTask sharded = i -> found[i] = shards.search(i, halves);
      Bench.Rate qpsSharded = Bench.rate(nq, 1, warm, 3, sharded, shards.helperCpu());
      double rs = GroundTruth.recall(java.util.Arrays.copyOf(truth, nq), found, GroundTruth.K);
      return new Result[] {
        new Result("1 thread", qps1, r1),
        new Result("2 threads, queries split between them", qps2, r1),
        new Result("2 threads, corpus split in halves per query", qpsSharded, rs)
      };
    }
  }
}
