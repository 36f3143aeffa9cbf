package dev.mstream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mstream.index.NeighborQueue;
import dev.mstream.index.PrefixArena;
import dev.mstream.index.PrefixEncoding;
import dev.mstream.index.Projection;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.ParameterException;

/** Quick checks of the benchmark plumbing; no benchmark runs in the build. */
class BenchToolsTest {

  static {
    System.setProperty(Progress.QUIET, "true");
  }

  private static BenchFiles.Vectors randomUnitVectors(int n, int d, long seed) {
    Random rnd = new Random(seed);
    float[] data = new float[n * d];
    for (int i = 0; i < n; i++) {
      double norm = 0;
      for (int j = 0; j < d; j++) {
        float v = (float) rnd.nextGaussian();
        data[i * d + j] = v;
        norm += v * v;
      }
      for (int j = 0; j < d; j++) {
        data[i * d + j] /= (float) Math.sqrt(norm);
      }
    }
    return new BenchFiles.Vectors(n, d, data);
  }

  @Test
  void argumentsAreCheckedWithPicocli() {
    String[] accepted = {"--queries=N", "--dims=LIST", "--encoding=VALUE", "--rocksdb"};
    String[] args = {"--queries", "1_000", "--dims=32,64", "--encoding", "float16", "--rocksdb"};
    Bench.parser("P", accepted).parseArgs(args);
    assertThat(Bench.intArg(args, "--queries", 1)).isEqualTo(1000);
    assertThat(Bench.intList(args, "--dims", 1)).containsExactly(32, 64);
    assertThat(Bench.arg(args, "--encoding")).isEqualTo("float16");
    assertThat(Bench.flag(args, "--rocksdb")).isTrue();
    assertThat(Bench.intArg(new String[0], "--queries", 7)).isEqualTo(7);

    assertThatThrownBy(() -> Bench.parser("P", accepted).parseArgs("--querys", "5"))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("Unknown options: '--querys'");
    assertThatThrownBy(() -> Bench.parser("P", accepted).parseArgs("--queries", "many"))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("--queries");
    assertThatThrownBy(() -> Bench.parser("P", accepted).parseArgs("--dims", "32,x"))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("--dims");
    assertThatThrownBy(() -> Bench.parser("P", accepted).parseArgs("--queries"))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("--queries");
  }

  @Test
  void topKKeepsTheBestBestFirst() {
    NeighborQueue top = new NeighborQueue(3);
    float[] scores = {0.1f, 0.9f, 0.5f, 0.7f, 0.9f, -1f};
    for (int i = 0; i < scores.length; i++) {
      top.offer(i, scores[i]);
    }
    assertThat(top.sortedSlots()).containsExactly(1, 4, 3); // ties: smaller id first
    assertThat(top.minScore()).isEqualTo(0.7f);
  }

  @Test
  void vectorAndNeighbourFilesRoundTrip(@TempDir Path dir) throws Exception {
    BenchFiles.Vectors v = randomUnitVectors(300_001 / 384 + 3, 384, 1);
    BenchFiles.writeVectors(dir.resolve("a.vec"), v);
    BenchFiles.Vectors back = BenchFiles.readVectors(dir.resolve("a.vec"));
    assertThat(back.n()).isEqualTo(v.n());
    // Not containsExactly: on these 300,000 floats AssertJ takes 20 s even when they are equal.
    // The first index that differs says as much as its diff would.
    assertThat(Arrays.mismatch(back.data(), v.data()))
        .as("first index where the vectors read back differ (-1: none)")
        .isEqualTo(-1);
    int[][] knn = {{1, 2, 3}, {4, 5, 6}};
    BenchFiles.writeNeighbours(dir.resolve("a.knn"), knn);
    assertThat(BenchFiles.readNeighbours(dir.resolve("a.knn"))).isDeepEqualTo(knn);
  }

  @Test
  void wordNetLinesYieldDefinitionAndExamples() {
    Set<String> out = new LinkedHashSet<>();
    WordNetTexts.parseLine(
        "00001740 03 n 01 entity 0 003 ~ 00001930 n 0000 | that which is perceived or known or"
            + " inferred to have its own distinct existence (living or nonliving)  ",
        out);
    WordNetTexts.parseLine(
        "00006024 00 a 01 abaxial 0 002 ;c 06066555 n 0000 | facing away from the axis of an organ"
            + " or organism; \"the abaxial surface of a leaf is the underside\"; \"dorsal fins\"  ",
        out);
    WordNetTexts.parseLine("  1 This software and database is being provided", out);
    assertThat(out)
        .containsExactly(
            "that which is perceived or known or inferred to have its own distinct existence"
                + " (living or nonliving)",
            "facing away from the axis of an organ or organism",
            "the abaxial surface of a leaf is the underside",
            "dorsal fins");
  }

  @Test
  void splitHoldsBackDisjointQueries() {
    List<String> texts = List.of("a", "b", "c", "d", "e", "f");
    WordNetTexts.Split s = WordNetTexts.split(texts, 2, Integer.MAX_VALUE, 7);
    assertThat(s.queries()).hasSize(2).doesNotContainAnyElementsOf(s.corpus());
    assertThat(s.corpus()).hasSize(4);
  }

  @Test
  void exactSearchAndRecall() throws Exception {
    BenchFiles.Vectors corpus = randomUnitVectors(3000, 48, 2);
    BenchFiles.Vectors queries = randomUnitVectors(20, 48, 3);
    int[][] truth = ExactSearch.topK(corpus, queries, 10, 2, () -> {});
    for (int q = 0; q < queries.n(); q++) {
      float best = Float.NEGATIVE_INFINITY;
      int arg = -1;
      for (int i = 0; i < corpus.n(); i++) {
        float s = dev.mstream.index.vector.VectorUtil.dot(corpus.row(i), queries.row(q));
        if (s > best) {
          best = s;
          arg = i;
        }
      }
      assertThat(truth[q][0]).isEqualTo(arg);
    }
    assertThat(GroundTruth.recall(truth, truth, 10)).isEqualTo(1.0);
    assertThat(GroundTruth.recall(new int[] {1, 2}, new int[] {2, 9}, 2)).isEqualTo(0.5);
  }

  @Test
  void funnelWithEveryCandidateIsExact() throws Exception {
    BenchFiles.Vectors corpus = randomUnitVectors(600, 64, 4);
    BenchFiles.Vectors queries = randomUnitVectors(10, 64, 5);
    int[][] truth = ExactSearch.topK(corpus, queries, 10, 1, () -> {});
    float[][] sample = new float[200][];
    for (int i = 0; i < sample.length; i++) {
      sample[i] = corpus.row(i);
    }
    Projection p = Projection.fitPca(sample, 16);
    PrefixArena arena = FunnelBenchmark.build(p, PrefixEncoding.INT8, corpus, 0, corpus.n(), "t");
    for (int q = 0; q < queries.n(); q++) {
      int[] got =
          FunnelBenchmark.search(
              arena, corpus, queries.row(q), 16, corpus.n(), new NeighborQueue(10));
      assertThat(got).containsExactly(truth[q]);
    }
  }

  @Test
  void syntheticDrawsFollowTheFittedModel() throws Exception {
    BenchFiles.Vectors real = randomUnitVectors(2000, 16, 6);
    SyntheticVectors.Model m = SyntheticVectors.fit(real, real.n());
    BenchFiles.Vectors a = SyntheticVectors.draw(m, 500, 9, "t");
    BenchFiles.Vectors b = SyntheticVectors.draw(m, 500, 9, "t");
    assertThat(a.data()).containsExactly(b.data()); // deterministic
    for (int i = 0; i < a.n(); i++) {
      double norm = 0;
      for (float x : a.row(i)) {
        norm += x * x;
      }
      assertThat(norm).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
    }
    double[][] id = {{4, 0}, {2, 5}};
    double[][] l = SyntheticVectors.cholesky(id);
    assertThat(l[0][0]).isEqualTo(2.0);
    assertThat(l[1][0]).isEqualTo(1.0);
    assertThat(l[1][1]).isEqualTo(2.0);
  }

  @Test
  void interpolationAtTargetRecall() {
    List<LuceneHnswBaseline.Point> pts =
        List.of(
            new LuceneHnswBaseline.Point(10, 0.90, 1000, 1100, 1800),
            new LuceneHnswBaseline.Point(20, 1.00, 500, 600, 900));
    double[] at = LuceneHnswBaseline.interpolateAt(pts, 0.95);
    assertThat(at[0]).isCloseTo(750.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(at[1]).isCloseTo(850.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(at[2]).isCloseTo(1350.0, org.assertj.core.data.Offset.offset(1e-9));
  }
}
