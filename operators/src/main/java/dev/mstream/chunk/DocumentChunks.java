package dev.mstream.chunk;

/**
 * How one document is split for embedding.
 *
 * @param ranges null when the document fits one window and is embedded whole, as it would be
 *     without chunking; else two entries per chunk, its {@code [start, end)} in Unicode code points
 *     of the document's text (the {@code text} field, not the title)
 * @param head what is put in front of every chunk when it is embedded (the title and a space, the
 *     title shortened when it would take more than half the window), or null for none
 * @param leftOver whether the document needed more chunks than allowed (the ranges stop there)
 */
public record DocumentChunks(int[] ranges, String head, boolean leftOver) {

  /** One chunk: the document as one text. */
  public static final DocumentChunks WHOLE = new DocumentChunks(null, null, false);

  public int count() {
    return ranges == null ? 1 : ranges.length / 2;
  }
}
