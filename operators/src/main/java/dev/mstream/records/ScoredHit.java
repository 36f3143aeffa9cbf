package dev.mstream.records;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.annotation.Internal;

/** One document in a ranked answer (a Flink POJO). */
@Internal
public class ScoredHit {

  /** {@link #chunkStart} and {@link #chunkEnd} when the index does not know them. */
  public static final int UNKNOWN_OFFSET = -1;

  public String docId;
  public float score;
  public Map<String, String> attributes = new HashMap<>();

  /** Ordinal of the chunk that matched best (0 for a document of one chunk). */
  public int chunk;

  /** Chunks the document has. */
  public int chunkCount = 1;

  /**
   * Where the best chunk lies in the document's text, {@code [start, end)} in Unicode code points;
   * {@link #UNKNOWN_OFFSET} for documents indexed before chunk offsets were stored.
   */
  public int chunkStart = UNKNOWN_OFFSET;

  public int chunkEnd = UNKNOWN_OFFSET;

  /** The best chunk's text, when the index keeps document texts; else null. */
  public String passage;

  public ScoredHit() {}

  public ScoredHit(String docId, float score, Map<String, String> attributes) {
    this.docId = docId;
    this.score = score;
    this.attributes = attributes;
  }

  /** Best first; ties broken by id so that merged answers are deterministic. */
  public static int bestFirst(ScoredHit a, ScoredHit b) {
    int c = Float.compare(b.score, a.score);
    return c != 0 ? c : a.docId.compareTo(b.docId);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ScoredHit h
        && Objects.equals(docId, h.docId)
        && score == h.score
        && Objects.equals(attributes, h.attributes)
        && chunk == h.chunk
        && chunkCount == h.chunkCount
        && chunkStart == h.chunkStart
        && chunkEnd == h.chunkEnd
        && Objects.equals(passage, h.passage);
  }

  @Override
  public int hashCode() {
    return Objects.hash(docId, score);
  }

  @Override
  public String toString() {
    return docId + ":" + score + (chunkCount > 1 ? "@" + chunk + "/" + chunkCount : "");
  }
}
