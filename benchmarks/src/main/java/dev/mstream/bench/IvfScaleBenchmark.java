package dev.mstream.bench;

import dev.mstream.index.Half;
import dev.mstream.index.IndexFit;
import dev.mstream.index.IndexFitter;
import dev.mstream.index.IndexSettings;
import dev.mstream.index.InvertedFileArena;
import dev.mstream.index.NeighborQueue;
import dev.mstream.index.PrefixIndex;
import dev.mstream.index.SearchPlan;
import dev.mstream.index.Shortlist;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import me.tongfei.progressbar.ProgressBar;

/**
 * How the inverted file's query cost grows with the index, on SYNTHETIC vectors (Gaussian with the
 * mean and covariance of the real WordNet embeddings; labelled as such everywhere): the index is
 * built at each size exactly as a subtask would hold it (default settings, about √n lists), and the
 * cheapest probes reaching recall@10 ≥ 0.95 against exact ground truth are searched for.
 *
 * <pre>
 * BENCH_XMX=5g benchmarks/run.sh IvfScaleBenchmark [--sizes 100000,300000,1000000,5000000]
 *     [--queries 500] [--timing-queries 200] [--probes 4,8,...] [--candidates 30,50,100]
 * </pre>
 *
 * Memory plan for 5M × 384 dims (7.7 GB as floats): vectors are never all in memory. They are drawn
 * block by block from the seeded generator ({@link SyntheticVectors#drawBlock}) for the ground
 * truth (one streamed pass for every size at once, cached) and for building each index; the rerank
 * reads them as float16 from a memory-mapped file written on the first pass (768 bytes a vector,
 * 3.8 GB for 5M, in {@code benchmarks/target}), the way the operator reads full vectors from
 * RocksDB rather than the heap.
 */
public final class IvfScaleBenchmark {

  private static final String NS = "bench";

  private IvfScaleBenchmark() {}

  public static void main(String[] args) throws Exception {
    Bench.checkArgs(
        "IvfScaleBenchmark",
        args,
        "--sizes=LIST",
        "--queries=N",
        "--timing-queries=N",
        "--probes=LIST",
        "--candidates=LIST");
    int[] sizes = Bench.intList(args, "--sizes", 100_000, 300_000, 1_000_000, 5_000_000);
    int nq = Bench.intArg(args, "--queries", 500);
    int nt = Math.min(nq, Bench.intArg(args, "--timing-queries", 200));
    int max = Arrays.stream(sizes).max().orElseThrow();
    for (int n : sizes) {
      if (n % SyntheticVectors.BLOCK_ROWS != 0 && n != max) {
        throw new IllegalArgumentException(
            "sizes but the largest must be multiples of "
                + SyntheticVectors.BLOCK_ROWS
                + " (e.g. 102400,299008,1003520), was "
                + n);
      }
    }
    System.out.println("SYNTHETIC " + Bench.machine());
    SyntheticVectors.Model model;
    {
      BenchFiles.Vectors real = RealVectors.load().corpus();
      model = SyntheticVectors.fit(real, Math.min(real.n(), 100_000));
    }
    System.gc();
    BenchFiles.Vectors queries =
        SyntheticVectors.draw(model, nq, SyntheticVectors.SEED + 1, "SYNTHETIC draw queries");
    int d = model.dims();
    Path store = Path.of("benchmarks", "target", "synthetic-" + max + ".f16");
    int[][][] truth = truthAndStore(model, sizes, max, queries, store);
    try (Float16Store vectors = new Float16Store(store, max, d)) {
      Bench.Table t =
          new Bench.Table(
              "SYNTHETIC inverted file, cost per query against index size (default settings: "
                  + "PACKED 4+2 bits, 192 dims, √n lists on 32 dims, first stage on 64 dims,"
                  + " 4 survivors per candidate; rerank from float16 vectors in a mapped file; "
                  + nt
                  + " timing queries, 1 thread; cheapest probes/candidates with recall@10 >= 0.95)",
              "data",
              "docs",
              "lists",
              "probes",
              "candidates",
              "recall@10",
              "CPU µs/query",
              "queries per CPU-s",
              "codes scored/query",
              "heapBytes()/doc",
              "measured heap/doc",
              "inserts per CPU-s",
              "rebuild docs/s");
      t.printHeader();
      double costAt1m = -1;
      int sizeAt1m = 1_000_000;
      List<String> lines = new ArrayList<>();
      for (int si = 0; si < sizes.length; si++) {
        int n = sizes[si];
        Row r = measure(model, n, queries, truth[si], vectors, nt, args);
        t.row(
            "SYNTHETIC",
            String.format("%,d", n),
            r.lists,
            r.probes,
            r.candidates,
            Bench.fmt(r.recall, 4),
            Bench.fmt(r.micros, 0),
            Bench.fmt(1e6 / r.micros, 0),
            Bench.fmt(r.codes, 0),
            Bench.fmt(r.heapBytesPerDoc, 1),
            Bench.fmt(r.measuredHeapPerDoc, 1),
            Bench.fmt(r.insertsPerCpuSecond, 0),
            Bench.fmt(r.rebuildPerSecond, 0));
        if (Math.abs(n - 1_000_000) < SyntheticVectors.BLOCK_ROWS) {
          costAt1m =
              r.micros; // the size of about a million (sizes but the largest are whole blocks)
          sizeAt1m = n;
        }
        lines.add(n + " " + r.micros);
      }
      if (costAt1m > 0) {
        for (String l : lines) {
          String[] p = l.split(" ");
          System.out.printf(
              "SYNTHETIC cost at %,d docs / cost at %,d: %.2fx (a flat scan pays %.2fx)%n",
              Integer.parseInt(p[0]),
              sizeAt1m,
              Double.parseDouble(p[1]) / costAt1m,
              Integer.parseInt(p[0]) / (double) sizeAt1m);
        }
      }
    }
  }

  private record Row(
      int lists,
      int probes,
      int candidates,
      double recall,
      double micros,
      double codes,
      double heapBytesPerDoc,
      double measuredHeapPerDoc,
      double insertsPerCpuSecond,
      double rebuildPerSecond) {}

  private static Row measure(
      SyntheticVectors.Model model,
      int n,
      BenchFiles.Vectors queries,
      int[][] truth,
      Float16Store vectors,
      int nt,
      String[] args)
      throws Exception {
    int d = model.dims();
    IndexSettings settings = IndexSettings.builder("bench", d).build();
    int lists = settings.listsFor(n);
    int sampleSize = Math.min(n, Math.max(settings.fitSample(), Math.min(65_536, 64 * lists)));
    float[] block = new float[SyntheticVectors.BLOCK_ROWS * d];
    float[][] sample = new float[sampleSize][];
    for (int done = 0, b = 0; done < sampleSize; b++) {
      SyntheticVectors.drawBlock(
          model, SyntheticVectors.SEED, b, SyntheticVectors.BLOCK_ROWS, block, 0);
      for (int r = 0; r < SyntheticVectors.BLOCK_ROWS && done < sampleSize; r++, done++) {
        sample[done] = Arrays.copyOfRange(block, r * d, (r + 1) * d);
      }
    }
    IndexFit fit = IndexFitter.of(settings).fit(sample, n);
    sample = null;
    byte[] codes = new byte[Math.multiplyExact(n, fit.codeBytes())];
    int[] centroidOf = new int[n];
    long heapBefore = Bench.usedHeapAfterGc();
    InvertedFileArena ivf = new InvertedFileArena(fit, settings.exactBelow());
    long insertCpu = 0;
    try (ProgressBar pb = Progress.bar("SYNTHETIC IVF build " + n, n)) {
      for (int b = 0, row = 0; row < n; b++) {
        int rows = Math.min(SyntheticVectors.BLOCK_ROWS, n - row);
        SyntheticVectors.drawBlock(model, SyntheticVectors.SEED, b, rows, block, 0);
        long c0 = Bench.threadCpuNanos();
        for (int r = 0; r < rows; r++, row++) {
          PrefixIndex.Encoded e = fit.encode(Arrays.copyOfRange(block, r * d, (r + 1) * d));
          ivf.putEncoded(IvfBenchmark.id(row), NS, Map.of(), e.code(), e.centroid());
          System.arraycopy(e.code(), 0, codes, row * e.code().length, e.code().length);
          centroidOf[row] = e.centroid();
        }
        insertCpu += Bench.threadCpuNanos() - c0;
        pb.stepTo(row);
      }
    }
    long heapAfter = Bench.usedHeapAfterGc();

    int nq = queries.n();
    float[][] q = new float[nq][];
    for (int i = 0; i < nq; i++) {
      q[i] = queries.row(i);
    }
    int[] probeSteps =
        Bench.intList(args, "--probes", 2, 4, 8, 16, 24, 32, 48, 64, 96, 128, 192, 256);
    int[] candidateSteps = Bench.intList(args, "--candidates", 30, 50, 100);
    Row best = null;
    for (int c : candidateSteps) {
      for (int p : probeSteps) {
        if (p > lists) {
          break;
        }
        SearchPlan plan = new SearchPlan(settings.defaultDims(), p, c * settings.survivors(), c);
        int[][] found = new int[nq][];
        long[] codesScanned = {0};
        NeighborQueue top = new NeighborQueue(GroundTruth.K);
        float[] full = new float[d];
        Bench.QueryTask task =
            i -> {
              Shortlist s = ivf.shortlist(NS, Map.of(), q[i], plan);
              top.clear();
              for (int slot : s.slots()) {
                int row = IvfBenchmark.row(ivf.idOf(slot));
                vectors.read(row, full);
                top.offer(row, dev.mstream.index.vector.VectorUtil.dot(full, q[i]));
              }
              found[i] = top.sortedSlots();
              codesScanned[0] += s.scanned();
            };
        for (int i = 0; i < nq; i++) {
          task.run(i);
        }
        double recall = GroundTruth.recall(truth, found, GroundTruth.K);
        System.out.printf(
            "SYNTHETIC %,d docs: probes %d, candidates %d: recall@10 %.4f%n", n, p, c, recall);
        if (recall >= 0.95) {
          codesScanned[0] = 0;
          Bench.Rate rate = Bench.rate(nt, 1, 0, 3, task);
          double micros = 1e6 / rate.cpu();
          if (best == null || micros < best.micros) {
            best =
                new Row(
                    fit.centroids().count(),
                    p,
                    c,
                    recall,
                    micros,
                    codesScanned[0] / (3.0 * nt),
                    0,
                    0,
                    0,
                    0);
          }
          break; // more probes only cost more at these candidates
        }
      }
    }
    double rebuild = rebuildRate(fit, settings, codes, centroidOf, n);
    if (best == null) {
      best = new Row(fit.centroids().count(), -1, -1, 0, Double.NaN, 0, 0, 0, 0, 0);
    }
    return new Row(
        best.lists,
        best.probes,
        best.candidates,
        best.recall,
        best.micros,
        best.codes,
        ivf.heapBytes() / (double) n,
        (heapAfter - heapBefore) / (double) n,
        n / (insertCpu / 1e9),
        rebuild);
  }

  /** The in-memory part of a restore: codes and lists back into a fresh inverted file. */
  private static double rebuildRate(
      IndexFit fit, IndexSettings settings, byte[] codes, int[] lists, int n) {
    int cb = fit.codeBytes();
    double[] rates = new double[3];
    for (int r = 0; r < 3; r++) {
      long t0 = System.nanoTime();
      InvertedFileArena a = new InvertedFileArena(fit, settings.exactBelow());
      for (int i = 0; i < n; i++) {
        a.putEncoded(
            IvfBenchmark.id(i),
            NS,
            Map.of(),
            Arrays.copyOfRange(codes, i * cb, (i + 1) * cb),
            lists[i]);
      }
      rates[r] = n / ((System.nanoTime() - t0) / 1e9);
    }
    Arrays.sort(rates);
    return rates[1];
  }

  /**
   * Exact top-10 of every query at every size, in one streamed pass over the largest (2 threads,
   * blocks split between them), writing the float16 store on the way; both cached.
   */
  private static int[][][] truthAndStore(
      SyntheticVectors.Model model, int[] sizes, int max, BenchFiles.Vectors queries, Path store)
      throws Exception {
    Path dir = BenchFiles.dir();
    int nq = queries.n();
    int[][][] out = new int[sizes.length][][];
    boolean cached = Files.exists(store) && Files.size(store) == (long) max * model.dims() * 2;
    for (int si = 0; si < sizes.length && cached; si++) {
      Path f = dir.resolve("synthetic-stream-" + sizes[si] + "-q" + nq + "-gt10.knn");
      cached = Files.exists(f);
      if (cached) {
        out[si] = BenchFiles.readNeighbours(f);
      }
    }
    if (cached) {
      System.out.println("SYNTHETIC ground truth and float16 store: cached");
      return out;
    }
    int d = model.dims();
    int blocks = (max + SyntheticVectors.BLOCK_ROWS - 1) / SyntheticVectors.BLOCK_ROWS;
    int threads = 2;
    // Per thread and size boundary: its own heaps; merged at the end.
    NeighborQueue[][][] tops = new NeighborQueue[threads][sizes.length][nq];
    for (int t = 0; t < threads; t++) {
      for (int s = 0; s < sizes.length; s++) {
        for (int i = 0; i < nq; i++) {
          tops[t][s][i] = new NeighborQueue(GroundTruth.K);
        }
      }
    }
    try (FileChannel ch =
            FileChannel.open(
                store,
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        ProgressBar pb = Progress.bar("SYNTHETIC stream truth + store", max)) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        final int thread = t;
        fs.add(
            pool.submit(
                () -> {
                  float[] block = new float[SyntheticVectors.BLOCK_ROWS * d];
                  java.nio.ByteBuffer bytes =
                      java.nio.ByteBuffer.allocate(SyntheticVectors.BLOCK_ROWS * d * 2)
                          .order(ByteOrder.LITTLE_ENDIAN);
                  for (int b = thread; b < blocks; b += threads) {
                    int from = b * SyntheticVectors.BLOCK_ROWS;
                    int rows = Math.min(SyntheticVectors.BLOCK_ROWS, max - from);
                    SyntheticVectors.drawBlock(model, SyntheticVectors.SEED, b, rows, block, 0);
                    for (int r = 0; r < rows; r++) {
                      int row = from + r;
                      for (int i = 0; i < nq; i++) {
                        float score =
                            dev.mstream.index.vector.VectorUtil.dot(
                                block, r * d, queries.data(), i * d, d);
                        for (int s = 0; s < sizes.length; s++) {
                          if (row < sizes[s]) {
                            tops[thread][s][i].offer(row, score);
                          }
                        }
                      }
                    }
                    bytes.clear();
                    for (int k = 0; k < rows * d; k++) {
                      bytes.putShort(Half.fromFloat(block[k]));
                    }
                    bytes.flip();
                    long pos = (long) from * d * 2;
                    while (bytes.hasRemaining()) {
                      pos += ch.write(bytes, pos);
                    }
                    pb.stepBy(rows);
                  }
                  return null;
                }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
      pool.shutdown();
    }
    for (int s = 0; s < sizes.length; s++) {
      int[][] knn = new int[nq][];
      for (int i = 0; i < nq; i++) {
        NeighborQueue merged = new NeighborQueue(GroundTruth.K);
        for (int t = 0; t < threads; t++) {
          merged.addAll(tops[t][s][i]);
        }
        knn[i] = merged.sortedSlots();
      }
      BenchFiles.writeNeighbours(
          dir.resolve("synthetic-stream-" + sizes[s] + "-q" + nq + "-gt10.knn"), knn);
      out[s] = knn;
    }
    return out;
  }

  /** Full vectors as float16 in a memory-mapped file (chunks of at most 1 GB). */
  static final class Float16Store implements AutoCloseable {
    private static final int ROWS_PER_CHUNK = 1 << 20;
    private final FileChannel channel;
    private final ShortBuffer[] chunks;
    private final int dims;

    Float16Store(Path file, int rows, int dims) throws IOException {
      this.dims = dims;
      this.channel = FileChannel.open(file, StandardOpenOption.READ);
      int n = (rows + ROWS_PER_CHUNK - 1) / ROWS_PER_CHUNK;
      chunks = new ShortBuffer[n];
      for (int c = 0; c < n; c++) {
        long from = (long) c * ROWS_PER_CHUNK * dims * 2;
        long len = Math.min((long) ROWS_PER_CHUNK * dims * 2, channel.size() - from);
        MappedByteBuffer m = channel.map(FileChannel.MapMode.READ_ONLY, from, len);
        chunks[c] = m.order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
      }
    }

    void read(int row, float[] out) {
      ShortBuffer b = chunks[row / ROWS_PER_CHUNK];
      int base = (row % ROWS_PER_CHUNK) * dims;
      for (int i = 0; i < dims; i++) {
        out[i] = Half.toFloat(b.get(base + i));
      }
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }
}
