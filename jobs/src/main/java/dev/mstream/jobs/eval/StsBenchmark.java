package dev.mstream.jobs.eval;

import static org.apache.flink.util.Preconditions.checkArgument;

import dev.mstream.embed.EmbeddingModel;
import dev.mstream.embed.TextRole;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.stat.correlation.PearsonsCorrelation;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;

/**
 * STS Benchmark (semantic textual similarity): the Spearman correlation between the cosine
 * similarity of two sentences' vectors and the gold score (0–5), as sentence-transformers and MTEB
 * report it. A tokenizer, pooling or normalisation bug drops it by several points, which unit tests
 * cannot see. Ties get their average rank (commons-math's default ranking), as {@code
 * scipy.stats.spearmanr} gives them.
 *
 * <p>The file format is the original {@code sts-*.csv}: tab-separated, gold score in column 5,
 * sentences in columns 6 and 7 (1-based); some lines carry extra columns, which are ignored.
 */
public final class StsBenchmark {

  /** One gold-scored sentence pair. */
  public record Pair(double score, String first, String second) {}

  /** Spearman (the headline figure) and Pearson of cosine vs gold, over {@code pairs} pairs. */
  public record Result(double spearman, double pearson, int pairs, int sentences, double seconds) {}

  private StsBenchmark() {}

  public static List<Pair> readPairs(Path file) throws IOException {
    List<Pair> pairs = new ArrayList<>();
    int lineNo = 0;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      lineNo++;
      if (line.isBlank()) {
        continue;
      }
      String[] cols = line.split("\t", -1);
      if (cols.length < 7) {
        throw new IOException(
            file + " line " + lineNo + ": fewer than 7 tab-separated columns: " + line);
      }
      try {
        pairs.add(new Pair(Double.parseDouble(cols[4]), cols[5], cols[6]));
      } catch (NumberFormatException e) {
        throw new IOException(file + " line " + lineNo + ": score '" + cols[4] + "'", e);
      }
    }
    return pairs;
  }

  /**
   * Embeds every distinct sentence once, in one call (so the model can sort them by length), and
   * correlates cosine similarity with the gold scores.
   *
   * @param role which prefix the sentences get: {@link TextRole#DOCUMENT} for models without
   *     instructions or with a retrieval-only query instruction (bge), {@link TextRole#QUERY} for
   *     models whose card asks for the query prefix on symmetric tasks (e5: {@code "query: "})
   */
  public static Result evaluate(EmbeddingModel model, List<Pair> pairs, TextRole role) {
    checkArgument(pairs.size() >= 2, "need at least two pairs, got %s", pairs.size());
    long start = System.nanoTime();
    Map<String, Integer> index = new LinkedHashMap<>();
    for (Pair p : pairs) {
      index.putIfAbsent(p.first(), index.size());
      index.putIfAbsent(p.second(), index.size());
    }
    float[][] vectors = model.embed(new ArrayList<>(index.keySet()), role);
    double[] gold = new double[pairs.size()];
    double[] cosine = new double[pairs.size()];
    for (int i = 0; i < pairs.size(); i++) {
      Pair p = pairs.get(i);
      gold[i] = p.score();
      cosine[i] = cosine(vectors[index.get(p.first())], vectors[index.get(p.second())]);
    }
    return new Result(
        new SpearmansCorrelation().correlation(cosine, gold),
        new PearsonsCorrelation().correlation(cosine, gold),
        pairs.size(),
        index.size(),
        (System.nanoTime() - start) / 1e9);
  }

  /** Cosine even for profiles that do not normalise. */
  private static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    double norm = Math.sqrt(na * nb);
    return norm == 0 ? 0 : dot / norm;
  }
}
