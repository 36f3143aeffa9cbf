package dev.mstream.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

class VectorPoolingTest {
  // two texts, three token slots, two dims; text 1 has one padded slot full of junk
  private static final FloatBuffer HIDDEN =
      FloatBuffer.wrap(new float[] {1, 2, 3, 4, 5, 6, /* text 1 */ 2, 0, 4, 0, 99, 99});
  private static final long[] MASK = {1, 1, 1, 1, 1, 0};

  @Test
  void meanPoolingSkipsPadding() {
    float[] v = VectorPooling.pool(HIDDEN, MASK, 1, 3, 2, Pooling.MEAN, false);
    assertThat(v).containsExactly(3f, 0f);
    float[] first = VectorPooling.pool(HIDDEN, MASK, 0, 3, 2, Pooling.MEAN, false);
    assertThat(first).containsExactly(3f, 4f);
  }

  @Test
  void clsTakesTheFirstToken() {
    assertThat(VectorPooling.pool(HIDDEN, MASK, 1, 3, 2, Pooling.CLS, false))
        .containsExactly(2f, 0f);
  }

  @Test
  void normalisesToUnitLength() {
    float[] v = VectorPooling.pool(HIDDEN, MASK, 0, 3, 2, Pooling.MEAN, true);
    assertThat(v[0]).isCloseTo(0.6f, within(1e-6f));
    assertThat(v[1]).isCloseTo(0.8f, within(1e-6f));
  }

  @Test
  void zeroVectorStaysZero() {
    assertThat(VectorPooling.l2Normalize(new float[] {0, 0})).containsExactly(0f, 0f);
  }
}
