package dev.mstream.schemas.codec;

/**
 * Strict UTF-8 and UTF-16 checks for input text.
 *
 * <p>Java's {@code new String(bytes, UTF_8)} (used by Avro's decoder) silently turns every
 * malformed sequence into U+FFFD, and Jackson's UTF-8 parser lets overlong forms, encoded
 * surrogates and code points above U+10FFFF through. Either way a corrupted text would be indexed
 * as something nobody wrote. These checks find such input so that it is rejected with reason {@link
 * CodecException#INVALID_UTF8} instead; a genuine U+FFFD in the input (bytes EF BF BD) is valid and
 * accepted.
 */
public final class Utf8Validation {

  private Utf8Validation() {}

  /**
   * The offset of the first byte of {@code bytes[offset, offset + length)} that does not belong to
   * a well-formed UTF-8 sequence (RFC 3629: no overlong forms, no surrogates, nothing above
   * U+10FFFF), or -1 when all of it is well-formed.
   */
  public static int firstInvalidByte(byte[] bytes, int offset, int length) {
    int i = offset;
    int end = offset + length;
    while (i < end) {
      int b = bytes[i] & 0xFF;
      if (b < 0x80) {
        i++;
        continue;
      }
      int need;
      int lo = 0x80;
      int hi = 0xBF;
      if (b >= 0xC2 && b <= 0xDF) {
        need = 1;
      } else if (b >= 0xE0 && b <= 0xEF) {
        need = 2;
        if (b == 0xE0) {
          lo = 0xA0; // below: overlong
        } else if (b == 0xED) {
          hi = 0x9F; // above: UTF-16 surrogates
        }
      } else if (b >= 0xF0 && b <= 0xF4) {
        need = 3;
        if (b == 0xF0) {
          lo = 0x90; // below: overlong
        } else if (b == 0xF4) {
          hi = 0x8F; // above: beyond U+10FFFF
        }
      } else {
        return i; // a continuation byte without a lead, C0/C1 (overlong) or F5..FF
      }
      if (i + need >= end) {
        return i; // the sequence is cut off
      }
      int second = bytes[i + 1] & 0xFF;
      if (second < lo || second > hi) {
        return i;
      }
      for (int k = 2; k <= need; k++) {
        int c = bytes[i + k] & 0xFF;
        if (c < 0x80 || c > 0xBF) {
          return i;
        }
      }
      i += need + 1;
    }
    return -1;
  }

  /**
   * The index of the first unpaired surrogate char in {@code s}, or -1. A Java string with one
   * (JSON can escape a lone surrogate on its own) is not Unicode text and has no UTF-8 form:
   * encoders replace it with '?'.
   */
  public static int firstUnpairedSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          return i;
        }
      } else if (Character.isLowSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }
}
