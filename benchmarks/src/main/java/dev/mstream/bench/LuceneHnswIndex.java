package dev.mstream.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import me.tongfei.progressbar.ProgressBar;
import org.apache.flink.util.FileUtils;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

/**
 * Lucene's HNSW over a corpus, as a user of Lucene would run it: {@code KnnFloatVectorField},
 * {@code DOT_PRODUCT}, M=16, beamWidth=100, one indexing thread, one segment (no merges), searched
 * with {@code KnnFloatVectorQuery(field, q, numCandidates)} keeping the best 10.
 *
 * <p>Building takes minutes per 100k vectors (≈ 500 inserts/s here), so an index on disk ({@code
 * FSDirectory}) is kept with a marker of what it holds (the corpus's size and a hash of its
 * vectors) and the numbers of its build, and reused when the marker matches.
 */
final class LuceneHnswIndex implements AutoCloseable {

  static final int M = 16;
  static final int BEAM_WIDTH = 100;
  static final String FIELD = "v";
  private static final String MARKER = "mstream-bench.properties";

  /** How the index was built (now, or by the run that left it). */
  /**
   * How the index was built.
   *
   * @param insertsPerSecond documents per wall second of the build (commit included)
   * @param insertsPerCpuSecond documents per CPU second of the indexing thread (HNSW inserts run on
   *     it; NaN for an index left by a build that did not record it)
   */
  record Build(
      int docs,
      double insertsPerSecond,
      double insertsPerCpuSecond,
      double seconds,
      long heapBytes,
      long fileBytes,
      boolean reused,
      String when) {}

  private final Directory dir;
  private final DirectoryReader reader;
  private final IndexSearcher searcher;
  private final Build build;

  private LuceneHnswIndex(Directory dir, Build build) throws Exception {
    this.dir = dir;
    this.build = build;
    this.reader = DirectoryReader.open(dir);
    if (reader.leaves().size() != 1 || reader.maxDoc() != build.docs()) {
      throw new IllegalStateException(
          "expected 1 segment of "
              + build.docs()
              + " docs, got "
              + reader.leaves().size()
              + " segments, "
              + reader.maxDoc()
              + " docs");
    }
    this.searcher = new IndexSearcher(reader);
  }

  /**
   * Opens the index of {@code corpus} in {@code path} (built there first unless a matching one is
   * there), or builds one on the heap when {@code path} is null.
   */
  static LuceneHnswIndex openOrBuild(BenchFiles.Vectors corpus, Path path, String task)
      throws Exception {
    String fingerprint = fingerprint(corpus);
    if (path != null && Files.exists(path.resolve(MARKER))) {
      Properties p = new Properties();
      try (var in = Files.newBufferedReader(path.resolve(MARKER), StandardCharsets.UTF_8)) {
        p.load(in);
      }
      if (fingerprint.equals(p.getProperty("fingerprint"))) {
        Build b =
            new Build(
                corpus.n(),
                Double.parseDouble(p.getProperty("insertsPerSecond")),
                Double.parseDouble(p.getProperty("insertsPerCpuSecond", "NaN")),
                Double.parseDouble(p.getProperty("seconds")),
                Long.parseLong(p.getProperty("heapBytes")),
                Long.parseLong(p.getProperty("fileBytes")),
                true,
                p.getProperty("when"));
        return new LuceneHnswIndex(FSDirectory.open(path), b);
      }
    }
    Directory dir;
    if (path != null) {
      FileUtils.deleteDirectory(path.toFile());
      Files.createDirectories(path);
      dir = FSDirectory.open(path);
    } else {
      dir = new ByteBuffersDirectory();
    }
    IndexWriterConfig config = oneSegmentConfig();
    long heapBefore = Bench.usedHeapAfterGc();
    long t0 = System.nanoTime();
    long cpu0 = Bench.threadCpuNanos();
    try (IndexWriter writer = new IndexWriter(dir, config);
        ProgressBar pb = Progress.bar(task, corpus.n())) {
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
    double seconds = (System.nanoTime() - t0) / 1e9;
    double cpuSeconds = (Bench.threadCpuNanos() - cpu0) / 1e9;
    long fileBytes = 0;
    for (String f : dir.listAll()) {
      fileBytes += dir.fileLength(f);
    }
    Build b =
        new Build(
            corpus.n(),
            corpus.n() / seconds,
            corpus.n() / cpuSeconds,
            seconds,
            Bench.usedHeapAfterGc() - heapBefore,
            fileBytes,
            false,
            java.time.Instant.now().toString());
    if (path != null) {
      Properties p = new Properties();
      p.setProperty("fingerprint", fingerprint);
      p.setProperty("insertsPerSecond", Double.toString(b.insertsPerSecond()));
      p.setProperty("insertsPerCpuSecond", Double.toString(b.insertsPerCpuSecond()));
      p.setProperty("seconds", Double.toString(b.seconds()));
      p.setProperty("heapBytes", Long.toString(b.heapBytes()));
      p.setProperty("fileBytes", Long.toString(b.fileBytes()));
      p.setProperty("when", b.when());
      try (var out = Files.newBufferedWriter(path.resolve(MARKER), StandardCharsets.UTF_8)) {
        p.store(out, "what this HNSW index holds, and how it was built");
      }
    }
    return new LuceneHnswIndex(dir, b);
  }

  Build build() {
    return build;
  }

  /** Corpus rows of the best 10 for {@code query}, best first. */
  int[] search(float[] query, int numCandidates) throws Exception {
    TopDocs top =
        searcher.search(new KnnFloatVectorQuery(FIELD, query, numCandidates), GroundTruth.K);
    int[] ids = new int[top.scoreDocs.length];
    int j = 0;
    for (ScoreDoc sd : top.scoreDocs) {
      ids[j++] = sd.doc;
    }
    return ids;
  }

  @Override
  public void close() throws Exception {
    reader.close();
    dir.close();
  }

  /** Size and a hash of every 97th row: enough to tell corpora apart. */
  private static String fingerprint(BenchFiles.Vectors corpus) {
    long h = 1469598103934665603L;
    float[] data = corpus.data();
    for (int i = 0; i < data.length; i += 97) {
      h = (h ^ Float.floatToIntBits(data[i])) * 1099511628211L;
    }
    return corpus.n()
        + "x"
        + corpus.dims()
        + ":"
        + Long.toHexString(h)
        + ":M"
        + M
        + ":B"
        + BEAM_WIDTH;
  }

  /**
   * The writer configuration both Lucene harnesses build with: HNSW (M, beam width) in one segment,
   * so there is no flush before the commit and no merge.
   */
  static IndexWriterConfig oneSegmentConfig() {
    IndexWriterConfig config = new IndexWriterConfig();
    config.setCodec(
        new Lucene912Codec() {
          @Override
          public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
            return new Lucene99HnswVectorsFormat(M, BEAM_WIDTH);
          }
        });
    config.setRAMBufferSizeMB(1800);
    config.setMergePolicy(NoMergePolicy.INSTANCE);
    config.setUseCompoundFile(false);
    return config;
  }
}
