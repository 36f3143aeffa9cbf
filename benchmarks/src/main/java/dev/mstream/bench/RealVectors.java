package dev.mstream.bench;

import dev.mstream.embed.EmbedderOptions;
import dev.mstream.embed.ModelProfile;
import dev.mstream.embed.ModelProfiles;
import dev.mstream.embed.OnnxEmbeddingModel;
import dev.mstream.embed.TextRole;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;

/**
 * Embeds real texts nobody here wrote with the default model profile (int8 all-MiniLM-L6-v2) and
 * caches the vectors, then the exact top-10 ground truth of the held-back queries. Resumable:
 * vectors are appended to a {@code .part} file as they come, and a rerun continues where the last
 * one stopped. Three collections of two kinds of text:
 *
 * <ul>
 *   <li>{@code wordnet}: WordNet 3.0 glosses and example sentences (Debian {@code wordnet-base}),
 *       2,000 held-back queries;
 *   <li>{@code gcide}: GCIDE 0.48 definitions, mostly Webster's 1913 (Debian {@code dict-gcide};
 *       {@link GcideTexts}), without those equal to a WordNet text, 2,000 held-back queries;
 *   <li>{@code lexicon}: both sources together (over 330,000 texts), 2,000 held-back queries drawn
 *       from the union.
 * </ul>
 *
 * Every text is embedded once: {@code gcide} and {@code lexicon} are assembled from the cached
 * WordNet and GCIDE vectors (the default profile gives queries and documents no prefix, so a query
 * text's vector is its document vector; the program refuses a profile where they differ). Every
 * split is a seeded shuffle, so reruns hold back the same queries.
 *
 * <pre>
 * benchmarks/run.sh RealVectors [--queries 2000] [--max-corpus N] [--wordnet /usr/share/wordnet]
 *     [--gcide /usr/share/dictd/gcide.dict.dz] [--only wordnet]
 * </pre>
 *
 * Files in {@link BenchFiles#dir()}: {@code <collection>-corpus.txt|.vec}, {@code
 * <collection>-queries.txt|.vec}, {@code <collection>-gt10.knn}, and {@code gcide-texts.txt|.vec}
 * (every GCIDE text).
 */
public final class RealVectors {

  static final long SEED = 20260101L;
  static final int CALL_SIZE = 256;

  /** The collections {@link #load(String)} knows. */
  public static final List<String> COLLECTIONS = List.of("wordnet", "gcide", "lexicon");

  private static final Map<String, String> DESCRIPTIONS =
      Map.of(
          "wordnet", "WordNet 3.0 glosses+examples",
          "gcide", "GCIDE 0.48 (Webster 1913) definitions",
          "lexicon", "WordNet 3.0 glosses+examples and GCIDE 0.48 definitions");

  private RealVectors() {}

  /** The cached real data set. */
  public record Data(
      BenchFiles.Vectors corpus, BenchFiles.Vectors queries, int[][] truth, String description) {}

  /** The WordNet collection. */
  public static Data load() throws Exception {
    return load("wordnet");
  }

  /** Loads a cached collection and its ground truth; fails with the command to make them. */
  public static Data load(String collection) throws Exception {
    if (!COLLECTIONS.contains(collection)) {
      throw new IllegalArgumentException(
          "unknown collection " + collection + ", known: " + COLLECTIONS);
    }
    Path dir = BenchFiles.dir();
    Path corpusFile = dir.resolve(collection + "-corpus.vec");
    Path queryFile = dir.resolve(collection + "-queries.vec");
    if (!Files.exists(corpusFile) || !Files.exists(queryFile)) {
      throw new IOException(
          "no cached real vectors for "
              + collection
              + " in "
              + dir
              + ": run `benchmarks/run.sh RealVectors` first");
    }
    BenchFiles.Vectors corpus = BenchFiles.readVectors(corpusFile);
    BenchFiles.Vectors queries = BenchFiles.readVectors(queryFile);
    int[][] truth =
        GroundTruth.loadOrCompute(dir.resolve(collection + "-gt10.knn"), corpus, queries, "REAL");
    String description =
        String.format(
            "REAL %s: %s, all-MiniLM-L6-v2 int8, %,d docs, %,d held-back queries, %d dims",
            collection, DESCRIPTIONS.get(collection), corpus.n(), queries.n(), corpus.dims());
    return new Data(corpus, queries, truth, description);
  }

  public static void main(String[] args) throws Exception {
    Bench.checkArgs(
        "RealVectors",
        args,
        "--queries=N",
        "--max-corpus=N",
        "--wordnet=VALUE",
        "--gcide=VALUE",
        "--only=VALUE");
    int queryCount = Bench.intArg(args, "--queries", 2000);
    int maxCorpus = Bench.intArg(args, "--max-corpus", Integer.MAX_VALUE);
    String wordnetArg = Bench.arg(args, "--wordnet");
    Path wordnet = wordnetArg == null ? WordNetTexts.DEFAULT_DIR : Path.of(wordnetArg);
    String gcideArg = Bench.arg(args, "--gcide");
    Path gcide = gcideArg == null ? GcideTexts.DEFAULT_FILE : Path.of(gcideArg);
    String only = Bench.arg(args, "--only");
    Path dir = BenchFiles.dir();
    List<String> texts = WordNetTexts.read(wordnet);
    WordNetTexts.Split split = WordNetTexts.split(texts, queryCount, maxCorpus, SEED);
    System.out.printf(
        "WordNet: %,d distinct glosses and examples -> corpus %,d, held-back queries %,d (seed %d)%n",
        texts.size(), split.corpus().size(), split.queries().size(), SEED);
    BenchFiles.writeLines(dir.resolve("wordnet-corpus.txt"), split.corpus());
    BenchFiles.writeLines(dir.resolve("wordnet-queries.txt"), split.queries());
    List<String> gcideTexts = List.of();
    if (!"wordnet".equals(only)) {
      gcideTexts = GcideTexts.read(gcide, texts);
      System.out.printf(
          "GCIDE: %,d distinct definitions of at least %d words that are not WordNet texts%n",
          gcideTexts.size(), GcideTexts.MIN_WORDS);
      BenchFiles.writeLines(dir.resolve("gcide-texts.txt"), gcideTexts);
    }

    ModelProfile profile = ModelProfiles.defaultProfile();
    EmbedderOptions options =
        EmbedderOptions.defaults()
            .withIntraOpThreads(2)
            .withMaxBatchSize(32)
            .withBatchInvariant(false);
    System.out.printf(
        "Model %s, %s (batch-invariant OFF for speed: a vector may differ in the last bits"
            + " depending on its batch mates)%n",
        profile.name(), options);

    try (OnnxEmbeddingModel model = OnnxEmbeddingModel.open(profile, options)) {
      System.out.println("Execution provider: " + model.executionProvider());
      BenchFiles.Vectors queries =
          embedCached(model, split.queries(), TextRole.QUERY, dir.resolve("wordnet-queries.vec"));
      BenchFiles.Vectors corpus =
          embedCached(model, split.corpus(), TextRole.DOCUMENT, dir.resolve("wordnet-corpus.vec"));
      GroundTruth.loadOrCompute(dir.resolve("wordnet-gt10.knn"), corpus, queries, "REAL");
      if (!gcideTexts.isEmpty()) {
        if (!profile.queryPrefix().equals(profile.documentPrefix())) {
          throw new IllegalStateException(
              profile.name()
                  + " gives queries another prefix than documents: the assembled"
                  + " collections would need their queries embedded on their own");
        }
        BenchFiles.Vectors gcideVectors =
            embedCached(model, gcideTexts, TextRole.DOCUMENT, dir.resolve("gcide-texts.vec"));
        TextVectors all = new TextVectors(corpus.dims());
        all.add(split.queries(), queries);
        all.add(split.corpus(), corpus);
        all.add(gcideTexts, gcideVectors);
        assemble(dir, "gcide", gcideTexts, all, queryCount, maxCorpus);
        List<String> union = new ArrayList<>(texts);
        union.addAll(gcideTexts);
        assemble(dir, "lexicon", union, all, queryCount, maxCorpus);
      }
      System.out.printf("Texts truncated to max tokens: %d%n", model.truncatedTexts());
    }
  }

  /** Splits {@code texts} (seeded), writes the collection's texts, vectors and ground truth. */
  private static void assemble(
      Path dir, String name, List<String> texts, TextVectors vectors, int queries, int maxCorpus)
      throws Exception {
    WordNetTexts.Split split = WordNetTexts.split(texts, queries, maxCorpus, SEED);
    System.out.printf(
        "%s: %,d texts -> corpus %,d, held-back queries %,d (seed %d)%n",
        name, texts.size(), split.corpus().size(), split.queries().size(), SEED);
    BenchFiles.Vectors c = vectors.rows(split.corpus());
    BenchFiles.Vectors q = vectors.rows(split.queries());
    BenchFiles.writeLines(dir.resolve(name + "-corpus.txt"), split.corpus());
    BenchFiles.writeLines(dir.resolve(name + "-queries.txt"), split.queries());
    BenchFiles.writeVectors(dir.resolve(name + "-corpus.vec"), c);
    BenchFiles.writeVectors(dir.resolve(name + "-queries.vec"), q);
    Path truth = dir.resolve(name + "-gt10.knn");
    String hash = hash(split.corpus(), "truth") + hash(split.queries(), "truth");
    Path truthHash = truth.resolveSibling(truth.getFileName() + ".sha256");
    if (!Files.exists(truthHash) || !Files.readString(truthHash).trim().equals(hash)) {
      Files.deleteIfExists(truth);
    }
    GroundTruth.loadOrCompute(truth, c, q, "REAL " + name);
    Files.writeString(truthHash, hash);
  }

  /** Vectors of embedded texts, by text. */
  private static final class TextVectors {
    private final int dims;
    private final Map<String, float[]> byText = new HashMap<>();

    TextVectors(int dims) {
      this.dims = dims;
    }

    void add(List<String> texts, BenchFiles.Vectors vectors) {
      for (int i = 0; i < texts.size(); i++) {
        byText.put(texts.get(i), vectors.row(i));
      }
    }

    BenchFiles.Vectors rows(List<String> texts) {
      float[] data = new float[texts.size() * dims];
      for (int i = 0; i < texts.size(); i++) {
        float[] v = byText.get(texts.get(i));
        if (v == null) {
          throw new IllegalStateException("no vector for text: " + texts.get(i));
        }
        System.arraycopy(v, 0, data, i * dims, dims);
      }
      return new BenchFiles.Vectors(texts.size(), dims, data);
    }
  }

  private static BenchFiles.Vectors embedCached(
      OnnxEmbeddingModel model, List<String> texts, TextRole role, Path file) throws Exception {
    String hash = hash(texts, model.profile().name() + "/" + role);
    Path hashFile = file.resolveSibling(file.getFileName() + ".sha256");
    if (Files.exists(file)
        && Files.exists(hashFile)
        && Files.readString(hashFile).trim().equals(hash)) {
      BenchFiles.Vectors v = BenchFiles.readVectors(file);
      System.out.printf("%s: %,d cached vectors, texts unchanged%n", file, v.n());
      return v;
    }
    int dims = model.profile().dimension();
    Path part = file.resolveSibling(file.getFileName() + ".part");
    Path partHash = file.resolveSibling(file.getFileName() + ".part.sha256");
    int done = 0;
    if (Files.exists(part)
        && Files.exists(partHash)
        && Files.readString(partHash).trim().equals(hash)) {
      long rowBytes = 4L * dims;
      done = (int) (Files.size(part) / rowBytes);
      // Drop a torn last row, if any.
      try (var ch = java.nio.channels.FileChannel.open(part, StandardOpenOption.WRITE)) {
        ch.truncate(done * rowBytes);
      }
    } else {
      Files.deleteIfExists(part);
      Files.writeString(partHash, hash);
    }
    if (done > 0) {
      System.out.printf("%s: resuming after %,d of %,d texts%n", part, done, texts.size());
    }
    long t0 = System.nanoTime();
    int embedded = 0;
    try (OutputStream out =
            new BufferedOutputStream(
                Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.APPEND),
                1 << 20);
        ProgressBar pb = Progress.bar("embed " + role.name().toLowerCase(), texts.size())) {
      pb.stepTo(done);
      for (int from = done; from < texts.size(); from += CALL_SIZE) {
        int to = Math.min(texts.size(), from + CALL_SIZE);
        float[][] vectors = model.embed(texts.subList(from, to), role);
        BenchFiles.appendFloats(out, vectors);
        embedded += to - from;
        pb.stepTo(to);
        if ((from / CALL_SIZE) % 16 == 15) {
          out.flush();
        }
      }
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    if (embedded > 0) {
      System.out.printf(
          "Embedded %,d %s texts in %.1f s: %.0f texts/s%n",
          embedded, role.name().toLowerCase(), secs, embedded / secs);
    }
    float[] data = BenchFiles.readVectors(part, texts.size(), dims);
    BenchFiles.Vectors v = new BenchFiles.Vectors(texts.size(), dims, data);
    BenchFiles.writeVectors(file, v);
    Files.writeString(hashFile, hash);
    Files.deleteIfExists(part);
    Files.deleteIfExists(partHash);
    return v;
  }

  static String hash(List<String> texts, String salt) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    md.update(salt.getBytes(StandardCharsets.UTF_8));
    for (String t : texts) {
      md.update(t.getBytes(StandardCharsets.UTF_8));
      md.update((byte) '\n');
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
