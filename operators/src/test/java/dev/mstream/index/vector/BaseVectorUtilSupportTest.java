package dev.mstream.index.vector;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The same checks for every {@link VectorUtilSupport}; subclasses say which one. */
abstract class BaseVectorUtilSupportTest {

  protected abstract VectorUtilSupport support();

  private static double refDot(float[] a, int aOff, float[] b, int bOff, int len) {
    double s = 0;
    for (int i = 0; i < len; i++) {
      s += (double) a[aOff + i] * b[bOff + i];
    }
    return s;
  }

  private static double absDot(float[] a, int aOff, float[] b, int bOff, int len) {
    double s = 0;
    for (int i = 0; i < len; i++) {
      s += Math.abs((double) a[aOff + i] * b[bOff + i]);
    }
    return s;
  }

  private static long refDotInt8(byte[] a, int aOff, byte[] b, int bOff, int len) {
    long s = 0;
    for (int i = 0; i < len; i++) {
      s += a[aOff + i] * b[bOff + i];
    }
    return s;
  }

  /** Every length up to 130 (all tail sizes of every vector width), then every 7th up to 1000. */
  private static int nextLength(int len) {
    return len < 130 ? len + 1 : len + 7;
  }

  private static float[] randomFloats(Random rnd, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) rnd.nextGaussian();
    }
    return v;
  }

  private static byte[] randomBytes(Random rnd, int n) {
    byte[] v = new byte[n];
    rnd.nextBytes(v);
    return v;
  }

  /** Float summation error bound: about (len + 1) ulps of the sum of absolute products. */
  private static void assertClose(float got, double want, double absSum, int len, String what) {
    double tol = (len + 2) * Math.ulp(1f) * absSum + 1e-30;
    assertThat(Math.abs(got - want))
        .as(what + ": got %s want %s", got, want)
        .isLessThanOrEqualTo(tol);
  }

  @Test
  void floatDotMatchesDoubleReferenceForLengthsUpTo1000() {
    Random rnd = new Random(42);
    for (int len = 0; len <= 1000; len = nextLength(len)) {
      int aOff = rnd.nextInt(20);
      int bOff = rnd.nextInt(20);
      float[] a = randomFloats(rnd, aOff + len + rnd.nextInt(5));
      float[] b = randomFloats(rnd, bOff + len + rnd.nextInt(5));
      float got = support().dot(a, aOff, b, bOff, len);
      assertClose(
          got, refDot(a, aOff, b, bOff, len), absDot(a, aOff, b, bOff, len), len, "len " + len);
    }
  }

  @Test
  void floatDotOfEmptyIsZero() {
    assertThat(support().dot(new float[0], 0, new float[0], 0, 0)).isZero();
    assertThat(support().dot(new float[] {1, 2}, 2, new float[] {3}, 1, 0)).isZero();
  }

  @Test
  void floatDotIsExactOnSmallIntegers() {
    for (int len : new int[] {1, 3, 15, 16, 17, 31, 64, 127, 384, 999}) {
      float[] a = new float[len];
      float[] b = new float[len];
      long want = 0;
      for (int i = 0; i < len; i++) {
        a[i] = (i % 7) - 3;
        b[i] = (i % 5) - 2;
        want += (long) a[i] * (long) b[i];
      }
      assertThat(support().dot(a, 0, b, 0, len)).as("len %d", len).isEqualTo((float) want);
    }
  }

  @Test
  void int8DotIsExactForLengthsUpTo1000() {
    Random rnd = new Random(7);
    for (int len = 0; len <= 1000; len = nextLength(len)) {
      int aOff = rnd.nextInt(40);
      int bOff = rnd.nextInt(40);
      byte[] a = randomBytes(rnd, aOff + len + rnd.nextInt(5));
      byte[] b = randomBytes(rnd, bOff + len + rnd.nextInt(5));
      assertThat((long) support().dotInt8(a, aOff, b, bOff, len))
          .as("len %d", len)
          .isEqualTo(refDotInt8(a, aOff, b, bOff, len));
    }
  }

  private static long refDotInt4(byte[] codes, int off, short[] q, int qOff, int bytes) {
    long s = 0;
    for (int i = 0; i < bytes; i++) {
      s += (long) (codes[off + i] & 0x0F) * q[qOff + i];
      s += (long) ((codes[off + i] >> 4) & 0x0F) * q[qOff + bytes + i];
    }
    return s;
  }

  private static short[] randomWeights(Random rnd, int n) {
    short[] q = new short[n];
    for (int i = 0; i < n; i++) {
      q[i] = (short) (rnd.nextInt(255) - 127);
    }
    return q;
  }

  @Test
  void int4DotIsExactForLengthsUpTo1000() {
    Random rnd = new Random(17);
    for (int len = 0; len <= 1000; len = nextLength(len)) {
      int off = rnd.nextInt(40);
      int qOff = rnd.nextInt(40);
      byte[] codes = randomBytes(rnd, off + len + rnd.nextInt(5));
      short[] q = randomWeights(rnd, qOff + 2 * len + rnd.nextInt(5));
      assertThat((long) support().dotInt4(codes, off, q, qOff, len))
          .as("len %d", len)
          .isEqualTo(refDotInt4(codes, off, q, qOff, len));
    }
  }

  @Test
  void int4ExtremesDoNotOverflowTheShortAccumulator() {
    for (int len : new int[] {1, 15, 16, 17, 32, 64, 127, 128, 129, 256, 1000, 4099}) {
      for (short w : new short[] {-127, 127}) {
        byte[] codes = new byte[len];
        Arrays.fill(codes, (byte) 0xFF); // both nibbles 15
        short[] q = new short[2 * len];
        Arrays.fill(q, w);
        assertThat((long) support().dotInt4(codes, 0, q, 0, len))
            .as("len %d, weight %d", len, w)
            .isEqualTo(2L * len * 15 * w);
      }
    }
  }

  @Test
  void int4ColumnsEqualTheRowDotOfEveryCode() {
    columnsEqualTheRowDotOfEveryCode(4);
  }

  @Test
  void int2ColumnsEqualTheRowDotOfEveryCode() {
    columnsEqualTheRowDotOfEveryCode(2);
  }

  @Test
  void columnOrderIsAPermutationOfEveryBlock() {
    for (int stride = 1; stride <= 256; stride++) {
      boolean[] taken = new boolean[stride];
      for (int p = 0; p < stride; p++) {
        int column = support().columnOf(p, stride);
        assertThat(column).as("stride %d, position %d", stride, p).isBetween(0, stride - 1);
        assertThat(taken[column]).as("stride %d, column %d taken twice", stride, column).isFalse();
        taken[column] = true;
      }
    }
  }

  /** The column kernel of {@code bits}-bit codes against the reference row dot of every code. */
  private void columnsEqualTheRowDotOfEveryCode(int bits) {
    int planes = 8 / bits;
    Random rnd = new Random(23 + bits);
    for (int bytes : new int[] {0, 1, 7, 16, 32, 33, 64}) {
      for (int stride : new int[] {1, 2, 5, 16, 31, 32, 64, 65}) {
        for (int count : new int[] {0, 1, stride / 2, stride - 1, stride}) {
          int off = rnd.nextInt(9);
          byte[] codes = randomBytes(rnd, off + bytes * stride + rnd.nextInt(3));
          int qOff = rnd.nextInt(9);
          short[] q = randomWeights(rnd, qOff + planes * bytes + rnd.nextInt(3));
          int[] out = new int[stride + 2];
          out[stride] = 12345; // past the stride: untouched
          out[stride + 1] = 12345;
          if (bits == 4) {
            support().dotInt4Columns(codes, off, stride, count, q, qOff, bytes, out);
          } else {
            support().dotInt2Columns(codes, off, stride, count, q, qOff, bytes, out);
          }
          for (int p = 0; p < count; p++) {
            byte[] row = new byte[bytes];
            int column = support().columnOf(p, stride);
            for (int i = 0; i < bytes; i++) {
              row[i] = codes[off + i * stride + column];
            }
            long expected =
                bits == 4 ? refDotInt4(row, 0, q, qOff, bytes) : refDotInt2(row, 0, q, qOff, bytes);
            assertThat((long) out[p])
                .as(
                    "%d bits, bytes %d, stride %d, count %d, code %d",
                    bits, bytes, stride, count, p)
                .isEqualTo(expected);
          }
          assertThat(out[stride]).as("past the stride: untouched").isEqualTo(12345);
          assertThat(out[stride + 1]).isEqualTo(12345);
        }
      }
    }
  }

  @Test
  void int4ColumnExtremesDoNotOverflowTheShortAccumulator() {
    for (int bytes : new int[] {1, 8, 9, 32, 64, 1000}) {
      for (short w : new short[] {-127, 127}) {
        byte[] codes = new byte[bytes * 64];
        Arrays.fill(codes, (byte) 0xFF);
        short[] q = new short[2 * bytes];
        Arrays.fill(q, w);
        int[] out = new int[64];
        support().dotInt4Columns(codes, 0, 64, 64, q, 0, bytes, out);
        for (int p = 0; p < 64; p++) {
          assertThat((long) out[p]).isEqualTo(2L * bytes * 15 * w);
        }
      }
    }
  }

  @Test
  void int2ColumnExtremesAreExact() {
    for (int bytes : new int[] {1, 8, 9, 32, 64, 1000}) {
      for (short w : new short[] {-127, 127}) {
        byte[] codes = new byte[bytes * 64];
        Arrays.fill(codes, (byte) 0xFF); // every plane 3
        short[] q = new short[4 * bytes];
        Arrays.fill(q, w);
        int[] out = new int[64];
        support().dotInt2Columns(codes, 0, 64, 64, q, 0, bytes, out);
        for (int p = 0; p < 64; p++) {
          assertThat((long) out[p]).isEqualTo(4L * bytes * 3 * w);
        }
      }
    }
  }

  private static long refDotInt2(byte[] codes, int off, short[] q, int qOff, int bytes) {
    long s = 0;
    for (int i = 0; i < bytes; i++) {
      for (int p = 0; p < 4; p++) {
        s += (long) ((codes[off + i] >> (2 * p)) & 3) * q[qOff + p * bytes + i];
      }
    }
    return s;
  }

  @Test
  void int2DotIsExactForLengthsUpTo1000() {
    Random rnd = new Random(19);
    for (int len = 0; len <= 1000; len = nextLength(len)) {
      int off = rnd.nextInt(40);
      int qOff = rnd.nextInt(40);
      byte[] codes = randomBytes(rnd, off + len + rnd.nextInt(5));
      short[] q = randomWeights(rnd, qOff + 4 * len + rnd.nextInt(5));
      assertThat((long) support().dotInt2(codes, off, q, qOff, len))
          .as("len %d", len)
          .isEqualTo(refDotInt2(codes, off, q, qOff, len));
    }
  }

  @Test
  void int2ExtremesDoNotOverflowTheShortAccumulator() {
    for (int len : new int[] {1, 15, 16, 17, 32, 64, 127, 128, 129, 256, 1000, 4099}) {
      for (short w : new short[] {-127, 127}) {
        byte[] codes = new byte[len];
        Arrays.fill(codes, (byte) 0xFF); // every plane 3
        short[] q = new short[4 * len];
        Arrays.fill(q, w);
        assertThat((long) support().dotInt2(codes, 0, q, 0, len))
            .as("len %d, weight %d", len, w)
            .isEqualTo(4L * len * 3 * w);
      }
    }
  }

  @Test
  void int8ExtremesDoNotOverflowIntermediates() {
    for (int len : new int[] {1, 2, 7, 8, 15, 16, 31, 32, 33, 63, 64, 65, 128, 384, 1000, 4099}) {
      for (byte x : new byte[] {-128, 127}) {
        for (byte y : new byte[] {-128, 127}) {
          byte[] a = new byte[len];
          byte[] b = new byte[len];
          Arrays.fill(a, x);
          Arrays.fill(b, y);
          long want = (long) len * x * y; // -128 * -128 * 4099 > 2^25: far past a short
          assertThat((long) support().dotInt8(a, 0, b, 0, len))
              .as("len %d, %d * %d", len, x, y)
              .isEqualTo(want);
        }
      }
    }
  }

  @Test
  void int8AlternatingExtremesCancelExactly() {
    int len = 1001;
    byte[] a = new byte[len];
    byte[] b = new byte[len];
    for (int i = 0; i < len; i++) {
      a[i] = (byte) (i % 2 == 0 ? -128 : 127);
      b[i] = (byte) (i % 3 == 0 ? -128 : 127);
    }
    assertThat((long) support().dotInt8(a, 0, b, 0, len)).isEqualTo(refDotInt8(a, 0, b, 0, len));
  }

  @Test
  void offsetsSelectTheRightSlices() {
    Random rnd = new Random(3);
    int len = 77;
    float[] a = randomFloats(rnd, 500);
    float[] b = randomFloats(rnd, 500);
    byte[] ab = randomBytes(rnd, 500);
    byte[] bb = randomBytes(rnd, 500);
    for (int aOff : new int[] {0, 1, 5, 100, 423}) {
      for (int bOff : new int[] {0, 3, 64, 423}) {
        assertClose(
            support().dot(a, aOff, b, bOff, len),
            refDot(a, aOff, b, bOff, len),
            absDot(a, aOff, b, bOff, len),
            len,
            "offsets " + aOff + "," + bOff);
        assertThat((long) support().dotInt8(ab, aOff, bb, bOff, len))
            .isEqualTo(refDotInt8(ab, aOff, bb, bOff, len));
      }
    }
  }

  @Test
  void rangeKernelMatchesSingleCalls() {
    Random rnd = new Random(11);
    for (int dims : new int[] {1, 13, 32, 48, 64, 100, 128}) {
      int stride = dims + rnd.nextInt(3);
      int rows = 57;
      float[] data = randomFloats(rnd, rows * stride);
      float[] q = randomFloats(rnd, dims);

      float[] outF = new float[20];
      support().dotRange(data, stride, dims, q, 30, 20, outF);
      for (int i = 0; i < 20; i++) {
        assertThat(outF[i]).isEqualTo(support().dot(data, (30 + i) * stride, q, 0, dims));
      }
    }
  }
}
