package dev.mstream.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
