package dev.mstream.index;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mstream.index.vector.VectorUtil;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The budget a fit measures on its held-out documents, checked on documents it never saw. */
class BudgetCalibrationTest {

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
          .isGreaterThanOrEqualTo(BudgetCalibration.probeTarget(target) - 0.03);
    }
  }

  /**
   * The fitted candidates, on documents the fit never saw (three times the sample, so the scaling
   * by documents counts): the share of the probed exact neighbours that the first stage ranks
   * within them reaches the shortlist target, give or take the sampling error; and a higher target
   * never gets a shorter shortlist.
   */
  @Test
  void fittedCandidatesKeepTheProbedNeighboursOnUnseenDocuments() {
    Random rnd = new Random(33);
    float[][] all = TestVectors.clustered(rnd, 12_000, DIM, 60, 0.35f);
    float[][] sample = Arrays.copyOf(all, 4_000);
    float[][] unseen = Arrays.copyOfRange(all, 4_000, all.length);
    int previous = 0;
    for (double target : new double[] {0.8, 0.9, 0.95}) {
      IndexSettings s =
          IndexSettings.builder("m", DIM)
              .prefixDims(32)
              .packedBits(4)
              .centroidDims(16)
              .lists(64)
              .targetRecall(target)
              .build();
      IndexFit fit = IndexFitter.of(s).fit(sample, unseen.length);
      int candidates = fit.fittedCandidates();
      assertThat(candidates).as("target %s", target).isGreaterThanOrEqualTo(Math.max(10, previous));
      previous = candidates;
      InvertedFileArena ivf = new InvertedFileArena(fit, 1);
      int queries = 200;
      for (int i = queries; i < unseen.length; i++) {
        PrefixIndex.Encoded e = ivf.encode(unseen[i]);
        ivf.putEncoded("d" + i, "ns", java.util.Map.of(), e.code(), e.centroid());
      }
      long kept = 0;
      long probedNeighbours = 0;
      for (int q = 0; q < queries; q++) {
        Shortlist all2 =
            ivf.shortlist(
                "ns",
                java.util.Map.of(),
                unseen[q],
                new SearchPlan(32, fit.fittedProbes(), unseen.length, unseen.length));
        Shortlist cut =
            ivf.shortlist(
                "ns",
                java.util.Map.of(),
                unseen[q],
                new SearchPlan(32, fit.fittedProbes(), candidates, candidates));
        java.util.Set<String> inProbed = ids(ivf, all2);
        java.util.Set<String> inCut = ids(ivf, cut);
        NeighborQueue top = new NeighborQueue(10);
        for (int i = queries; i < unseen.length; i++) {
          top.offer(i, VectorUtil.dot(unseen[i], unseen[q]));
        }
        for (int n : top.drainBestFirst(null)) {
          if (inProbed.contains("d" + n)) {
            probedNeighbours++;
            kept += inCut.contains("d" + n) ? 1 : 0;
          }
        }
      }
      assertThat(kept / (double) probedNeighbours)
          .as("target %s, %d candidates", target, candidates)
          .isGreaterThanOrEqualTo(BudgetCalibration.shortlistTarget(target) - 0.03);
    }
  }

  private static java.util.Set<String> ids(InvertedFileArena ivf, Shortlist s) {
    java.util.Set<String> out = new java.util.HashSet<>();
    for (int slot : s.slots()) {
      out.add(ivf.idOf(slot));
    }
    return out;
  }

  @Test
  void noTargetNoMeasurementAndTheFlatLayoutHasNoProbes() {
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
    assertThat(IndexFitter.of(s).fit(sample, 2_000).fittedCandidates()).isZero();
    IndexSettings flat =
        IndexSettings.builder("m", DIM).layout(IndexLayout.FLAT).targetRecall(0.9).build();
    IndexFit flatFit = IndexFitter.of(flat).fit(sample, 2_000);
    assertThat(flatFit.fittedProbes()).isZero();
    assertThat(flatFit.fittedCandidates()).as("the flat layout's shortlist").isPositive();
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
