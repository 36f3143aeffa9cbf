package dev.mstream.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SpearmanTest {

  @Test
  void tiesGetTheirAverageRank() {
    assertThat(Spearman.ranks(new double[] {10, 20, 20, 5})).containsExactly(2, 3.5, 3.5, 1);
  }

  @Test
  void monotoneIsOneReversedIsMinusOne() {
    double[] x = {1, 2, 3, 4, 5};
    assertThat(Spearman.correlation(x, new double[] {1, 4, 9, 16, 25})).isCloseTo(1, within(1e-12));
    assertThat(Spearman.correlation(x, new double[] {5, 4, 3, 2, 1})).isCloseTo(-1, within(1e-12));
  }

  @Test
  void matchesScipyOnASmallExampleWithTies() {
    // scipy.stats.spearmanr([1, 2, 2, 3, 5], [2, 1, 4, 4, 3]).statistic
    double rho = Spearman.correlation(new double[] {1, 2, 2, 3, 5}, new double[] {2, 1, 4, 4, 3});
    assertThat(rho).isCloseTo(0.394737, within(1e-6));
  }
}
