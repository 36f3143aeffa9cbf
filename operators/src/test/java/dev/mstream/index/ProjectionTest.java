package dev.mstream.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mstream.index.vector.VectorUtil;
import java.io.IOException;
import java.util.Random;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class ProjectionTest {

  @Test
  void fullRotationPreservesInnerProducts() {
    float[][] sample = TestVectors.correlated(new Random(1), 500, 24);
    Projection p = Projection.fitPca(sample, 24);
    Random rnd = new Random(2);
    for (int t = 0; t < 100; t++) {
      float[] x = sample[rnd.nextInt(sample.length)];
      float[] y = sample[rnd.nextInt(sample.length)];
      assertThat((double) VectorUtil.dot(p.project(x), p.project(y)))
          .isCloseTo(VectorUtil.dot(x, y), org.assertj.core.data.Offset.offset(1e-4));
    }
  }

  @Test
  void rowsAreOrthonormalAndSortedByVariance() {
    float[][] sample = TestVectors.correlated(new Random(3), 800, 16);
    Projection p = Projection.fitPca(sample, 8);
    float[] rows = p.rows();
    for (int i = 0; i < 8; i++) {
      for (int j = 0; j < 8; j++) {
        float dot = VectorUtil.dot(rows, i * 16, rows, j * 16, 16);
        assertThat((double) dot)
            .isCloseTo(i == j ? 1 : 0, org.assertj.core.data.Offset.offset(1e-4));
      }
    }
    double previous = Double.MAX_VALUE;
    for (int i = 0; i < 8; i++) {
      double variance = 0;
      for (float[] v : sample) {
        double y = VectorUtil.dot(rows, i * 16, v, 0, 16);
        variance += y * y;
      }
      assertThat(variance).isLessThanOrEqualTo(previous * 1.0001);
      previous = variance;
    }
  }

  @Test
  void prefixOfRotatedVectorsCarriesMoreVarianceThanTruncation() {
    float[][] sample = TestVectors.correlated(new Random(4), 1000, 32);
    Projection pca = Projection.fitPca(sample, 8);
    Projection identity = Projection.identity(32, 8, sample);
    double pcaEnergy = 0;
    double truncEnergy = 0;
    for (float[] v : sample) {
      pcaEnergy += VectorUtil.dot(pca.project(v), pca.project(v));
      truncEnergy += VectorUtil.dot(identity.project(v), identity.project(v));
    }
    assertThat(pcaEnergy).isGreaterThan(truncEnergy * 1.5);
    assertThat(identity.isIdentity()).isTrue();
    assertThat(identity.project(sample[0])).containsExactly(java.util.Arrays.copyOf(sample[0], 8));
  }

  @Test
  void int8CodesStayWithinRangeAndTrackValues() {
    float[][] sample = TestVectors.correlated(new Random(5), 300, 16);
    Projection p = Projection.fitPca(sample, 16);
    for (float[] v : sample) {
      float[] y = p.project(v);
      byte[] c = p.encodeInt8(y);
      for (int j = 0; j < 16; j++) {
        assertThat((int) c[j]).isBetween(-127, 127);
        assertThat((double) c[j] * p.scales()[j])
            .isCloseTo(y[j], org.assertj.core.data.Offset.offset(p.scales()[j] * 0.51));
      }
    }
  }

  @Test
  void serializerRoundTripsAndVersionTracksContent() throws IOException {
    float[][] sample = TestVectors.correlated(new Random(6), 200, 12);
    Projection p = Projection.fitPca(sample, 6);
    DataOutputSerializer out = new DataOutputSerializer(256);
    ProjectionSerializer.INSTANCE.serialize(p, out);
    Projection back =
        ProjectionSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    assertThat(back).isEqualTo(p);
    assertThat(back.version()).isEqualTo(p.version());
    assertThat(Projection.fitPca(TestVectors.correlated(new Random(7), 200, 12), 6).version())
        .isNotEqualTo(p.version());
  }

  @Test
  void rejectsBadPrefix() {
    assertThatThrownBy(() -> Projection.identity(8, 9, new float[][] {new float[8]}))
        .hasMessageContaining("mstream.index.prefix-dims");
  }
}
