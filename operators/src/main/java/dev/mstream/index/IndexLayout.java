package dev.mstream.index;

import org.apache.flink.annotation.PublicEvolving;

/** How a subtask's prefix index is organised past its warm-up. */
@PublicEvolving
public enum IndexLayout {
  /** Every document of the query's namespace is scored on its prefix ({@link PrefixArena}). */
  FLAT,
  /** Posting lists by nearest centroid; a query scores the lists it probes. */
  IVF
}
