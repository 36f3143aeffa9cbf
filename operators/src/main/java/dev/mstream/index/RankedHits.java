package dev.mstream.index;

import dev.mstream.records.ScoredHit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Ranked documents → hits: attributes, the best chunk and where it lies, from their records. */
final class RankedHits {

  private RankedHits() {}

  /**
   * @param docs the ranked documents' stored records; one missing (deleted meanwhile) is skipped
   */
  static List<ScoredHit> of(List<DocumentRanking.Ranked> ranked, Map<String, StoredDocument> docs) {
    List<ScoredHit> hits = new ArrayList<>(ranked.size());
    for (DocumentRanking.Ranked r : ranked) {
      StoredDocument doc = docs.get(r.docId());
      if (doc == null) {
        continue;
      }
      ScoredHit hit = new ScoredHit(r.docId(), r.score(), new HashMap<>(doc.attributes()));
      hit.chunk = r.bestChunk();
      hit.chunkCount = doc.chunkCount();
      hit.chunkStart = doc.chunkStart(r.bestChunk());
      hit.chunkEnd = doc.chunkEnd(r.bestChunk());
      hits.add(hit);
    }
    return hits;
  }
}
