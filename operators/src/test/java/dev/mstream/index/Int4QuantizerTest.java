package dev.mstream.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.mstream.index.vector.VectorUtil;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Int4QuantizerTest {

  @Test
  void codesHoldTheCellOfEveryDimensionInTheSegmentLayout() {
    Random rnd = new Random(1);
    int dims = 100; // segments of 64 and 36 dims: 32 + 18 bytes
    float[][] sample = gaussian(rnd, 500, dims);
    Int4Quantizer q = Int4Quantizer.fit(sample, dims);
    assertThat(Int4Quantizer.codeBytes(dims)).isEqualTo(50);
    for (float[] y : sample) {
      byte[] code = q.encode(y);
      assertThat(code).hasSize(50);
      float[] back = q.decode(code);
      for (int j = 0; j < dims; j++) {
        int cell = Int4Quantizer.cell(code, dims, j);
        float lo = q.lo()[j] + cell * q.step()[j];
        if (cell > 0 && cell < 15) {
          assertThat(y[j]).isBetween(lo - 1e-5f, lo + q.step()[j] + 1e-5f); // inside its cell
        }
        assertThat(back[j]).isCloseTo(lo + q.step()[j] / 2, offset(1e-5f));
      }
    }
  }

  @Test
  void integerScoresFollowTheInnerProductWithTheReconstruction() {
    Random rnd = new Random(2);
    int dims = 128;
    float[][] sample = gaussian(rnd, 400, dims);
    Int4Quantizer q = Int4Quantizer.fit(sample, dims);
    float[] query = gaussian(rnd, 1, dims)[0];
    for (int d : new int[] {17, 64, 100, 128}) {
      Int4Quantizer.QueryWeights w = q.weigh(query, d);
      for (int i = 0; i < 50; i++) {
        byte[] code = q.encode(sample[i]);
        int score = 0;
        for (int s = 0, off = 0, wOff = 0; s * 64 < dims; s++) {
          int n = Int4Quantizer.segmentBytes(Math.min(64, dims - s * 64));
          score += VectorUtil.dotInt4(code, off, w.weights(), wOff, n);
          off += n;
          wOff += 2 * n;
        }
        float[] back = q.decode(code);
        double exact = 0;
        double scale = 0;
        for (int j = 0; j < d; j++) {
          exact += (double) query[j] * back[j];
          scale += Math.abs(query[j] * q.step()[j]) * 16;
        }
        // Only the query's rounding to ±127 separates the two: half a unit per dimension.
        assertThat((double) w.approximate(score))
            .isCloseTo(exact, offset(d * 0.5 * w.unit() * 15 + 1e-4 * scale));
      }
    }
  }

  static float[][] gaussian(Random rnd, int n, int dims) {
    float[][] out = new float[n][dims];
    for (float[] v : out) {
      for (int j = 0; j < dims; j++) {
        v[j] = (float) (rnd.nextGaussian() / (1 + j * 0.05));
      }
    }
    return out;
  }
}
