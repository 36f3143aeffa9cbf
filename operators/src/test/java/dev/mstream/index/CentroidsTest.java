package dev.mstream.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class CentroidsTest {

  @Test
  void findsSeparatedClustersDeterministically() {
    Random rnd = new Random(4);
    int dims = 8;
    int clusters = 6;
    float[][] centres = TestVectors.gaussian(rnd, clusters, dims);
    for (float[] c : centres) {
      for (int j = 0; j < dims; j++) {
        c[j] *= 20;
      }
    }
    float[][] points = new float[1200][];
    for (int i = 0; i < points.length; i++) {
      float[] p = centres[i % clusters].clone();
      for (int j = 0; j < dims; j++) {
        p[j] += (float) rnd.nextGaussian() * 0.1f;
      }
      points[i] = p;
    }
    Centroids a = Centroids.fit(points, dims, clusters, 8, 42);
    Centroids b = Centroids.fit(points, dims, clusters, 8, 42);
    assertThat(a).isEqualTo(b);
    assertThat(a.version()).isEqualTo(b.version());
    // Points of one true cluster share a centroid, and different clusters do not.
    int[] of = new int[clusters];
    for (int c = 0; c < clusters; c++) {
      of[c] = a.nearest(points[c]);
    }
    for (int i = 0; i < points.length; i++) {
      assertThat(a.nearest(points[i])).isEqualTo(of[i % clusters]);
    }
    assertThat(java.util.Arrays.stream(of).distinct().count()).isEqualTo(clusters);
  }

  @Test
  void probesAreNearestFirstAndCoverEveryListWhenAskedForAll() {
    Random rnd = new Random(5);
    float[][] points = TestVectors.gaussian(rnd, 500, 4);
    Centroids c = Centroids.fit(points, 4, 20, 4, 1);
    float[] q = points[7];
    int[] all = c.probe(q, 1000);
    assertThat(all).hasSize(20).doesNotHaveDuplicates();
    assertThat(all[0]).isEqualTo(c.nearest(q));
    for (int i = 1; i < all.length; i++) {
      assertThat(c.squaredDistance(q, all[i]))
          .isGreaterThanOrEqualTo(c.squaredDistance(q, all[i - 1]) - 1e-4f);
    }
    assertThat(c.probe(q, 5)).containsExactly(java.util.Arrays.copyOf(all, 5));
  }
}
