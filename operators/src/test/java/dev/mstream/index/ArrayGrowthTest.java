package dev.mstream.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ArrayGrowthTest {

  @Test
  void growsByAQuarterAndAtLeastToWhatIsNeeded() {
    assertThat(ArrayGrowth.capacity(0, 1)).isEqualTo(16);
    assertThat(ArrayGrowth.capacity(1024, 1025)).isEqualTo(1280);
    assertThat(ArrayGrowth.capacity(1024, 5000)).isEqualTo(5000);
    assertThat(ArrayGrowth.capacity(Integer.MAX_VALUE - 100, Integer.MAX_VALUE - 99))
        .isEqualTo(Integer.MAX_VALUE - 8);
  }

  @Test
  void refusesWhatNoArrayCanHold() {
    assertThatThrownBy(() -> ArrayGrowth.capacity(16, Integer.MAX_VALUE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot hold");
  }
}
