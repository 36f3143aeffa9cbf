package dev.mstream.index;

import dev.mstream.records.ChunkAggregation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Chunk scores gathered per document, and the documents ranked by an aggregation of them ({@link
 * ChunkAggregation}): a query answers with documents, each once, with the chunk that matched best.
 */
final class DocumentRanking {

  private final ChunkAggregation aggregation;
  private final int topM;
  private final Map<String, Scores> byDocument = new HashMap<>();

  DocumentRanking(ChunkAggregation aggregation, int topM) {
    this.aggregation = aggregation == null ? ChunkAggregation.MAX : aggregation;
    this.topM = aggregation == ChunkAggregation.SUM ? Math.max(1, topM) : 1;
  }

  void offer(String docId, int chunk, float score) {
    byDocument.computeIfAbsent(docId, id -> new Scores(topM)).offer(chunk, score);
  }

  /** Documents offered so far. */
  int documents() {
    return byDocument.size();
  }

  /** The {@code k} best documents, best first, equal scores in id order (as the merger ranks). */
  List<Ranked> top(int k) {
    List<Ranked> all = new ArrayList<>(byDocument.size());
    for (Map.Entry<String, Scores> e : byDocument.entrySet()) {
      Scores s = e.getValue();
      all.add(
          new Ranked(
              e.getKey(), aggregation == ChunkAggregation.SUM ? s.sum() : s.best[0], s.bestChunk));
    }
    all.sort(
        (a, b) -> {
          int c = Float.compare(b.score(), a.score());
          return c != 0 ? c : a.docId().compareTo(b.docId());
        });
    return all.size() <= k ? all : new ArrayList<>(all.subList(0, k));
  }

  /**
   * @param score the document's aggregated score
   * @param bestChunk ordinal of its best-scoring chunk (the lowest among equals)
   */
  record Ranked(String docId, float score, int bestChunk) {}

  /** The best {@code m} chunk scores of one document, descending, and which chunk was best. */
  private static final class Scores {
    final float[] best;
    int count;
    int bestChunk = -1;

    Scores(int m) {
      best = new float[m];
    }

    void offer(int chunk, float score) {
      if (count == 0 || score > best[0] || (score == best[0] && chunk < bestChunk)) {
        bestChunk = chunk;
      }
      if (count < best.length) {
        count++;
      } else if (score <= best[count - 1]) {
        return;
      }
      int i = count - 1;
      while (i > 0 && best[i - 1] < score) {
        best[i] = best[i - 1];
        i--;
      }
      best[i] = score;
    }

    float sum() {
      float sum = 0;
      for (int i = 0; i < count; i++) {
        sum += best[i];
      }
      return sum;
    }
  }
}
