package dev.mstream.index;

import org.apache.flink.annotation.Internal;

/**
 * IEEE 754 half-precision conversion (Java 17 has no Float.floatToFloat16). Decoding goes through a
 * 64K-entry table because the scan decodes every stored coordinate.
 */
@Internal
public final class Half {

  private static final float[] DECODE = new float[1 << 16];

  static {
    for (int h = 0; h < DECODE.length; h++) {
      DECODE[h] = slowToFloat((short) h);
    }
  }

  private Half() {}

  public static float toFloat(short h) {
    return DECODE[h & 0xFFFF];
  }

  /** Round-to-nearest-even; values beyond the half range become ±infinity. */
  public static short fromFloat(float f) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    int exp = ((bits >>> 23) & 0xFF) - 127 + 15;
    int mantissa = bits & 0x7FFFFF;
    if (exp >= 31) {
      return (short) (sign | 0x7C00 | (Float.isNaN(f) ? 0x200 : 0));
    }
    if (exp <= 0) {
      if (exp < -10) {
        return (short) sign;
      }
      mantissa |= 0x800000;
      int shift = 14 - exp;
      int half = mantissa >> shift;
      int rem = mantissa & ((1 << shift) - 1);
      int mid = 1 << (shift - 1);
      if (rem > mid || (rem == mid && (half & 1) != 0)) {
        half++;
      }
      return (short) (sign | half);
    }
    int half = (exp << 10) | (mantissa >> 13);
    int rem = mantissa & 0x1FFF;
    if (rem > 0x1000 || (rem == 0x1000 && (half & 1) != 0)) {
      half++;
    }
    return (short) (sign | half);
  }

  private static float slowToFloat(short h) {
    int sign = (h & 0x8000) << 16;
    int exp = (h >>> 10) & 0x1F;
    int mantissa = h & 0x3FF;
    if (exp == 0) {
      float v = mantissa / 1024f * (float) Math.pow(2, -14);
      return sign != 0 ? -v : v;
    }
    if (exp == 31) {
      return Float.intBitsToFloat(sign | 0x7F800000 | (mantissa << 13));
    }
    return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mantissa << 13));
  }
}
