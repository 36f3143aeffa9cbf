package dev.mstream.chunk;

/** What happens to a document that needs more chunks than {@code mstream.chunk.max-chunks}. */
public enum OverChunkLimit {
  /** Index its first max-chunks chunks; the rest of its text is not searchable. Counted. */
  TRUNCATE,
  /** Send it to the dead-letter topic (reason TOO_MANY_CHUNKS); a previous version stays. */
  DEAD_LETTER
}
