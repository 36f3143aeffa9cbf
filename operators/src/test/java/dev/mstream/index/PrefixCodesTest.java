package dev.mstream.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The arena keeps codes in 64-dimension segments; a scan at any dims, within or across segments,
 * must score every document exactly as the row-major code it was given.
 */
class PrefixCodesTest {

  @Test
  void segmentsSplitRowsAt64DimensionsAndRoundTrip() {
    PrefixCodes codes = new PrefixCodes(160, 2, 2);
    assertThat(codes.segmentCount()).isEqualTo(3);
    assertThat(codes.segmentDims(2)).isEqualTo(32);
    assertThat(codes.segmentBytes(0)).isEqualTo(128);
    byte[] row = new byte[320];
    for (int i = 0; i < row.length; i++) {
      row[i] = (byte) i;
    }
    codes.put(1, row);
    codes.grow(5);
    byte[] back = new byte[320];
    int from = 0;
    for (int s = 0; s < codes.segmentCount(); s++) {
      int n = codes.segmentBytes(s);
      System.arraycopy(codes.segment(s), n, back, from, n);
      from += n;
    }
    assertThat(back).isEqualTo(row);
    assertThat(codes.heapBytes()).isEqualTo(5 * 320);
  }

  @ParameterizedTest
  @EnumSource(
      value = PrefixEncoding.class,
      names = {"INT8", "FLOAT16"})
  void scoresAtAnyDimsEqualTheRowMajorCodes(PrefixEncoding encoding) {
    int dim = 200;
    int prefix = 160; // segments of 64, 64 and 32 dims
    Random rnd = new Random(5);
    float[][] pool = TestVectors.correlated(rnd, 600, dim);
    PrefixArena arena = new PrefixArena(Projection.fitPca(pool, prefix), encoding, 8);
    Map<String, byte[]> codeOf = new HashMap<>();
    for (int i = 0; i < 300; i++) {
      String id = "d" + i;
      byte[] code = arena.encodeCode(pool[i]);
      arena.putEncoded(id, "ns", Map.of(), code);
      codeOf.put(id, code);
    }
    float[] query = pool[rnd.nextInt(pool.length)];
    float[] projected = arena.projection().project(query);
    for (int dims : new int[] {1, 17, 63, 64, 65, 100, 127, 128, 129, 150, 160}) {
      Shortlist all = arena.shortlist("ns", Map.of(), query, dims, 300);
      assertThat(all.size()).isEqualTo(300);
      byte[] qc = arena.int8Query(projected, dims);
      for (int i = 0; i < all.size(); i++) {
        byte[] code = codeOf.get(arena.idOf(all.slots()[i]));
        float expected = 0;
        if (encoding == PrefixEncoding.INT8) {
          int dot = 0;
          for (int j = 0; j < dims; j++) {
            dot += code[j] * qc[j];
          }
          expected = dot;
        } else {
          for (int j = 0; j < dims; j++) {
            short h = (short) ((code[2 * j] & 0xFF) | (code[2 * j + 1] << 8));
            expected += Half.toFloat(h) * projected[j];
          }
        }
        assertThat(all.scores()[i]).as("dims %d, rank %d", dims, i).isEqualTo(expected);
      }
    }
  }
}
