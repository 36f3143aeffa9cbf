package dev.mstream.index;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mstream.index.vector.VectorUtil;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The probes a fit measures on its held-out documents, checked on documents it never saw. */
class ProbeCalibrationTest {

  private static final int DIM = 48;

  @Test
  void fittedProbesHoldTheirProbeRecallOnUnseenDocumentsAndGrowWithTheTarget() {
    Random rnd = new Random(31);
    float[][] all = TestVectors.clustered(rnd, 12_000, DIM, 60, 0.35f);
    float[][] sample = Arrays.copyOf(all, 4_000);
    float[][] unseen = Arrays.copyOfRange(all, 4_000, all.length);
    int[] previous = {0};
    for (double target : new double[] {0.6, 0.8, 0.9, 0.98}) {
      IndexSettings s =
          IndexSettings.builder("m", DIM)
              .prefixDims(32)
              .centroidDims(16)
              .lists(64)
              .targetRecall(target)
              .build();
      IndexFit fit = IndexFitter.of(s).fit(sample, all.length);
      int probes = fit.fittedProbes();
      assertThat(probes).as("target %s", target).isBetween(1, fit.centroids().count());
      assertThat(probes).as("more recall costs more probes").isGreaterThanOrEqualTo(previous[0]);
      previous[0] = probes;
      // Queries and documents the fit never saw: the probe recall at the fitted probes reaches
      // the probe target, give or take the sampling error of 128 queries.
      double measured = probeRecall(fit, unseen, 200, probes);
      assertThat(measured)
          .as("target %s, %d probes", target, probes)
          .isGreaterThanOrEqualTo(ProbeCalibration.probeTarget(target) - 0.03);
    }
  }

  @Test
  void noTargetNoMeasurement() {
    Random rnd = new Random(32);
    float[][] sample = TestVectors.clustered(rnd, 2_000, DIM, 20, 0.3f);
    IndexSettings s =
        IndexSettings.builder("m", DIM)
            .prefixDims(32)
            .centroidDims(16)
            .lists(16)
            .targetRecall(0)
            .build();
    assertThat(IndexFitter.of(s).fit(sample, 2_000).fittedProbes()).isZero();
    IndexSettings flat =
        IndexSettings.builder("m", DIM).layout(IndexLayout.FLAT).targetRecall(0.9).build();
    assertThat(IndexFitter.of(flat).fit(sample, 2_000).fittedProbes()).isZero();
  }

  /** Share of exact top-10 neighbours (among {@code docs}) in the query's {@code probes} lists. */
  private static double probeRecall(IndexFit fit, float[][] docs, int queries, int probes) {
    Centroids c = fit.centroids();
    int[] listOf = new int[docs.length];
    for (int i = queries; i < docs.length; i++) {
      listOf[i] = c.nearest(fit.projection().project(docs[i]));
    }
    long found = 0;
    for (int q = 0; q < queries; q++) {
      NeighborQueue top = new NeighborQueue(10);
      for (int i = queries; i < docs.length; i++) {
        top.offer(i, VectorUtil.dot(docs[i], docs[q]));
      }
      int[] probed = c.probe(fit.projection().project(docs[q]), probes);
      for (int n : top.drainBestFirst(null)) {
        for (int list : probed) {
          if (list == listOf[n]) {
            found++;
            break;
          }
        }
      }
    }
    return found / (double) (queries * 10);
  }
}
