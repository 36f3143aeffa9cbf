package dev.mstream.jobs.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mstream.embed.EmbedderOptions;
import dev.mstream.embed.EmbeddingModel;
import dev.mstream.embed.ModelProfile;
import dev.mstream.embed.ModelProfiles;
import dev.mstream.embed.OnnxEmbeddingModel;
import dev.mstream.embed.TextRole;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Quality check on real data: STS Benchmark test pairs, Spearman correlation of cosine similarity
 * with the gold score. A wrong tokenizer, pooling or normalisation shows up here as a drop of
 * several points, which the unit tests cannot see. The data is not part of the repository, so the
 * test skips where {@code shared/datasets/stsb} is absent.
 */
class StsBenchmarkTest {

  /**
   * Cosines 0.1, 0.2, 0.2, 0.3, 0.5 (a tie) against gold 2, 1, 4, 4, 3 (a tie): {@code
   * scipy.stats.spearmanr} gives 0.394737 (ties at their average rank), {@code pearsonr} 0.328719.
   */
  @Test
  void correlatesLikeScipyWithTies() {
    double[] cosines = {0.1, 0.2, 0.2, 0.3, 0.5};
    double[] gold = {2, 1, 4, 4, 3};
    List<StsBenchmark.Pair> pairs = new java.util.ArrayList<>();
    for (int i = 0; i < cosines.length; i++) {
      pairs.add(new StsBenchmark.Pair(gold[i], "reference", "cosine " + cosines[i]));
    }
    StsBenchmark.Result result = StsBenchmark.evaluate(new AngleModel(), pairs, TextRole.DOCUMENT);
    assertThat(result.spearman()).isCloseTo(0.394737, within(1e-6));
    assertThat(result.pearson()).isCloseTo(0.328719, within(1e-6));
    assertThat(result.pairs()).isEqualTo(5);
    assertThat(result.sentences()).isEqualTo(5); // "reference" and four distinct cosines
  }

  @Test
  void monotoneIsOneReversedIsMinusOne() {
    List<StsBenchmark.Pair> rising = new java.util.ArrayList<>();
    List<StsBenchmark.Pair> falling = new java.util.ArrayList<>();
    double[] cosines = {0.1, 0.2, 0.4, 0.8, 0.9};
    for (int i = 0; i < cosines.length; i++) {
      rising.add(new StsBenchmark.Pair(i * i, "reference", "cosine " + cosines[i]));
      falling.add(new StsBenchmark.Pair(-i, "reference", "cosine " + cosines[i]));
    }
    assertThat(StsBenchmark.evaluate(new AngleModel(), rising, TextRole.DOCUMENT).spearman())
        .isCloseTo(1, within(1e-12));
    assertThat(StsBenchmark.evaluate(new AngleModel(), falling, TextRole.DOCUMENT).spearman())
        .isCloseTo(-1, within(1e-12));
  }

  /** "reference" is (1, 0); "cosine c" is the unit vector whose cosine with it is c. */
  private static final class AngleModel implements EmbeddingModel {
    @Override
    public ModelProfile profile() {
      throw new UnsupportedOperationException();
    }

    @Override
    public float[][] embed(List<String> texts, TextRole role) {
      float[][] out = new float[texts.size()][];
      for (int i = 0; i < texts.size(); i++) {
        String t = texts.get(i);
        double c = t.equals("reference") ? 1 : Double.parseDouble(t.substring("cosine ".length()));
        out[i] = new float[] {(float) c, (float) Math.sqrt(1 - c * c)};
      }
      return out;
    }

    @Override
    public long truncatedTexts() {
      return 0;
    }

    @Override
    public void close() {}
  }

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
    List<StsBenchmark.Pair> pairs = StsBenchmark.readPairs(file);
    assertThat(pairs).hasSize(1379);

    StsBenchmark.Result result;
    try (OnnxEmbeddingModel model =
        OnnxEmbeddingModel.open(
            ModelProfiles.builtIn("all-minilm-l6-v2-q"),
            EmbedderOptions.defaults().withIntraOpThreads(2))) {
      result = StsBenchmark.evaluate(model, pairs, TextRole.DOCUMENT);
    }
    System.out.printf("STS-B test Spearman, all-minilm-l6-v2-q: %.4f%n", result.spearman());
    // The published figure is for fp32 all-MiniLM-L6-v2: 0.82 (this pipeline with the fp32 jar,
    // `mstream.jar sts`: 0.8203, see docs/quality.md). The int8 model measured 0.8198 here; the
    // bound is that value +-0.01.
    assertThat(result.spearman()).isCloseTo(0.8198, within(0.01));
    assertThat(result.pairs()).isEqualTo(1379);
  }
}
