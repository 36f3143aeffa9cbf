package dev.mstream.index;

/** How a subtask's prefix index is organised past its warm-up. */
public enum IndexLayout {
  /** Every document of the query's namespace is scored on its prefix ({@link PrefixArena}). */
  FLAT,
  /** Posting lists by nearest centroid; a query scores the lists it probes. */
  IVF
}
