package dev.mstream.schemas.codec;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

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
   * The JDK's UTF-8 decoder is strict once told to report (it rejects overlong forms, encoded
   * surrogates and code points above U+10FFFF); one per thread, decoding into a small buffer that
   * is thrown away, since only the verdict is needed.
   */
  private static final ThreadLocal<StrictDecoder> DECODER =
      ThreadLocal.withInitial(StrictDecoder::new);

  private static final class StrictDecoder {
    final CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    final CharBuffer chars = CharBuffer.allocate(4096);
  }

  /**
   * The offset of the first byte of {@code bytes[offset, offset + length)} that does not belong to
   * a well-formed UTF-8 sequence (RFC 3629: no overlong forms, no surrogates, nothing above
   * U+10FFFF), or -1 when all of it is well-formed.
   *
   * <p>The JDK's decoder with {@link CodingErrorAction#REPORT}, not a loop of our own: it checks
   * the same rules, and its ASCII fast path makes it several times faster on mostly-ASCII text
   * (measured with JMH, {@code Utf8ValidationBenchmark}; see docs/benchmarks.md).
   */
  public static int firstInvalidByte(byte[] bytes, int offset, int length) {
    StrictDecoder strict = DECODER.get();
    CharsetDecoder decoder = strict.decoder.reset();
    ByteBuffer in = ByteBuffer.wrap(bytes, offset, length);
    while (true) {
      strict.chars.clear();
      CoderResult result = decoder.decode(in, strict.chars, true);
      if (result.isError()) {
        return in.position();
      }
      if (result.isUnderflow()) {
        break; // all of it decoded; OVERFLOW only means the scratch buffer is full
      }
    }
    strict.chars.clear();
    return decoder.flush(strict.chars).isError() ? in.position() : -1;
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
