package dev.mstream.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TokenBudgetTest {

  private static List<int[]> runs(TokenBudget budget, int[] sorted) {
    List<int[]> runs = new ArrayList<>();
    for (int from = 0; from < sorted.length; ) {
      int to = budget.end(sorted, from);
      runs.add(new int[] {from, to});
      from = to;
    }
    return runs;
  }

  @Test
  void shortTextsRunWideAndLongTextsNarrow() {
    int[] sorted = {10, 10, 10, 10, 100, 100, 100, 100};
    List<int[]> runs = runs(new TokenBudget(32, 200), sorted);
    // four short texts (padded 4 × 10 = 40) fit together; the long ones go two at a time (200)
    assertThat(runs).containsExactly(new int[] {0, 4}, new int[] {4, 6}, new int[] {6, 8});
  }

  @Test
  void aTextLongerThanTheBudgetRunsAlone() {
    int[] sorted = {5, 500, 600};
    assertThat(runs(new TokenBudget(32, 100), sorted))
        .containsExactly(new int[] {0, 1}, new int[] {1, 2}, new int[] {2, 3});
  }

  @Test
  void everyRunRespectsBothCapsAndAllTextsRunOnce() {
    Random random = new Random(7);
    for (int trial = 0; trial < 200; trial++) {
      int[] sorted = new int[1 + random.nextInt(300)];
      for (int i = 0; i < sorted.length; i++) {
        sorted[i] = 1 + random.nextInt(512);
      }
      Arrays.sort(sorted);
      int maxTexts = 1 + random.nextInt(64);
      int maxTokens = 1 + random.nextInt(10_000);
      int covered = 0;
      for (int[] run : runs(new TokenBudget(maxTexts, maxTokens), sorted)) {
        int n = run[1] - run[0];
        assertThat(run[0]).isEqualTo(covered);
        assertThat(n).isBetween(1, maxTexts);
        if (n > 1) {
          assertThat((long) n * sorted[run[1] - 1]).isLessThanOrEqualTo(maxTokens);
        }
        covered = run[1];
      }
      assertThat(covered).isEqualTo(sorted.length);
    }
  }

  @Test
  void rejectsNonPositiveCaps() {
    assertThatThrownBy(() -> new TokenBudget(0, 10)).hasMessageContaining("maxTexts");
    assertThatThrownBy(() -> new TokenBudget(1, 0)).hasMessageContaining("maxTokens");
  }
}
