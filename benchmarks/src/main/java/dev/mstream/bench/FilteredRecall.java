package dev.mstream.bench;

import dev.mstream.index.IndexFit;
import dev.mstream.index.IndexSettings;
import dev.mstream.index.InvertedFileArena;
import dev.mstream.index.NeighborQueue;
import dev.mstream.index.PrefixIndex;
import dev.mstream.index.SearchPlan;
import dev.mstream.index.Shortlist;
import dev.mstream.index.vector.VectorUtil;
import java.util.HashMap;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;

/**
 * Recall@10 of the inverted file under a filter that keeps a small share of the namespace, against
 * the exact top 10 among the documents that match it: the case where graph indexes lose recall.
 * Every document gets the attribute {@code share<p>=yes} for each share {@code p} (in per mille)
 * that a hash of its row falls under, so the shares nest and are spread over every list. Queries
 * use the default first stage (the whole prefix), the given probes and candidates, and an exact
 * rerank on full vectors in memory, as {@link IvfBenchmark} does.
 *
 * <pre>
 * benchmarks/run.sh FilteredRecall --collection lexicon [--shares 10,100] [--probes 8,64]
 *     [--candidates 50] [--queries 1000] [--timing-queries 300]
 * </pre>
 */
public final class FilteredRecall {

  private FilteredRecall() {}

  public static void main(String[] args) throws Exception {
    Bench.checkArgs(
        "FilteredRecall",
        args,
        Bench.concat(
            BenchData.ARGS,
            "--shares=LIST",
            "--probes=LIST",
            "--candidates=N",
            "--queries=N",
            "--timing-queries=N"));
    BenchData data = BenchData.fromArgs(args);
    String tag = data.tag();
    BenchFiles.Vectors corpus = data.corpus();
    int n = corpus.n();
    int nq = Math.min(data.queries().n(), Bench.intArg(args, "--queries", 1000));
    int nt = Math.min(nq, Bench.intArg(args, "--timing-queries", 300));
    int[] shares = Bench.intList(args, "--shares", 10, 100);
    int candidates = Bench.intArg(args, "--candidates", 50);
    System.out.println(tag + " " + Bench.machine());
    System.out.println(data.description());

    IndexSettings settings = IndexSettings.builder("bench", corpus.dims()).build();
    IndexFit fit = IvfBenchmark.fit(tag, settings, corpus);
    InvertedFileArena ivf = new InvertedFileArena(fit, settings.exactBelow());
    int[] matching = new int[shares.length];
    try (ProgressBar pb = Progress.bar(tag + " IVF insert with attributes", n)) {
      for (int i = 0; i < n; i++) {
        Map<String, String> attributes = new HashMap<>();
        int bucket = bucket(i);
        for (int s = 0; s < shares.length; s++) {
          if (bucket < shares[s]) {
            attributes.put(key(shares[s]), "yes");
            matching[s]++;
          }
        }
        PrefixIndex.Encoded e = ivf.encode(corpus.row(i));
        ivf.putEncoded(
            IvfBenchmark.id(i), IvfBenchmark.NAMESPACE, attributes, e.code(), e.centroid());
        if ((i & 4095) == 4095) {
          pb.stepTo(i + 1);
        }
      }
    }
    float[][] q = new float[nq][];
    for (int i = 0; i < nq; i++) {
      q[i] = data.queries().row(i);
    }

    Bench.Table table =
        new Bench.Table(
            tag
                + " recall@10 under a filter, against the exact top 10 among the matching documents ("
                + String.format("%,d", n)
                + " docs, "
                + fit.centroids().count()
                + " lists, 192-dim first stage, "
                + candidates
                + " candidates, rerank in memory, 1 thread)",
            "data",
            "filter keeps",
            "matching docs",
            "probes",
            "recall@10",
            "answered exactly",
            "codes scored/query",
            "queries per CPU-s");
    table.printHeader();
    for (int s = 0; s < shares.length; s++) {
      Map<String, String> filter = Map.of(key(shares[s]), "yes");
      int[][] truth =
          exactAmongMatching(corpus, q, shares[s], tag + " exact top 10, " + key(shares[s]));
      for (int probes : Bench.intList(args, "--probes", 8, 64)) {
        SearchPlan plan =
            new SearchPlan(fit.projection().prefixDims(), probes, candidates * 4, candidates);
        int[][] found = new int[nq][];
        long[] exact = {0};
        long[] codes = {0};
        NeighborQueue top = new NeighborQueue(GroundTruth.K);
        Bench.QueryTask task =
            i -> {
              Shortlist sl = ivf.shortlist(IvfBenchmark.NAMESPACE, filter, q[i], plan);
              top.clear();
              IvfBenchmark.rerank(ivf, sl, corpus, q[i], top);
              found[i] = top.sortedSlots();
              exact[0] += sl.exact() ? 1 : 0;
              codes[0] += sl.scanned();
            };
        for (int i = 0; i < nq; i++) {
          task.run(i);
        }
        double recall = GroundTruth.recall(truth, found, GroundTruth.K);
        double exactShare = exact[0] / (double) nq;
        double codesPerQuery = codes[0] / (double) nq;
        Bench.Rate rate = Bench.rate(nt, 1, 0, 3, task);
        table.row(
            tag,
            Bench.fmt(shares[s] / 10.0, 1) + " %",
            String.format("%,d", matching[s]),
            probes,
            Bench.fmt(recall, 4),
            Bench.fmt(100 * exactShare, 0) + " %",
            Bench.fmt(codesPerQuery, 0),
            Bench.fmt(rate.cpu(), 0));
      }
    }
  }

  /** The exact top 10 of each query among the documents whose bucket is under {@code share}. */
  private static int[][] exactAmongMatching(
      BenchFiles.Vectors corpus, float[][] q, int share, String task) {
    int d = corpus.dims();
    float[] data = corpus.data();
    int[][] truth = new int[q.length][];
    try (ProgressBar pb = Progress.bar(task, q.length)) {
      for (int i = 0; i < q.length; i++) {
        NeighborQueue top = new NeighborQueue(GroundTruth.K);
        for (int r = 0; r < corpus.n(); r++) {
          if (bucket(r) < share) {
            top.offer(r, VectorUtil.dot(data, r * d, q[i], 0, d));
          }
        }
        truth[i] = top.sortedSlots();
        pb.step();
      }
    }
    return truth;
  }

  /** A row's place in 0..999, by a hash that spreads neighbouring rows (and lists) apart. */
  static int bucket(int row) {
    int h = row * 0x9E3779B1;
    h ^= h >>> 16;
    return Math.floorMod(h * 0x85EBCA6B ^ (h >>> 13), 1000);
  }

  private static String key(int share) {
    return "share" + share;
  }
}
