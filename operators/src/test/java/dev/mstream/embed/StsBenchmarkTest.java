package dev.mstream.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Quality check on real data: STS Benchmark test pairs, Spearman correlation of cosine similarity
 * with the gold score. A wrong tokenizer, pooling or normalisation shows up here as a drop of
 * several points, which the unit tests cannot see. The data is not part of the repository, so the
 * test skips where {@code shared/datasets/stsb} is absent.
 */
class StsBenchmarkTest {

  private static Path stsTest() {
    String shared = System.getProperty("mstream.shared.dir", "../../shared");
    return Paths.get(shared, "datasets", "stsb", "sts-test.csv");
  }

  @Test
  void int8MiniLmMatchesItsMeasuredSpearman() throws IOException {
    Path file = stsTest();
    assumeTrue(
        Files.isRegularFile(file),
        "STS-B test set not found at "
            + file.toAbsolutePath()
            + " (set -Dmstream.shared.dir to the folder holding datasets/); skipping");
    List<Pair> pairs = readPairs(file);
    assertThat(pairs).hasSize(1379);

    Map<String, Integer> index = new LinkedHashMap<>();
    for (Pair p : pairs) {
      index.putIfAbsent(p.first, index.size());
      index.putIfAbsent(p.second, index.size());
    }
    float[][] vectors;
    try (OnnxEmbeddingModel model =
        OnnxEmbeddingModel.open(
            ModelProfiles.builtIn("all-minilm-l6-v2-q"),
            EmbedderOptions.defaults().withIntraOpThreads(2))) {
      vectors = model.embed(new ArrayList<>(index.keySet()), TextRole.DOCUMENT);
    }

    double[] gold = new double[pairs.size()];
    double[] cosine = new double[pairs.size()];
    for (int i = 0; i < pairs.size(); i++) {
      Pair p = pairs.get(i);
      gold[i] = p.score;
      cosine[i] = Vectors.dot(vectors[index.get(p.first)], vectors[index.get(p.second)]);
    }
    double spearman = Spearman.correlation(cosine, gold);
    System.out.printf("STS-B test Spearman, all-minilm-l6-v2-q: %.4f%n", spearman);
    // The published figure is for fp32 all-MiniLM-L6-v2: 0.82 (this pipeline with the fp32 jar,
    // run by hand: 0.8203). The int8 model measured 0.8198 here; the bound is that value +-0.01.
    assertThat(spearman).isCloseTo(0.8198, within(0.01));
  }

  /** Columns 5, 6, 7 (1-based); some lines carry extra columns after them, which are ignored. */
  private static List<Pair> readPairs(Path file) throws IOException {
    List<Pair> pairs = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (line.isBlank()) {
        continue;
      }
      String[] cols = line.split("\t", -1);
      if (cols.length < 7) {
        throw new IOException("fewer than 7 tab-separated columns in " + file + ": " + line);
      }
      pairs.add(new Pair(Double.parseDouble(cols[4]), cols[5], cols[6]));
    }
    return pairs;
  }

  private record Pair(double score, String first, String second) {}
}
