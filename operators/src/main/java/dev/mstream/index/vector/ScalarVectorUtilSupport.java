package dev.mstream.index.vector;

/**
 * Plain-Java kernels: four independent accumulators so the JIT can pipeline the loop.
 *
 * <p>{@link #dot} and {@link #dotInt8} are the same loop on purpose: Java has no generics over
 * primitive arrays, and sharing one body through boxing or a per-element callback would cost these
 * hot loops more than the duplication costs to read.
 */
public final class ScalarVectorUtilSupport implements VectorUtilSupport {

  @Override
  public String name() {
    return "scalar";
  }

  @Override
  public float dot(float[] a, int aOff, float[] b, int bOff, int len) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int i = 0;
    for (; i + 3 < len; i += 4) {
      s0 += a[aOff + i] * b[bOff + i];
      s1 += a[aOff + i + 1] * b[bOff + i + 1];
      s2 += a[aOff + i + 2] * b[bOff + i + 2];
      s3 += a[aOff + i + 3] * b[bOff + i + 3];
    }
    for (; i < len; i++) {
      s0 += a[aOff + i] * b[bOff + i];
    }
    return (s0 + s1) + (s2 + s3);
  }

  @Override
  public int dotInt8(byte[] a, int aOff, byte[] b, int bOff, int len) {
    int s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int i = 0;
    for (; i + 3 < len; i += 4) {
      s0 += a[aOff + i] * b[bOff + i];
      s1 += a[aOff + i + 1] * b[bOff + i + 1];
      s2 += a[aOff + i + 2] * b[bOff + i + 2];
      s3 += a[aOff + i + 3] * b[bOff + i + 3];
    }
    for (; i < len; i++) {
      s0 += a[aOff + i] * b[bOff + i];
    }
    return (s0 + s1) + (s2 + s3);
  }

  @Override
  public int dotInt4(byte[] codes, int off, short[] q, int qOff, int bytes) {
    int lo = 0, hi = 0;
    for (int i = 0; i < bytes; i++) {
      int b = codes[off + i];
      lo += (b & 0x0F) * q[qOff + i];
      hi += ((b >>> 4) & 0x0F) * q[qOff + bytes + i];
    }
    return lo + hi;
  }

  @Override
  public int dotInt2(byte[] codes, int off, short[] q, int qOff, int bytes) {
    int s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (int i = 0; i < bytes; i++) {
      int b = codes[off + i];
      s0 += (b & 3) * q[qOff + i];
      s1 += ((b >>> 2) & 3) * q[qOff + bytes + i];
      s2 += ((b >>> 4) & 3) * q[qOff + 2 * bytes + i];
      s3 += ((b >>> 6) & 3) * q[qOff + 3 * bytes + i];
    }
    return (s0 + s1) + (s2 + s3);
  }

  @Override
  public void dotInt4Columns(
      byte[] codes, int off, int stride, int count, short[] q, int qOff, int bytes, int[] out) {
    java.util.Arrays.fill(out, 0, count, 0);
    for (int i = 0; i < bytes; i++) {
      int row = off + i * stride;
      int lo = q[qOff + i];
      int hi = q[qOff + bytes + i];
      for (int p = 0; p < count; p++) {
        int b = codes[row + p];
        out[p] += (b & 0x0F) * lo + ((b >>> 4) & 0x0F) * hi;
      }
    }
  }

  @Override
  public void dotInt2Columns(
      byte[] codes, int off, int stride, int count, short[] q, int qOff, int bytes, int[] out) {
    java.util.Arrays.fill(out, 0, count, 0);
    for (int i = 0; i < bytes; i++) {
      int row = off + i * stride;
      int w0 = q[qOff + i];
      int w1 = q[qOff + bytes + i];
      int w2 = q[qOff + 2 * bytes + i];
      int w3 = q[qOff + 3 * bytes + i];
      for (int p = 0; p < count; p++) {
        int b = codes[row + p];
        out[p] += (b & 3) * w0 + ((b >>> 2) & 3) * w1 + ((b >>> 4) & 3) * w2 + ((b >>> 6) & 3) * w3;
      }
    }
  }
}
