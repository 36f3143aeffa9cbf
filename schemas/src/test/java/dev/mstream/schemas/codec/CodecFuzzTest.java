package dev.mstream.schemas.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mstream.schemas.Document;
import dev.mstream.schemas.QueryResult;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whatever arrives on a topic, decode either returns a record or throws CodecException: anything
 * else (a RuntimeException, an OutOfMemoryError from a forged length) would take the job down
 * instead of dead-lettering one record. And what decode accepts is a record the codec can write
 * back: encoding it and decoding the bytes gives the same record (a decoder that half-accepted
 * garbage would produce records that do not survive the round trip).
 */
class CodecFuzzTest {

  private static final int INPUTS = 2_000;

  private static final Set<String> REASONS =
      Set.of(
          CodecException.EMPTY_VALUE,
          CodecException.MALFORMED_AVRO,
          CodecException.UNKNOWN_SCHEMA,
          CodecException.MALFORMED_JSON,
          CodecException.NOT_AN_OBJECT,
          CodecException.MISSING_FIELD,
          CodecException.WRONG_TYPE,
          CodecException.UNKNOWN_ENUM,
          CodecException.INVALID_UTF8);

  static Stream<Arguments> codecsWithSeeds() {
    return Stream.of(Encoding.values())
        .flatMap(
            encoding ->
                Stream.of(
                    Arguments.of(
                        encoding,
                        Codecs.of(Document.class, encoding),
                        List.of(
                            Fixtures.fullDocument(),
                            Fixtures.minimalDocument(),
                            Fixtures.unicodeDocument())),
                    Arguments.of(
                        encoding,
                        Codecs.of(QueryResult.class, encoding),
                        List.of(Fixtures.okResult(), Fixtures.errorResult()))));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("codecsWithSeeds")
  <T extends SpecificRecord> void randomAndMutatedBytesOnlyEverThrowCodecException(
      Encoding encoding, RecordCodec<T> codec, List<T> seeds) {
    Random random = new Random(20240601L + encoding.ordinal());
    List<byte[]> valid = seeds.stream().map(codec::encode).toList();
    int decoded = 0;
    int rejected = 0;

    for (int i = 0; i < INPUTS; i++) {
      byte[] input = fuzz(random, valid.get(random.nextInt(valid.size())));
      T record;
      try {
        record = codec.decode(input);
      } catch (CodecException e) {
        assertThat(e.reason()).isIn(REASONS);
        assertThat(e.getMessage()).isNotBlank();
        rejected++;
        continue;
      } catch (Throwable t) {
        throw new AssertionError("decode threw " + t + " for input " + Arrays.toString(input), t);
      }
      decoded++;
      T again;
      try {
        again = codec.decode(codec.encode(record));
      } catch (CodecException | RuntimeException e) {
        throw new AssertionError(
            "decoded " + record + " from " + Arrays.toString(input) + ", but not again: " + e, e);
      }
      // Compared by their encodings and text, not by equals(): Avro's record equality says NaN !=
      // NaN, and a mutated double (a timing, a recall) may decode as NaN.
      assertThat(codec.encode(again))
          .as("re-encoded %s (from %s)", record, Arrays.toString(input))
          .isEqualTo(codec.encode(record));
      assertThat(again).hasToString(record.toString());
    }

    // Both outcomes happen, so both checks above ran.
    assertThat(rejected).isPositive();
    assertThat(decoded).isPositive();
  }

  /** One of several corruptions, from pure noise to a single flipped bit. */
  private static byte[] fuzz(Random random, byte[] seed) {
    return switch (random.nextInt(6)) {
      case 0 -> noise(random, random.nextInt(80));
      case 1 -> flipBits(random, seed.clone(), 1 + random.nextInt(3));
      case 2 -> overwriteBytes(random, seed.clone(), 1 + random.nextInt(4));
      case 3 -> Arrays.copyOf(seed, random.nextInt(seed.length + 1));
      case 4 -> {
        // Keep the header (or the JSON's opening) intact so the body parser sees the garbage.
        int keep = Math.min(seed.length, 10 + random.nextInt(8));
        byte[] tail = noise(random, random.nextInt(40));
        byte[] out = Arrays.copyOf(seed, keep + tail.length);
        System.arraycopy(tail, 0, out, keep, tail.length);
        yield out;
      }
      default -> {
        // Large varints (0xFF...) where lengths and counts are read.
        byte[] out = seed.clone();
        int at = random.nextInt(out.length);
        for (int j = at; j < Math.min(out.length, at + 1 + random.nextInt(5)); j++) {
          out[j] = (byte) (0x80 | random.nextInt(0x80));
        }
        yield out;
      }
    };
  }

  private static byte[] noise(Random random, int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }

  private static byte[] flipBits(Random random, byte[] bytes, int flips) {
    for (int i = 0; i < flips && bytes.length > 0; i++) {
      bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
    }
    return bytes;
  }

  private static byte[] overwriteBytes(Random random, byte[] bytes, int count) {
    for (int i = 0; i < count && bytes.length > 0; i++) {
      bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
    }
    return bytes;
  }
}
