package dev.mstream.index;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChunkBudgetTest {

  @Test
  void withoutChunksTheBudgetIsTheCandidates() {
    assertThat(FunnelSearch.chunkBudget(100, 500, 500)).isEqualTo(100);
    assertThat(FunnelSearch.chunkBudget(100, 0, 0)).isEqualTo(100);
  }

  @Test
  void chunksWidenItByTheirAverageCountPerDocumentRoundedUp() {
    assertThat(FunnelSearch.chunkBudget(100, 801, 500)).isEqualTo(161);
    assertThat(FunnelSearch.chunkBudget(10, 3_000, 100)).isEqualTo(300);
  }

  @Test
  void neverMoreThanTheNamespaceHolds() {
    assertThat(FunnelSearch.chunkBudget(100, 150, 50)).isEqualTo(150);
    assertThat(FunnelSearch.chunkBudget(Integer.MAX_VALUE, 2_000_000, 1_000_000))
        .isEqualTo(2_000_000);
  }
}
