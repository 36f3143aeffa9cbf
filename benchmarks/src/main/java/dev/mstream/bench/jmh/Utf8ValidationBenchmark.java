package dev.mstream.bench.jmh;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.mstream.schemas.codec.Utf8Validation;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Strict UTF-8 validation of one record's text, as the codecs run it on every document and query:
 * {@link Utf8Validation#firstInvalidByte} (the JDK's decoder with {@code CodingErrorAction.REPORT}
 * into a small reused buffer) against the hand-written RFC 3629 loop it replaced, kept here as the
 * baseline. Texts: English ({@code ascii}), German and French with accents ({@code latin}) and
 * Chinese ({@code cjk}, three-byte sequences), at a query's, a document's and a long document's
 * size.
 *
 * <pre>
 * benchmarks/run.sh org.openjdk.jmh.Main Utf8ValidationBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class Utf8ValidationBenchmark {

  @Param({"ascii", "latin", "cjk"})
  public String text;

  @Param({"64", "2048", "65536"})
  public int bytes;

  private byte[] input;

  @Setup
  public void setUp() {
    String alphabet =
        switch (text) {
          case "ascii" -> "the quick brown fox jumps over the lazy dog and more words ";
          case "latin" -> "Über die Straße gehen, déjà vu à la française, ça va ";
          case "cjk" -> "快速的棕色狐狸跳过了懒狗的背部然后继续向前跑去";
          default -> throw new IllegalArgumentException(text);
        };
    StringBuilder sb = new StringBuilder();
    Random random = new Random(7);
    while (sb.toString().getBytes(UTF_8).length < bytes) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    input = sb.toString().getBytes(UTF_8);
    if (Utf8Validation.firstInvalidByte(input, 0, input.length) != -1
        || handWrittenFirstInvalidByte(input, 0, input.length) != -1) {
      throw new IllegalStateException("test text is not valid UTF-8");
    }
  }

  @Benchmark
  public int jdkDecoder() {
    return Utf8Validation.firstInvalidByte(input, 0, input.length);
  }

  @Benchmark
  public int handWritten() {
    return handWrittenFirstInvalidByte(input, 0, input.length);
  }

  /** The loop {@code Utf8Validation} had before it used the JDK's decoder. */
  static int handWrittenFirstInvalidByte(byte[] bytes, int offset, int length) {
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
}
