package dev.mstream.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import me.tongfei.progressbar.ProgressBar;
import org.apache.flink.util.FileUtils;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

/**
 * The graph-index baseline on the REAL vectors: Lucene 9.12 HNSW ({@code KnnFloatVectorField},
 * DOT_PRODUCT, M=16, beamWidth=100), one segment, inserted by one thread. Prints insert throughput,
 * heap per document, and recall@10 / queries/s for a range of {@code numCandidates} (Lucene's
 * search fan-out; the query asks for that many and the best 10 are kept).
 *
 * <pre>
 * benchmarks/run.sh LuceneHnswBaseline [--dir heap|fs] [--queries 2000] [--max-docs N]
 *     [--fanouts 10,16,24,32,48,64,100,150,200,300,500]
 * </pre>
 *
 * {@code --dir heap} (default) keeps the index in a {@code ByteBuffersDirectory}, so the heap
 * figure covers vectors + graph; {@code --dir fs} writes it under {@code benchmarks/target/} and
 * reads it through mmap (off-heap; the file size is printed).
 */
public final class LuceneHnswBaseline {

  static final int M = LuceneHnswIndex.M;
  static final int BEAM_WIDTH = LuceneHnswIndex.BEAM_WIDTH;
  static final String FIELD = "v";

  private LuceneHnswBaseline() {}

  /** One fan-out setting. */
  /** One fan-out setting: recall, 1-thread wall and CPU throughput, 2-thread wall throughput. */
  record Point(int fanout, double recall, double qps1, double cpu1, double qps2) {}

  public static void main(String[] args) throws Exception {
    Bench.checkArgs(
        "LuceneHnswBaseline",
        args,
        "--max-docs=N",
        "--queries=N",
        "--fanouts=LIST",
        "--dir=VALUE",
        "--reuse");
    RealVectors.Data data = RealVectors.load();
    BenchFiles.Vectors corpus = data.corpus();
    BenchFiles.Vectors queries = data.queries();
    int[][] truth = data.truth();
    int maxDocs = Bench.intArg(args, "--max-docs", corpus.n());
    if (maxDocs < corpus.n()) {
      corpus = corpus.head(maxDocs);
      try (ProgressBar pb = Progress.bar("REAL exact top-10 of subset", queries.n())) {
        truth = ExactSearch.topK(corpus, queries, GroundTruth.K, 2, pb::step);
      }
    }
    int nq = Math.min(queries.n(), Bench.intArg(args, "--queries", queries.n()));
    int[] fanouts =
        Bench.intList(args, "--fanouts", 10, 16, 24, 32, 48, 64, 100, 150, 200, 300, 500);
    boolean fs = "fs".equals(Bench.arg(args, "--dir"));
    Path fsPath = Path.of("benchmarks", "target", "lucene-hnsw");
    // --reuse (with --dir fs): search the index a previous run left, skip the build numbers.
    boolean reuse =
        fs && Bench.flag(args, "--reuse") && Files.exists(fsPath) && maxDocs == data.corpus().n();

    System.out.println("REAL " + Bench.machine());
    System.out.println(
        data.description() + (maxDocs < data.corpus().n() ? ", first " + maxDocs + " docs" : ""));
    System.out.printf(
        "Lucene %s HNSW: M=%d, beamWidth=%d, DOT_PRODUCT, %s, 1 indexing thread, 1 segment%n",
        org.apache.lucene.util.Version.LATEST,
        M,
        BEAM_WIDTH,
        fs ? "FSDirectory (mmap)" : "ByteBuffersDirectory (heap)");

    long heapBefore = Bench.usedHeapAfterGc();
    Directory dir;
    if (fs) {
      if (!reuse) {
        FileUtils.deleteDirectory(fsPath.toFile());
        Files.createDirectories(fsPath);
      }
      dir = FSDirectory.open(fsPath);
    } else {
      dir = new ByteBuffersDirectory();
    }
    IndexWriterConfig config = LuceneHnswIndex.oneSegmentConfig();
    long t0 = System.nanoTime();
    if (!reuse) {
      try (IndexWriter writer = new IndexWriter(dir, config);
          ProgressBar pb = Progress.bar("REAL HNSW insert", corpus.n())) {
        for (int i = 0; i < corpus.n(); i++) {
          Document doc = new Document();
          doc.add(
              new KnnFloatVectorField(FIELD, corpus.row(i), VectorSimilarityFunction.DOT_PRODUCT));
          writer.addDocument(doc);
          if ((i & 255) == 255) {
            pb.stepTo(i + 1);
          }
        }
        pb.stepTo(corpus.n());
        writer.commit();
      }
    } else {
      System.out.println(
          "REAL Lucene HNSW: reusing the index in " + fsPath + " (no build numbers)");
    }
    double insertSecs = (System.nanoTime() - t0) / 1e9;
    DirectoryReader reader = DirectoryReader.open(dir);
    if (reader.leaves().size() != 1 || reader.maxDoc() != corpus.n()) {
      throw new IllegalStateException(
          "expected 1 segment of "
              + corpus.n()
              + " docs, got "
              + reader.leaves().size()
              + " segments, "
              + reader.maxDoc()
              + " docs");
    }
    IndexSearcher searcher = new IndexSearcher(reader);
    long heapAfter = Bench.usedHeapAfterGc();
    long indexBytes = 0;
    for (String f : dir.listAll()) {
      indexBytes += dir.fileLength(f);
    }

    Bench.Table build =
        new Bench.Table(
            "REAL Lucene HNSW build, " + String.format("%,d", corpus.n()) + " vectors",
            "data",
            "insert vectors/s",
            "build s",
            "heap bytes/doc",
            "index file bytes/doc");
    if (!reuse) {
      build.printHeader();
      build.row(
          "REAL",
          Bench.fmt(corpus.n() / insertSecs, 0),
          Bench.fmt(insertSecs, 1),
          Bench.fmt((heapAfter - heapBefore) / (double) corpus.n(), 0),
          Bench.fmt(indexBytes / (double) corpus.n(), 0));
    }

    float[][] q = new float[nq][];
    for (int i = 0; i < nq; i++) {
      q[i] = queries.row(i);
    }
    int[][] found = new int[nq][];
    Bench.Table table =
        new Bench.Table(
            "REAL Lucene HNSW search, k=10, " + nq + " queries, median of 3 passes",
            "data",
            "numCandidates",
            "recall@10",
            "1 thread: queries/s (wall)",
            "1 thread: queries per CPU-s",
            "2 threads: queries/s (wall)",
            "CPU ms/query");
    table.printHeader();
    List<Point> points = new ArrayList<>();
    for (int fanout : fanouts) {
      Bench.QueryTask task =
          i -> {
            TopDocs top =
                searcher.search(new KnnFloatVectorQuery(FIELD, q[i], fanout), GroundTruth.K);
            int[] ids = new int[top.scoreDocs.length];
            int j = 0;
            for (ScoreDoc sd : top.scoreDocs) {
              ids[j++] = sd.doc;
            }
            found[i] = ids;
          };
      Bench.Rate one = Bench.rate(nq, 1, Math.min(nq, 200), 3, task);
      double recall = GroundTruth.recall(java.util.Arrays.copyOf(truth, nq), found, GroundTruth.K);
      Bench.Rate two = Bench.rate(nq, 2, 0, 3, task);
      points.add(new Point(fanout, recall, one.wall(), one.cpu(), two.wall()));
      table.row(
          "REAL",
          fanout,
          Bench.fmt(recall, 4),
          Bench.fmt(one.wall(), 0),
          Bench.fmt(one.cpu(), 0),
          Bench.fmt(two.wall(), 0),
          Bench.fmt(1000 / one.cpu(), 3));
    }
    reader.close();
    dir.close();

    Point chosen = null;
    for (Point p : points) {
      if (p.recall() >= 0.95 && (chosen == null || p.fanout() < chosen.fanout())) {
        chosen = p;
      }
    }
    System.out.println();
    if (chosen == null) {
      System.out.println("REAL Lucene HNSW: no numCandidates reached recall@10 0.95");
    } else {
      System.out.printf(
          "REAL Lucene HNSW at recall@10 >= 0.95: numCandidates=%d, recall %.4f, 1 thread %.0f"
              + " queries per CPU-s (%.0f queries/s wall), 2 threads %.0f queries/s wall%n",
          chosen.fanout(), chosen.recall(), chosen.cpu1(), chosen.qps1(), chosen.qps2());
      double[] interp = interpolateAt(points, 0.95);
      if (interp != null) {
        System.out.printf(
            "REAL Lucene HNSW interpolated at recall@10 = 0.95: 1 thread %.0f queries per CPU-s"
                + " (%.0f queries/s wall), 2 threads %.0f queries/s wall%n",
            interp[1], interp[0], interp[2]);
      }
    }
    System.out.printf(
        "LUCENE_SUMMARY docs=%d insert_per_s=%.0f heap_bytes_per_doc=%.0f%n",
        corpus.n(), corpus.n() / insertSecs, (heapAfter - heapBefore) / (double) corpus.n());
  }

  /**
   * {1-thread queries/s, 1-thread queries per CPU-s, 2-thread queries/s} at {@code target} recall,
   * linear between the two points around it (null if no two points bracket it).
   */
  static double[] interpolateAt(List<Point> points, double target) {
    List<Point> sorted = new ArrayList<>(points);
    sorted.sort(java.util.Comparator.comparingDouble(Point::recall));
    for (int i = 1; i < sorted.size(); i++) {
      Point lo = sorted.get(i - 1);
      Point hi = sorted.get(i);
      if (lo.recall() <= target && hi.recall() >= target && hi.recall() > lo.recall()) {
        double t = (target - lo.recall()) / (hi.recall() - lo.recall());
        return new double[] {
          lo.qps1() + t * (hi.qps1() - lo.qps1()),
          lo.cpu1() + t * (hi.cpu1() - lo.cpu1()),
          lo.qps2() + t * (hi.qps2() - lo.qps2())
        };
      }
    }
    return null;
  }
}
