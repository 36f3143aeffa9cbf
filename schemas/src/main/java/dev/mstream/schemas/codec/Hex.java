package dev.mstream.schemas.codec;

/** Hex renderings for error messages, so a person can compare them with a hex dump. */
final class Hex {

  private Hex() {}

  /** Space-separated bytes, e.g. {@code "C3 01"}. */
  static String bytes(byte[] bytes, int offset, int length) {
    StringBuilder sb = new StringBuilder(length * 3);
    for (int i = offset; i < offset + length; i++) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(String.format("%02X", bytes[i] & 0xFF));
    }
    return sb.length() == 0 ? "(nothing)" : sb.toString();
  }

  /** A fingerprint as the 64-bit value that Avro libraries print, e.g. {@code 0x1A2B...}. */
  static String fingerprint(long fingerprint) {
    return String.format("0x%016X", fingerprint);
  }
}
