package dev.mstream.records;

/**
 * How a document's score comes from the scores of its chunks (a query's {@code chunk_aggregation}).
 * A document of one chunk scores that chunk's score either way.
 */
public enum ChunkAggregation {
  /** The best chunk's score: the document that holds the best passage wins. */
  MAX,
  /**
   * The sum of the document's best {@code chunk_top_m} chunk scores: favours documents that match
   * in several places.
   */
  SUM;

  /** Chunks summed by {@link #SUM} when a query names no {@code chunk_top_m}. */
  public static final int DEFAULT_TOP_M = 3;
}
