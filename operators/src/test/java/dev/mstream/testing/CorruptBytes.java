package dev.mstream.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.Arrays;

/**
 * Byte surgery on encoded records, for tests of bad input: the unit catalogue of decoder rejections
 * and the fuzz test through the whole job break records the same way (the operators' test-jar).
 */
public final class CorruptBytes {

  private CorruptBytes() {}

  /**
   * The Avro body of a Document ends with {@code op} (an enum index) and {@code event_time} (its
   * null branch): make op index 2, which the enum does not have (zig-zag 2 = 4).
   */
  public static byte[] unknownAvroOp(byte[] bytes) {
    byte[] out = bytes.clone();
    out[out.length - 2] = 2 * 2;
    return out;
  }

  /**
   * Replaces the first occurrence of an ASCII {@code marker} with {@code with}, padded with 'x' to
   * the marker's length, so that length prefixes around it stay right.
   *
   * @throws AssertionError when the marker is not there (the test's record is not what it thinks)
   */
  public static byte[] replace(byte[] bytes, String marker, byte[] with) {
    byte[] m = marker.getBytes(UTF_8);
    byte[] out = bytes.clone();
    for (int i = 0; i + m.length <= out.length; i++) {
      if (Arrays.equals(out, i, i + m.length, m, 0, m.length)) {
        for (int j = 0; j < m.length; j++) {
          out[i + j] = j < with.length ? with[j] : (byte) 'x';
        }
        return out;
      }
    }
    throw new AssertionError("marker " + marker + " not found");
  }
}
