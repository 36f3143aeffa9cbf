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

  /**
   * A fit as the first inverted-file build wrote it (format 1: a 4-bit grid with no segment widths,
   * written field by field as that build's serializer did): it reads as a grid of 4-bit segments
   * whose codes are laid out as that build's were (dimension i of a segment of b bytes in the low
   * nibble of byte i, dimension b + i in the high one).
   */
  @Test
  void readsFitsOfTheFirstInvertedFileFormat() throws IOException {
    Random rnd = new Random(9);
    int dims = 80; // one full segment of 64 dims and a narrower one of 16
    float[][] sample = TestVectors.correlated(rnd, 200, 96);
    Projection projection = Projection.fitPca(sample, dims);
    float[] lo = new float[dims];
    float[] step = new float[dims];
    for (int j = 0; j < dims; j++) {
      lo[j] = -0.3f + 0.001f * j;
      step[j] = 0.04f + 0.0001f * j;
    }
    float[] coordinates = new float[3 * 8];
    for (int i = 0; i < coordinates.length; i++) {
      coordinates[i] = (float) rnd.nextGaussian();
    }
    DataOutputSerializer out = new DataOutputSerializer(1024);
    out.writeByte(IndexFitSerializer.FORMAT_V1);
    ProjectionSerializer.INSTANCE.serialize(projection, out);
    out.writeByte(PrefixEncoding.PACKED.ordinal()); // INT4 had this ordinal
    out.writeBoolean(true);
    writeFloats(lo, out);
    writeFloats(step, out);
    out.writeBoolean(true);
    out.writeInt(8);
    writeFloats(coordinates, out);
    out.writeLong(2048);
    out.writeFloat(0.7f);
    out.writeFloat(0.1f);

    IndexFit fit =
        IndexFitSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    assertThat(fit.grid().segmentBits()).containsExactly(4, 4);
    assertThat(fit.codeBytes()).isEqualTo(40);
    assertThat(fit.centroids().count()).isEqualTo(3);
    assertThat(fit.fittedOn()).isEqualTo(2048);

    float[] y = new float[dims];
    for (int j = 0; j < dims; j++) {
      y[j] = lo[j] + step[j] * (float) (16 * rnd.nextDouble());
    }
    byte[] code = fit.grid().encode(y);
    byte[] old = new byte[40];
    for (int seg = 0, first = 0, at = 0; seg < 2; seg++) {
      int segDims = Math.min(64, dims - first);
      int b = (segDims + 1) / 2;
      for (int i = 0; i < segDims; i++) {
        int j = first + i;
        int c = Math.max(0, Math.min(15, (int) Math.floor((y[j] - lo[j]) / step[j])));
        old[at + i % b] |= (byte) (i < b ? c : c << 4);
      }
      first += segDims;
      at += b;
    }
    assertThat(code).isEqualTo(old);

    // Written again, it is the current format and reads back the same.
    DataOutputSerializer again = new DataOutputSerializer(1024);
    IndexFitSerializer.INSTANCE.serialize(fit, again);
    assertThat(again.getCopyOfBuffer()[0]).isEqualTo(IndexFitSerializer.FORMAT_V3);
    assertThat(
            IndexFitSerializer.INSTANCE.deserialize(
                new DataInputDeserializer(again.getCopyOfBuffer())))
        .isEqualTo(fit);
  }

  /**
   * Format 2 is format 3 without the probes measured at fit time: it reads with none (0), so the
   * calibrator starts from the configured default as it did; format 3 keeps them.
   */
  @Test
  void readsFormat2FitsWithoutFittedProbes() throws IOException {
    Random rnd = new Random(10);
    float[][] sample = TestVectors.clustered(rnd, 600, 24, 12, 0.2f);
    IndexSettings s =
        IndexSettings.builder("m", 24).prefixDims(16).centroidDims(8).lists(12).build();
    IndexFit fit = IndexFitter.of(s).fit(sample, 600);
    assertThat(fit.fittedProbes()).isPositive();
    DataOutputSerializer out = new DataOutputSerializer(1024);
    IndexFitSerializer.INSTANCE.serialize(fit, out);
    byte[] v3 = out.getCopyOfBuffer();
    assertThat(
            IndexFitSerializer.INSTANCE.deserialize(new DataInputDeserializer(v3)).fittedProbes())
        .isEqualTo(fit.fittedProbes());

    byte[] v2 = java.util.Arrays.copyOf(v3, v3.length - 8);
    v2[0] = IndexFitSerializer.FORMAT_V2;
    IndexFit old = IndexFitSerializer.INSTANCE.deserialize(new DataInputDeserializer(v2));
    assertThat(old.fittedProbes()).isZero();
    assertThat(old.fittedCandidates()).isZero();
    assertThat(old.version()).isEqualTo(fit.version());
  }

  private static void writeFloats(float[] values, DataOutputSerializer out) throws IOException {
    out.writeInt(values.length);
    for (float f : values) {
      out.writeFloat(f);
    }
  }
}
