package dev.mstream.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.mstream.index.vector.VectorUtil;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScalarQuantizerTest {

  /** Widths: 4 then 2 (the default), all 2, all 4, 2 then 4. */
  static final int[][] WIDTHS = {{4, 2}, {2}, {4}, {2, 4}};

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3})
  void codesHoldTheCellOfEveryDimensionInTheSegmentLayout(int widths) {
    int[] bits = WIDTHS[widths];
    Random rnd = new Random(1);
    int dims = 300; // full segments and a narrower last one
    float[][] sample = TestVectors.gaussian(rnd, 500, dims);
    ScalarQuantizer q = ScalarQuantizer.fit(bits, sample, dims);
    int expectedBytes = 0;
    for (int s = 0; s < q.segmentCount(); s++) {
      expectedBytes += (q.segmentDims(s) * q.segmentBits(s) + 7) / 8;
      assertThat(q.segmentBytes(s)).isLessThanOrEqualTo(ScalarQuantizer.SEGMENT_BYTES);
    }
    assertThat(q.codeBytes()).isEqualTo(expectedBytes);
    for (float[] y : sample) {
      byte[] code = q.encode(y);
      float[] back = q.decode(code);
      for (int j = 0; j < dims; j++) {
        int cell = q.cell(code, j);
        int max = (1 << widthOf(q, j)) - 1;
        float lo = q.lo()[j] + cell * q.step()[j];
        if (cell > 0 && cell < max) {
          assertThat(y[j]).isBetween(lo - 1e-5f, lo + q.step()[j] + 1e-5f); // inside its cell
        }
        assertThat(back[j]).isCloseTo(lo + q.step()[j] / 2, offset(1e-5f));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3})
  void integerScoresFollowTheInnerProductWithTheReconstruction(int widths) {
    int[] bits = WIDTHS[widths];
    Random rnd = new Random(2);
    int dims = 256;
    float[][] sample = TestVectors.gaussian(rnd, 400, dims);
    ScalarQuantizer q = ScalarQuantizer.fit(bits, sample, dims);
    float[] query = TestVectors.gaussian(rnd, 1, dims)[0];
    for (int d : new int[] {17, 64, 100, 128, 200, 256}) {
      ScalarQuantizer.QueryWeights w = q.weigh(query, d);
      for (int i = 0; i < 50; i++) {
        byte[] code = q.encode(sample[i]);
        int score = 0;
        for (int s = 0, off = 0; s < q.segmentCount(); s++) {
          int n = q.segmentBytes(s);
          score +=
              q.segmentBits(s) == 2
                  ? VectorUtil.dotInt2(code, off, w.weights(), q.weightOffset(s), n)
                  : VectorUtil.dotInt4(code, off, w.weights(), q.weightOffset(s), n);
          off += n;
        }
        float[] back = q.decode(code);
        double exact = 0;
        for (int j = 0; j < d; j++) {
          exact += (double) query[j] * back[j];
        }
        // Only the query's rounding to ±127 separates the two: half a unit per dimension.
        double approx = score * w.unit() + w.offset();
        assertThat(approx).isCloseTo(exact, offset(d * 0.5 * w.unit() * 15 + 1e-4));
      }
    }
  }

  private static int widthOf(ScalarQuantizer q, int j) {
    for (int s = 0, from = 0; s < q.segmentCount(); from += q.segmentDims(s), s++) {
      if (j < from + q.segmentDims(s)) {
        return q.segmentBits(s);
      }
    }
    throw new IndexOutOfBoundsException(j);
  }

  @org.junit.jupiter.api.Test
  void segmentsRepeatTheLastWidthAndRejectOthers() {
    assertThat(ScalarQuantizer.segmentsFor(new int[] {4, 2}, 192)).containsExactly(4, 2);
    assertThat(ScalarQuantizer.segmentsFor(new int[] {4, 2}, 100)).containsExactly(4, 2);
    assertThat(ScalarQuantizer.segmentsFor(new int[] {4, 2}, 384)).containsExactly(4, 2, 2, 2);
    assertThat(ScalarQuantizer.dimsOf(new int[] {4, 2})).isEqualTo(192);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> ScalarQuantizer.segmentsFor(new int[] {3}, 64))
        .hasMessageContaining("mstream.index.packed-bits");
  }
}
