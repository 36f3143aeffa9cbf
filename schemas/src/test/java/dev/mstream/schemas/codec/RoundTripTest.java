package dev.mstream.schemas.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RoundTripTest {

  static Stream<Arguments> recordsInEveryEncoding() {
    return Stream.of(Encoding.values())
        .flatMap(
            encoding ->
                Fixtures.all().stream()
                    .map(
                        record ->
                            Arguments.of(encoding, record.getClass().getSimpleName(), record)));
  }

  @ParameterizedTest(name = "{0} {1} #{index}")
  @MethodSource("recordsInEveryEncoding")
  void decodeOfEncodeIsTheSameRecord(Encoding encoding, String name, SpecificRecord record)
      throws CodecException {
    RecordCodec<SpecificRecord> codec = Fixtures.codecFor(record, encoding);

    SpecificRecord decoded = codec.decode(codec.encode(record));

    assertThat(decoded).isEqualTo(record);
    assertThat(codec.encoding()).isEqualTo(encoding);
  }

  @ParameterizedTest(name = "{0} {1} #{index}")
  @MethodSource("recordsInEveryEncoding")
  void aSerializedCodecStillWorks(Encoding encoding, String name, SpecificRecord record)
      throws CodecException {
    RecordCodec<SpecificRecord> original = Fixtures.codecFor(record, encoding);
    RecordCodec<SpecificRecord> shipped = JavaSerialization.roundTrip(original);

    assertThat(shipped.decode(original.encode(record))).isEqualTo(record);
    assertThat(original.decode(shipped.encode(record))).isEqualTo(record);
  }
}
