package dev.mstream.bench;

import dev.mstream.index.IndexFit;
import dev.mstream.index.IndexFitter;
import dev.mstream.index.IndexSettings;
import dev.mstream.index.InvertedFileArena;
import dev.mstream.index.NeighborQueue;
import dev.mstream.index.PrefixArena;
import dev.mstream.index.PrefixEncoding;
import dev.mstream.index.PrefixIndex;
import dev.mstream.index.SearchPlan;
import dev.mstream.index.Shortlist;
import dev.mstream.index.vector.VectorUtil;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;

/**
 * The inverted file of {@code dev.mstream.index} side by side with what a user would pick instead,
 * in one run, on the same cores, one query thread each: today's flat funnel ({@link PrefixArena},
 * INT8), the exact scan, and Lucene HNSW (M=16, beam 100). The index is fitted and filled exactly
 * as an index subtask does it ({@link IndexFitter}, then {@code encode} + {@code putEncoded} per
 * document), so the insert rate is the operator's.
 *
 * <pre>
 * benchmarks/run.sh IvfBenchmark [--collection lexicon|wordnet|gcide] [--synthetic --n N]
 *     [--queries 1000] [--timing-queries 500] [--dims 64,128] [--probes 1,2,4,8,16,32,64]
 *     [--candidates 10,20,30,50,100] [--centroid-dims 32] [--lists 0] [--encoding int4|int8]
 *     [--survivors 4,8] [--flat-dims 64,128] [--flat-candidates 50,100,200,400]
 *     [--lucene-fanouts 10,16,24,32,48,64,100] [--no-lucene] [--no-flat] [--rocksdb]
 * </pre>
 *
 * Recall@10 is measured on {@code --queries} held-back queries against exact ground truth; the cost
 * on the first {@code --timing-queries} (median of 3 passes after a warm-up), as queries per
 * CPU-second of the query thread (and per wall second). Reranks read full vectors from an in-memory
 * {@code float[]}; with {@code --rocksdb} the best settings are timed again with the rerank reading
 * a local RocksDB, as the operator's keyed state does.
 */
public final class IvfBenchmark {

  static final String NAMESPACE = "bench";

  private IvfBenchmark() {}

  /** One measured setting of one method. */
  record Point(
      String method,
      String setting,
      double recall,
      Bench.Rate rate,
      double codesPerQuery,
      double lookupsPerQuery,
      double[] stageShares) {}

  public static void main(String[] args) throws Exception {
    Bench.checkArgs(
        "IvfBenchmark",
        args,
        Bench.concat(
            BenchData.ARGS,
            "--queries=N",
            "--timing-queries=N",
            "--exact-queries=N",
            "--dims=LIST",
            "--probes=LIST",
            "--candidates=LIST",
            "--survivors=LIST",
            "--centroid-dims=N",
            "--lists=N",
            "--encoding=VALUE",
            "--packed-bits=LIST",
            "--prefix-dims=N",
            "--flat-dims=LIST",
            "--flat-candidates=LIST",
            "--lucene-fanouts=LIST",
            "--no-lucene",
            "--no-flat",
            "--rocksdb",
            "--rocksdb-cache-mb=N"));
    BenchData data = BenchData.fromArgs(args);
    String tag = data.tag();
    BenchFiles.Vectors corpus = data.corpus();
    int nq = Math.min(data.queries().n(), Bench.intArg(args, "--queries", 1000));
    int nt = Math.min(nq, Bench.intArg(args, "--timing-queries", 500));
    float[][] q = new float[nq][];
    for (int i = 0; i < nq; i++) {
      q[i] = data.queries().row(i);
    }
    int[][] truth = Arrays.copyOf(data.truth(), nq);
    int n = corpus.n();

    System.out.println(tag + " " + Bench.machine());
    System.out.println(data.description());

    // ---- the inverted file, fitted and filled as an index subtask does it
    IndexSettings settings =
        IndexSettings.builder("bench", corpus.dims())
            .centroidDims(Bench.intArg(args, "--centroid-dims", 64))
            .lists(Bench.intArg(args, "--lists", 0))
            .survivors(Bench.intList(args, "--survivors", 4)[0])
            .encoding(
                "int8".equalsIgnoreCase(Bench.arg(args, "--encoding"))
                    ? PrefixEncoding.INT8
                    : PrefixEncoding.PACKED)
            .packedBits(Bench.intList(args, "--packed-bits", 4, 2))
            .prefixDims(Bench.intArg(args, "--prefix-dims", -1))
            .build();
    IndexFit fit = fit(tag, settings, corpus);
    long t0;

    // Codes and lists as the prefix entries would persist them, for the rebuild measurement;
    // allocated before the heap baseline so they do not count as the index's.
    byte[] storedCodes = new byte[n * fit.codeBytes()];
    int[] storedLists = new int[n];
    long heapBefore = Bench.usedHeapAfterGc();
    InvertedFileArena ivf = new InvertedFileArena(fit, settings.exactBelow());
    long cpu0 = Bench.threadCpuNanos();
    t0 = System.nanoTime();
    try (ProgressBar pb = Progress.bar(tag + " IVF insert", n)) {
      for (int i = 0; i < n; i++) {
        PrefixIndex.Encoded e = ivf.encode(corpus.row(i));
        ivf.putEncoded(id(i), NAMESPACE, Map.of(), e.code(), e.centroid());
        System.arraycopy(e.code(), 0, storedCodes, i * e.code().length, e.code().length);
        storedLists[i] = e.centroid();
        if ((i & 4095) == 4095) {
          pb.stepTo(i + 1);
        }
      }
      pb.stepTo(n);
    }
    double insertCpuSecs = (Bench.threadCpuNanos() - cpu0) / 1e9;
    double insertWallSecs = (System.nanoTime() - t0) / 1e9;
    long heapAfter = Bench.usedHeapAfterGc();
    double ivfInserts = n / insertCpuSecs;
    System.out.printf(
        "%s IVF insert (projection, nearest of %d centroids, 4-bit code, list append): %,.0f"
            + " docs per CPU-s (%,.0f per wall s); %d non-empty lists, mean %.0f, max %d docs;"
            + " heap %.1f B/doc by heapBytes(), %.1f B/doc measured after GC%n",
        tag,
        fit.centroids().count(),
        ivfInserts,
        n / insertWallSecs,
        ivf.nonEmptyLists(),
        n / (double) ivf.nonEmptyLists(),
        ivf.maxListSize(),
        ivf.heapBytes() / (double) n,
        (heapAfter - heapBefore) / (double) n);
    ivf.heapParts()
        .forEach(
            (part, bytes) ->
                System.out.printf("%s   heap: %-48s %6.1f B/doc%n", tag, part, bytes / (double) n));

    List<Point> points = new ArrayList<>();
    Bench.Table sweep =
        new Bench.Table(
            tag
                + " inverted file: recall@10 and cost ("
                + String.format("%,d", n)
                + " docs, "
                + fit.centroids().count()
                + " lists on "
                + fit.centroids().dims()
                + " dims, "
                + fit.encoding()
                + " codes of "
                + fit.projection().prefixDims()
                + " dims; survivors x candidates rescored on the whole prefix; rerank in memory; "
                + nt
                + " timing queries, 1 thread)",
            "data",
            "dims",
            "probes",
            "candidates",
            "survivors",
            "recall@10",
            "queries per CPU-s",
            "queries/s (wall)",
            "CPU µs/query",
            "codes scored/query",
            "probe / scan / rescore / rerank share");
    sweep.printHeader();
    for (int dims : Bench.intList(args, "--dims", 64, fit.projection().prefixDims())) {
      for (int probes : Bench.intList(args, "--probes", 1, 2, 4, 8, 16, 32, 64)) {
        for (int c : Bench.intList(args, "--candidates", 10, 20, 30, 50, 100)) {
          int[] survivorSteps = Bench.intList(args, "--survivors", settings.survivors());
          for (int sv : survivorSteps) {
            if (sv != survivorSteps[0] && dims >= fit.projection().prefixDims()) {
              continue; // the first stage scores the whole prefix: nothing is rescored
            }
            SearchPlan plan = new SearchPlan(dims, probes, c * sv, c);
            Point p =
                measure(
                    "IVF",
                    dims + "/" + probes + "/" + c + "/" + sv,
                    ivf,
                    plan,
                    corpus,
                    q,
                    truth,
                    nt);
            points.add(p);
            sweep.row(
                tag,
                dims,
                probes,
                c,
                sv,
                Bench.fmt(p.recall(), 4),
                Bench.fmt(p.rate().cpu(), 0),
                Bench.fmt(p.rate().wall(), 0),
                Bench.fmt(1e6 / p.rate().cpu(), 0),
                Bench.fmt(p.codesPerQuery(), 0),
                shares(p.stageShares()));
          }
        }
      }
    }

    layouts(tag, fit, ivf, corpus, q, nt, settings);

    // ---- today's flat funnel (the FLAT layout, INT8 prefix of 128 dims)
    if (!Bench.flag(args, "--no-flat")) {
      PrefixArena flat = new PrefixArena(fit.projection(), PrefixEncoding.INT8, n);
      for (int i = 0; i < n; i++) {
        flat.put(id(i), NAMESPACE, Map.of(), corpus.row(i));
      }
      Bench.Table flatTable =
          new Bench.Table(
              tag
                  + " flat funnel (PrefixArena INT8, 128-dim prefix, same projection; every doc"
                  + " scored; rerank in memory)",
              "data",
              "dims",
              "candidates",
              "recall@10",
              "queries per CPU-s",
              "queries/s (wall)",
              "CPU µs/query");
      flatTable.printHeader();
      for (int dims : Bench.intList(args, "--flat-dims", 64, 128)) {
        for (int c : Bench.intList(args, "--flat-candidates", 50, 100, 200, 400)) {
          Point p =
              measure(
                  "flat funnel",
                  dims + "/" + c,
                  flat,
                  new SearchPlan(dims, 1, c, c),
                  corpus,
                  q,
                  truth,
                  Math.min(nt, 200));
          points.add(p);
          flatTable.row(
              tag,
              dims,
              c,
              Bench.fmt(p.recall(), 4),
              Bench.fmt(p.rate().cpu(), 0),
              Bench.fmt(p.rate().wall(), 0),
              Bench.fmt(1e6 / p.rate().cpu(), 0));
        }
      }
    }

    // ---- the exact scan
    int ne = Math.min(nt, Bench.intArg(args, "--exact-queries", 100));
    ExactScanBaseline.Result exact =
        ExactScanBaseline.measure(corpus, data.queries(), data.truth(), ne)[0];
    points.add(new Point("exact scan", "384 float dims", 1.0, exact.rate(), n, 0, new double[0]));
    System.out.printf(
        "%n%s exact scan (same run, %d queries, 1 thread): %.1f queries per CPU-s, %.1f/s wall%n",
        tag, ne, exact.cpuQps(), exact.qps());

    // ---- Lucene HNSW
    LuceneHnswIndex.Build luceneBuild = null;
    if (!Bench.flag(args, "--no-lucene")) {
      Path dir = Path.of("benchmarks", "target", "lucene-hnsw-" + tag.toLowerCase() + "-" + n);
      try (LuceneHnswIndex lucene =
          LuceneHnswIndex.openOrBuild(corpus, dir, tag + " HNSW insert")) {
        luceneBuild = lucene.build();
        Bench.Table lt =
            new Bench.Table(
                tag + " Lucene " + org.apache.lucene.util.Version.LATEST + " HNSW (M=16, beam 100)",
                "data",
                "numCandidates",
                "recall@10",
                "queries per CPU-s",
                "queries/s (wall)",
                "CPU µs/query");
        lt.printHeader();
        for (int fanout : Bench.intList(args, "--lucene-fanouts", 10, 16, 24, 32, 48, 64, 100)) {
          int[][] found = new int[nq][];
          Bench.QueryTask task = i -> found[i] = lucene.search(q[i], fanout);
          for (int i = 0; i < nq; i++) {
            task.run(i);
          }
          double recall = GroundTruth.recall(truth, found, GroundTruth.K);
          Bench.Rate rate = Bench.rate(nt, 1, 0, 3, task);
          points.add(new Point("Lucene HNSW", "" + fanout, recall, rate, 0, 0, new double[0]));
          lt.row(
              tag,
              fanout,
              Bench.fmt(recall, 4),
              Bench.fmt(rate.cpu(), 0),
              Bench.fmt(rate.wall(), 0),
              Bench.fmt(1e6 / rate.cpu(), 0));
        }
        System.out.printf(
            "%s Lucene HNSW build: %,.0f inserts per CPU-s of the indexing thread, %,.0f per wall"
                + " s (1 thread, %.0f s)%s%n",
            tag,
            luceneBuild.insertsPerCpuSecond(),
            luceneBuild.insertsPerSecond(),
            luceneBuild.seconds(),
            luceneBuild.reused()
                ? ", measured when it was built (" + luceneBuild.when() + ")"
                : "");
      }
    }

    // ---- side by side at recall@10 >= 0.95
    Bench.Table summary =
        new Bench.Table(
            tag + " side by side at recall@10 >= 0.95 (best setting of each method, 1 thread)",
            "data",
            "method",
            "setting",
            "recall@10",
            "queries per CPU-s",
            "vs Lucene HNSW",
            "vs flat funnel",
            "vs exact scan");
    summary.printHeader();
    Point bestIvf = best(points, "IVF");
    Point bestFlat = best(points, "flat funnel");
    Point bestLucene = best(points, "Lucene HNSW");
    for (Point p : new Point[] {bestIvf, bestFlat, bestLucene, best(points, "exact scan")}) {
      if (p == null) {
        continue;
      }
      summary.row(
          tag,
          p.method(),
          p.setting(),
          Bench.fmt(p.recall(), 4),
          Bench.fmt(p.rate().cpu(), 0),
          ratio(p, bestLucene),
          ratio(p, bestFlat),
          Bench.fmt(p.rate().cpu() / exact.cpuQps(), 1) + "x");
    }
    if (bestIvf != null) {
      System.out.printf(
          "%s IVF at %s: stage shares probe / scan / rescore / rerank = %s%n",
          tag, bestIvf.setting(), shares(bestIvf.stageShares()));
    }
    if (luceneBuild != null) {
      double lucenePerCpu =
          Double.isNaN(luceneBuild.insertsPerCpuSecond())
              ? luceneBuild.insertsPerSecond()
              : luceneBuild.insertsPerCpuSecond();
      System.out.printf(
          "%s inserts: IVF %,.0f docs per CPU-s vs Lucene HNSW %,.0f per CPU-s = %.0fx%n",
          tag, ivfInserts, lucenePerCpu, ivfInserts / lucenePerCpu);
    }
    if (Bench.flag(args, "--rocksdb") && bestIvf != null) {
      rocksRerank(tag, args, corpus, q, truth, nt, ivf, settings, bestIvf, points);
    }
    rebuild(tag, fit, settings, storedCodes, storedLists, n);
  }

  /**
   * List-major (the product: each list's codes contiguous) against slot-indirect (lists of rows,
   * codes in row order): the first stage's time per code scored, same probes, same kernel.
   */
  private static void layouts(
      String tag,
      IndexFit fit,
      InvertedFileArena ivf,
      BenchFiles.Vectors corpus,
      float[][] q,
      int nt,
      IndexSettings settings)
      throws Exception {
    if (fit.grid() == null) {
      return;
    }
    SlotIndirectScan indirect = new SlotIndirectScan(fit, corpus);
    int dims = fit.grid().segmentBits(0) == 4 ? 64 : 128;
    Bench.Table t =
        new Bench.Table(
            tag
                + " first-stage layout: ns per code scored on the first segment ("
                + dims
                + " dims), median of 3 passes over "
                + nt
                + " queries",
            "data",
            "probes",
            "list-major (blocks of 64 codes)",
            "slot-indirect (rows in insertion order)",
            "slot-indirect / list-major");
    t.printHeader();
    for (int probes : new int[] {8, 32}) {
      SearchPlan plan = new SearchPlan(dims, probes, 100, 100);
      double[] major = new double[3];
      double[] slot = new double[3];
      for (int r = 0; r < 3; r++) {
        long nanos = 0;
        long codes = 0;
        for (int i = 0; i < nt; i++) {
          Shortlist s = ivf.shortlist(NAMESPACE, Map.of(), q[i], plan);
          nanos += s.scanNanos();
          codes += s.scanned() - s.size();
        }
        major[r] = nanos / (double) codes;
        indirect.scanNanos = 0;
        long scanned = 0;
        for (int i = 0; i < nt; i++) {
          scanned += indirect.scan(q[i], dims, probes, 100);
        }
        slot[r] = indirect.scanNanos / (double) scanned;
      }
      Arrays.sort(major);
      Arrays.sort(slot);
      t.row(
          tag,
          probes,
          Bench.fmt(major[1], 2),
          Bench.fmt(slot[1], 2),
          Bench.fmt(slot[1] / major[1], 2) + "x");
    }
  }

  /** Best queries per CPU-s among the method's settings with recall >= 0.95. */
  static Point best(List<Point> points, String method) {
    Point best = null;
    for (Point p : points) {
      if (p.method().equals(method)
          && p.recall() >= 0.95
          && (best == null || p.rate().cpu() > best.rate().cpu())) {
        best = p;
      }
    }
    return best;
  }

  private static String ratio(Point p, Point base) {
    return base == null ? "-" : Bench.fmt(p.rate().cpu() / base.rate().cpu(), 2) + "x";
  }

  private static String shares(double[] s) {
    if (s.length == 0) {
      return "-";
    }
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length; i++) {
      b.append(i == 0 ? "" : " / ").append(Math.round(100 * s[i])).append('%');
    }
    return b.toString();
  }

  /** Recall on every query, then the cost on the first {@code nt}, with stage timings. */
  static Point measure(
      String method,
      String setting,
      PrefixIndex index,
      SearchPlan plan,
      BenchFiles.Vectors corpus,
      float[][] q,
      int[][] truth,
      int nt)
      throws Exception {
    int[][] found = new int[q.length][];
    long[] stages = new long[4];
    long[] codes = {0};
    long[] lookups = {0};
    NeighborQueue top = new NeighborQueue(GroundTruth.K);
    Bench.QueryTask task =
        i -> {
          Shortlist s = index.shortlist(NAMESPACE, Map.of(), q[i], plan);
          long r0 = System.nanoTime();
          top.clear();
          rerank(index, s, corpus, q[i], top);
          found[i] = top.sortedSlots();
          stages[0] += s.probeNanos();
          stages[1] += s.scanNanos();
          stages[2] += s.rescoreNanos();
          stages[3] += System.nanoTime() - r0;
          codes[0] += s.scanned();
          lookups[0] += s.size();
        };
    for (int i = 0; i < q.length; i++) {
      task.run(i);
    }
    double recall = GroundTruth.recall(truth, found, GroundTruth.K);
    Arrays.fill(stages, 0);
    codes[0] = 0;
    lookups[0] = 0;
    Bench.Rate rate = Bench.rate(nt, 1, 0, 3, task);
    double total = Arrays.stream(stages).sum();
    double[] shares = new double[4];
    for (int i = 0; i < 4; i++) {
      shares[i] = total == 0 ? 0 : stages[i] / total;
    }
    int passes = 3;
    return new Point(
        method,
        setting,
        recall,
        rate,
        codes[0] / (double) (passes * nt),
        lookups[0] / (double) (passes * nt),
        shares);
  }

  static void rerank(
      PrefixIndex index, Shortlist s, BenchFiles.Vectors corpus, float[] query, NeighborQueue top) {
    int d = corpus.dims();
    float[] data = corpus.data();
    for (int slot : s.slots()) {
      int r = row(index.idOf(slot));
      top.offer(r, VectorUtil.dot(data, r * d, query, 0, d));
    }
  }

  /** The best settings again, with the rerank reading each candidate from a local RocksDB. */
  private static void rocksRerank(
      String tag,
      String[] args,
      BenchFiles.Vectors corpus,
      float[][] q,
      int[][] truth,
      int nt,
      InvertedFileArena ivf,
      IndexSettings settings,
      Point bestIvf,
      List<Point> points)
      throws Exception {
    int cacheMb = Bench.intArg(args, "--rocksdb-cache-mb", 64);
    try (RocksDbVectors rocks =
        new RocksDbVectors(
            Path.of("benchmarks", "target", "rocksdb-vectors"),
            corpus,
            (long) cacheMb << 20,
            tag + " RocksDB load")) {
      Bench.Table t =
          new Bench.Table(
              tag
                  + " rerank from a local RocksDB ("
                  + cacheMb
                  + " MB block cache), the IVF settings with recall@10 >= 0.95, cheapest first",
              "data",
              "dims/probes/candidates/survivors",
              "recall@10",
              "queries per CPU-s (RocksDB rerank)",
              "queries per CPU-s (in-memory rerank)");
      t.printHeader();
      List<Point> good = new ArrayList<>();
      for (Point p : points) {
        if (p.method().equals("IVF") && p.recall() >= 0.95) {
          good.add(p);
        }
      }
      good.sort((a, b) -> Double.compare(b.rate().cpu(), a.rate().cpu()));
      float[] full = new float[corpus.dims()];
      for (Point p : good.subList(0, Math.min(4, good.size()))) {
        String[] s = p.setting().split("/");
        int c = Integer.parseInt(s[2]);
        SearchPlan plan =
            new SearchPlan(
                Integer.parseInt(s[0]), Integer.parseInt(s[1]), c * Integer.parseInt(s[3]), c);
        NeighborQueue top = new NeighborQueue(GroundTruth.K);
        Bench.QueryTask task =
            i -> {
              top.clear();
              Shortlist sl = ivf.shortlist(NAMESPACE, Map.of(), q[i], plan);
              for (int slot : sl.slots()) {
                String id = ivf.idOf(slot);
                if (rocks.read(id, full)) {
                  top.offer(row(id), VectorUtil.dot(full, q[i]));
                }
              }
            };
        Bench.Rate rate = Bench.rate(nt, 1, nt, 3, task);
        t.row(
            tag,
            p.setting(),
            Bench.fmt(p.recall(), 4),
            Bench.fmt(rate.cpu(), 0),
            Bench.fmt(p.rate().cpu(), 0));
      }
    }
  }

  /**
   * A restore's in-memory part: the inverted file refilled from stored codes and lists (ids made as
   * the restore makes them), and the same from serialized prefix entries (what RocksDB hands back),
   * median of 3.
   */
  private static void rebuild(
      String tag, IndexFit fit, IndexSettings settings, byte[] codes, int[] lists, int n)
      throws Exception {
    int cb = fit.codeBytes();
    double[] plain = new double[3];
    for (int r = 0; r < 3; r++) {
      long t0 = System.nanoTime();
      InvertedFileArena a = new InvertedFileArena(fit, settings.exactBelow());
      for (int i = 0; i < n; i++) {
        a.putEncoded(
            id(i), NAMESPACE, Map.of(), Arrays.copyOfRange(codes, i * cb, (i + 1) * cb), lists[i]);
      }
      plain[r] = n / ((System.nanoTime() - t0) / 1e9);
    }
    byte[][] entries = new byte[n][];
    org.apache.flink.core.memory.DataOutputSerializer out =
        new org.apache.flink.core.memory.DataOutputSerializer(128);
    for (int i = 0; i < n; i++) {
      out.clear();
      dev.mstream.index.PrefixEntrySerializer.INSTANCE.serialize(
          new dev.mstream.index.PrefixEntry(
              NAMESPACE,
              Map.of(),
              fit.version(),
              Arrays.copyOfRange(codes, i * cb, (i + 1) * cb),
              new int[] {lists[i]}),
          out);
      entries[i] = out.getCopyOfBuffer();
    }
    double[] serialized = new double[3];
    for (int r = 0; r < 3; r++) {
      long t0 = System.nanoTime();
      InvertedFileArena a = new InvertedFileArena(fit, settings.exactBelow());
      org.apache.flink.core.memory.DataInputDeserializer in =
          new org.apache.flink.core.memory.DataInputDeserializer();
      for (int i = 0; i < n; i++) {
        in.setBuffer(entries[i]);
        dev.mstream.index.PrefixEntry e =
            dev.mstream.index.PrefixEntrySerializer.INSTANCE.deserialize(in);
        a.putEncoded(id(i), e.namespace(), e.attributes(), e.codes(), e.listOf(0));
      }
      serialized[r] = n / ((System.nanoTime() - t0) / 1e9);
    }
    Arrays.sort(plain);
    Arrays.sort(serialized);
    System.out.printf(
        "%s IVF rebuild from stored codes and lists (%,d docs, median of 3): %,.0f docs/s from"
            + " codes in memory, %,.0f docs/s from serialized prefix entries (%d bytes each)%n",
        tag, n, plain[1], serialized[1], entries[0].length);
  }

  /**
   * Fits the index on an even sample of the corpus (at least 64 vectors per list, up to 65,536), as
   * a subtask's fit sees its first documents; prints what was fitted and how long it took.
   */
  static IndexFit fit(String tag, IndexSettings settings, BenchFiles.Vectors corpus) {
    int n = corpus.n();
    int lists = settings.listsFor(n);
    int sampleSize = Math.min(n, Math.max(settings.fitSample(), Math.min(65_536, 64 * lists)));
    float[][] sample = new float[sampleSize][];
    for (int i = 0; i < sampleSize; i++) {
      sample[i] = corpus.row((int) ((long) i * n / sampleSize));
    }
    long t0 = System.nanoTime();
    IndexFit fit = IndexFitter.of(settings).fit(sample, n);
    double fitSecs = (System.nanoTime() - t0) / 1e9;
    System.out.printf(
        "%s fit: %s on %,d sampled vectors in %.1f s (off the task thread in the operator)%n",
        tag, fit, sampleSize, fitSecs);
    return fit;
  }

  static String id(int row) {
    return "doc-" + row;
  }

  static int row(String id) {
    return Integer.parseInt(id, 4, id.length(), 10);
  }
}
