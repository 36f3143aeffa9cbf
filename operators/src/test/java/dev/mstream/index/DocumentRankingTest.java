package dev.mstream.index;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mstream.records.ChunkAggregation;
import org.junit.jupiter.api.Test;

class DocumentRankingTest {

  @Test
  void maxRanksByTheBestChunkAndNamesIt() {
    DocumentRanking r = new DocumentRanking(ChunkAggregation.MAX, 3);
    r.offer("a", 0, 0.5f);
    r.offer("a", 1, 0.9f);
    r.offer("a", 2, 0.9f);
    r.offer("b", 0, 0.8f);
    r.offer("c", 4, 0.9f);
    assertThat(r.documents()).isEqualTo(3);
    assertThat(r.top(10))
        .containsExactly(
            new DocumentRanking.Ranked("a", 0.9f, 1), // the lowest chunk among equal scores
            new DocumentRanking.Ranked("c", 0.9f, 4), // equal scores in id order
            new DocumentRanking.Ranked("b", 0.8f, 0));
    assertThat(r.top(1)).extracting(DocumentRanking.Ranked::docId).containsExactly("a");
  }

  @Test
  void sumAddsTheBestMChunksOnly() {
    DocumentRanking r = new DocumentRanking(ChunkAggregation.SUM, 2);
    r.offer("a", 0, 0.1f);
    r.offer("a", 1, 0.5f);
    r.offer("a", 2, 0.4f);
    r.offer("a", 3, 0.2f);
    r.offer("b", 0, 0.85f);
    assertThat(r.top(2))
        .containsExactly(
            new DocumentRanking.Ranked("a", 0.9f, 1), new DocumentRanking.Ranked("b", 0.85f, 0));
  }
}
