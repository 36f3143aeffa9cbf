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
import java.util.HexFormat;
import java.util.List;
import me.tongfei.progressbar.ProgressBar;

/**
 * Embeds real texts (WordNet 3.0 glosses and example sentences from Debian's {@code wordnet-base})
 * with the default model profile (int8 all-MiniLM-L6-v2) and caches the vectors, then the exact
 * top-10 ground truth of the held-back queries. Resumable: vectors are appended to a {@code .part}
 * file as they come, and a rerun continues where the last one stopped.
 *
 * <pre>
 * benchmarks/run.sh RealVectors [--queries 2000] [--max-corpus N] [--wordnet /usr/share/wordnet]
 * </pre>
 *
 * Files in {@link BenchFiles#dir()}: {@code wordnet-corpus.txt|.vec}, {@code
 * wordnet-queries.txt|.vec}, {@code wordnet-gt10.knn}.
 */
public final class RealVectors {

  static final long SEED = 20260101L;
  static final int CALL_SIZE = 256;

  private RealVectors() {}

  /** The cached real data set. */
  public record Data(
      BenchFiles.Vectors corpus, BenchFiles.Vectors queries, int[][] truth, String description) {}

  /** Loads the cached real vectors and ground truth; fails with the command to make them. */
  public static Data load() throws Exception {
    Path dir = BenchFiles.dir();
    Path corpusFile = dir.resolve("wordnet-corpus.vec");
    Path queryFile = dir.resolve("wordnet-queries.vec");
    if (!Files.exists(corpusFile) || !Files.exists(queryFile)) {
      throw new IOException(
          "no cached real vectors in " + dir + ": run `benchmarks/run.sh RealVectors` first");
    }
    BenchFiles.Vectors corpus = BenchFiles.readVectors(corpusFile);
    BenchFiles.Vectors queries = BenchFiles.readVectors(queryFile);
    int[][] truth =
        GroundTruth.loadOrCompute(dir.resolve("wordnet-gt10.knn"), corpus, queries, "REAL");
    String description =
        String.format(
            "REAL: WordNet 3.0 glosses+examples, all-MiniLM-L6-v2 int8, %,d docs, %,d held-back"
                + " queries, %d dims",
            corpus.n(), queries.n(), corpus.dims());
    return new Data(corpus, queries, truth, description);
  }

  public static void main(String[] args) throws Exception {
    Bench.checkArgs("RealVectors", args, "--queries=N", "--max-corpus=N", "--wordnet=VALUE");
    int queryCount = Bench.intArg(args, "--queries", 2000);
    int maxCorpus = Bench.intArg(args, "--max-corpus", Integer.MAX_VALUE);
    String wordnetArg = Bench.arg(args, "--wordnet");
    Path wordnet = wordnetArg == null ? WordNetTexts.DEFAULT_DIR : Path.of(wordnetArg);
    Path dir = BenchFiles.dir();
    List<String> texts = WordNetTexts.read(wordnet);
    WordNetTexts.Split split = WordNetTexts.split(texts, queryCount, maxCorpus, SEED);
    System.out.printf(
        "WordNet: %,d distinct glosses and examples -> corpus %,d, held-back queries %,d (seed %d)%n",
        texts.size(), split.corpus().size(), split.queries().size(), SEED);
    BenchFiles.writeLines(dir.resolve("wordnet-corpus.txt"), split.corpus());
    BenchFiles.writeLines(dir.resolve("wordnet-queries.txt"), split.queries());

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
      System.out.printf("Texts truncated to max tokens: %d%n", model.truncatedTexts());
      GroundTruth.loadOrCompute(dir.resolve("wordnet-gt10.knn"), corpus, queries, "REAL");
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
