package dev.mstream.bench;

import dev.mstream.index.vector.VectorUtil;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import me.tongfei.progressbar.ProgressBar;

/**
 * SYNTHETIC vectors for scale: Gaussian with the mean and covariance of the real (WordNet, MiniLM)
 * embeddings, drawn as {@code mean + L z} with {@code L} the Cholesky factor of the covariance and
 * {@code z} standard normal, then L2-normalised. They keep the variance spectrum of real embeddings
 * (so prefix funnels behave alike) but not their neighbourhood structure: never compare graph
 * indexes on them alone.
 *
 * <pre>
 * benchmarks/run.sh SyntheticVectors [--n 1000000] [--queries 1000] [--scan-queries 100]
 * </pre>
 *
 * Caches {@code synthetic-N.vec}, {@code synthetic-N-queries.vec}, {@code synthetic-N-gt10.knn},
 * then measures the exact scan over them.
 */
public final class SyntheticVectors {

  static final long SEED = 384_000_001L;
  private static final int BLOCK = 4096;

  private SyntheticVectors() {}

  /** The cached synthetic set. */
  public record Data(
      BenchFiles.Vectors corpus, BenchFiles.Vectors queries, int[][] truth, String description) {}

  public static void main(String[] args) throws Exception {
    Bench.checkArgs("SyntheticVectors", args, "--n=N", "--queries=N", "--scan-queries=N");
    int n = Bench.intArg(args, "--n", 1_000_000);
    int nq = Bench.intArg(args, "--queries", 1000);
    Data d = loadOrCreate(n, nq);
    int scanQueries = Math.min(nq, Bench.intArg(args, "--scan-queries", 100));
    System.out.println("SYNTHETIC " + Bench.machine());
    System.out.println(d.description());
    ExactScanBaseline.printTable("SYNTHETIC", d.corpus(), d.queries(), d.truth(), scanQueries);
  }

  /** Loads the cached set of {@code n} vectors (creating it on first use, ~minutes). */
  public static Data load(int n) throws Exception {
    return loadOrCreate(n, 1000);
  }

  static Data loadOrCreate(int n, int nq) throws Exception {
    Path dir = BenchFiles.dir();
    Path corpusFile = dir.resolve("synthetic-" + n + ".vec");
    Path queryFile = dir.resolve("synthetic-" + n + "-queries.vec");
    BenchFiles.Vectors corpus;
    BenchFiles.Vectors queries;
    if (Files.exists(corpusFile) && Files.exists(queryFile)) {
      corpus = BenchFiles.readVectors(corpusFile);
      queries = BenchFiles.readVectors(queryFile);
      System.out.printf("SYNTHETIC: loaded %s (%,d vectors)%n", corpusFile, corpus.n());
    } else {
      BenchFiles.Vectors real = RealVectors.load().corpus();
      long t0 = System.nanoTime();
      Model model = fit(real, Math.min(real.n(), 100_000));
      System.out.printf(
          "SYNTHETIC: fitted mean and covariance on %,d real vectors in %.1f s%n",
          Math.min(real.n(), 100_000), (System.nanoTime() - t0) / 1e9);
      corpus = draw(model, n, SEED, "SYNTHETIC draw corpus");
      queries = draw(model, nq, SEED + 1, "SYNTHETIC draw queries");
      BenchFiles.writeVectors(corpusFile, corpus);
      BenchFiles.writeVectors(queryFile, queries);
    }
    int[][] truth =
        GroundTruth.loadOrCompute(
            dir.resolve("synthetic-" + n + "-gt10.knn"), corpus, queries, "SYNTHETIC");
    String description =
        String.format(
            "SYNTHETIC: %,d Gaussian vectors with the mean and covariance of the real WordNet"
                + " MiniLM embeddings, L2-normalised, %,d synthetic queries, %d dims",
            corpus.n(), queries.n(), corpus.dims());
    return new Data(corpus, queries, truth, description);
  }

  /** Mean and lower Cholesky factor (row-major, float) of a covariance. */
  record Model(int dims, float[] mean, float[] cholesky) {}

  static Model fit(BenchFiles.Vectors real, int rows) {
    int d = real.dims();
    double[] mean = new double[d];
    float[] x = real.data();
    for (int r = 0; r < rows; r++) {
      for (int i = 0; i < d; i++) {
        mean[i] += x[r * d + i];
      }
    }
    for (int i = 0; i < d; i++) {
      mean[i] /= rows;
    }
    double[][] cov = new double[d][d];
    double[] c = new double[d];
    for (int r = 0; r < rows; r++) {
      for (int i = 0; i < d; i++) {
        c[i] = x[r * d + i] - mean[i];
      }
      for (int i = 0; i < d; i++) {
        double ci = c[i];
        double[] row = cov[i];
        for (int j = 0; j <= i; j++) {
          row[j] += ci * c[j];
        }
      }
    }
    for (int i = 0; i < d; i++) {
      for (int j = 0; j <= i; j++) {
        cov[i][j] /= rows - 1;
      }
    }
    double[][] l = cholesky(cov);
    float[] lf = new float[d * d];
    float[] mf = new float[d];
    for (int i = 0; i < d; i++) {
      mf[i] = (float) mean[i];
      for (int j = 0; j <= i; j++) {
        lf[i * d + j] = (float) l[i][j];
      }
    }
    return new Model(d, mf, lf);
  }

  /** Cholesky factor of the lower triangle of {@code a}; adds a tiny ridge if needed. */
  static double[][] cholesky(double[][] a) {
    int d = a.length;
    double trace = 0;
    for (int i = 0; i < d; i++) {
      trace += a[i][i];
    }
    for (double ridge = 0; ; ridge = ridge == 0 ? 1e-9 * trace / d : ridge * 10) {
      double[][] l = new double[d][d];
      boolean ok = true;
      for (int i = 0; i < d && ok; i++) {
        for (int j = 0; j <= i; j++) {
          double s = a[i][j] + (i == j ? ridge : 0);
          for (int k = 0; k < j; k++) {
            s -= l[i][k] * l[j][k];
          }
          if (i == j) {
            if (s <= 0) {
              ok = false;
              break;
            }
            l[i][i] = Math.sqrt(s);
          } else {
            l[i][j] = s / l[j][j];
          }
        }
      }
      if (ok) {
        return l;
      }
    }
  }

  static final int BLOCK_ROWS = BLOCK;

  /**
   * Rows {@code block * BLOCK_ROWS ..} of the stream drawn with {@code seed} (the first {@code
   * rows} of that block) into {@code out} at {@code off}: one random stream per block, so any block
   * can be drawn again on its own, on any thread, and is the same as in {@link #draw}.
   */
  static void drawBlock(Model m, long seed, int block, int rows, float[] out, int off) {
    int d = m.dims();
    SplittableRandom rnd = new SplittableRandom(seed * 1_000_003L + block);
    float[] z = new float[d];
    for (int r = 0; r < rows; r++) {
      for (int i = 0; i < d; i++) {
        z[i] = (float) rnd.nextGaussian();
      }
      int at = off + r * d;
      double norm = 0;
      for (int i = 0; i < d; i++) {
        float v = m.mean()[i] + VectorUtil.dot(m.cholesky(), i * d, z, 0, i + 1);
        out[at + i] = v;
        norm += (double) v * v;
      }
      float inv = (float) (1 / Math.sqrt(norm));
      for (int i = 0; i < d; i++) {
        out[at + i] *= inv;
      }
    }
  }

  static BenchFiles.Vectors draw(Model m, int n, long seed, String task) throws Exception {
    int d = m.dims();
    float[] data = new float[Math.multiplyExact(n, d)];
    int blocks = (n + BLOCK - 1) / BLOCK;
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (ProgressBar pb = Progress.bar(task, n)) {
      List<Future<?>> fs = new ArrayList<>();
      for (int b = 0; b < blocks; b++) {
        final int block = b;
        fs.add(
            pool.submit(
                () -> {
                  int from = block * BLOCK;
                  int to = Math.min(n, from + BLOCK);
                  drawBlock(m, seed, block, to - from, data, from * d);
                  pb.stepBy(to - from);
                  return null;
                }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    return new BenchFiles.Vectors(n, d, data);
  }
}
