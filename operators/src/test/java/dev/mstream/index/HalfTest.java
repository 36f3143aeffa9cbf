package dev.mstream.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class HalfTest {

  @Test
  void roundTripsWithinHalfPrecision() {
    Random rnd = new Random(9);
    for (int i = 0; i < 100_000; i++) {
      float f = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(8) - 4));
      float back = Half.toFloat(Half.fromFloat(f));
      if (Math.abs(f) > 6.2e-5 && Math.abs(f) < 65000) {
        assertThat((double) back)
            .isCloseTo(f, org.assertj.core.data.Percentage.withPercentage(0.1));
      }
    }
  }

  @Test
  void everyHalfValueSurvivesTheTrip() {
    for (int h = 0; h < 1 << 16; h++) {
      float f = Half.toFloat((short) h);
      if (!Float.isNaN(f)) {
        assertThat(Half.fromFloat(f)).isEqualTo((short) h);
      }
    }
  }
}
