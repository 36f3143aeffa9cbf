package dev.mstream.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.HexFormat;
import java.util.Random;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class IndexFitSerializerTest {

  @Test
  void roundTripsInvertedFileAndFlatFits() throws IOException {
    Random rnd = new Random(8);
    float[][] sample = TestVectors.correlated(rnd, 300, 24);
    for (IndexSettings s :
        new IndexSettings[] {
          IndexSettings.builder("m", 24).prefixDims(16).centroidDims(4).lists(7).build(),
          IndexSettings.builder("m", 24)
              .prefixDims(16)
              .encoding(PrefixEncoding.INT8)
              .centroidDims(16)
              .lists(3)
              .build(),
          IndexSettings.builder("m", 24).prefixDims(8).layout(IndexLayout.FLAT).build()
        }) {
      IndexFit fit = IndexFitter.of(s).fit(sample, 300);
      DataOutputSerializer out = new DataOutputSerializer(256);
      IndexFitSerializer.INSTANCE.serialize(fit, out);
      IndexFit back =
          IndexFitSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
      assertThat(back).isEqualTo(fit);
      assertThat(back.version()).isEqualTo(fit.version());
      assertThat(FitChoice.compatible(back, s)).isTrue();
    }
  }

  /**
   * A projection as the build before fits wrote it to the {@code projection} operator state (format
   * 1, identity 3→2, scales of the sample): it still reads, with the same version, so the flat
   * layout keeps the prefix entries made with it.
   */
  @Test
  void readsProjectionsOfTheEarlierState() throws IOException {
    String v1 =
        "010000000300000002013f8000000000000000000000000000003f800000000000003c0102043b810204";
    Projection p =
        ProjectionSerializer.INSTANCE.deserialize(
            new DataInputDeserializer(HexFormat.of().parseHex(v1)));
    assertThat(p.isIdentity()).isTrue();
    assertThat(p.prefixDims()).isEqualTo(2);
    assertThat(p.version()).isEqualTo(0x33d4a7e506873ad7L);
    assertThat(IndexFit.flat(p, PrefixEncoding.INT8).version()).isEqualTo(p.version());
  }
}
