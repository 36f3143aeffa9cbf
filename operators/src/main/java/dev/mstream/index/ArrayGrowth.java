package dev.mstream.index;

import org.apache.flink.util.Preconditions;

/**
 * The next capacity of the index's growing per-document arrays (slot tables, the id pool, the id
 * hash table): a quarter more, not double. At 64 bytes of code per document, doubled arrays left up
 * to half of every per-slot table empty, which is what kept the inverted file above 100 bytes per
 * document (docs/benchmarks.md, "Memory and restore"). A quarter keeps the slack under 20 % of the
 * arrays' bytes, and the copying it costs stays amortized: every element is copied four times on
 * average, a memory copy, against the ~20 µs an insert costs.
 */
final class ArrayGrowth {

  private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

  private ArrayGrowth() {}

  /**
   * A capacity of at least {@code needed}, and a quarter more than {@code current} (at least 16).
   */
  static int capacity(int current, int needed) {
    Preconditions.checkArgument(needed >= 0, "needed capacity %s is negative", needed);
    long grown = Math.max(16L, (long) current + (current >> 2));
    long capacity = Math.max(grown, needed);
    Preconditions.checkArgument(
        needed <= MAX_ARRAY, "an index array cannot hold %s entries", needed);
    return (int) Math.min(capacity, MAX_ARRAY);
  }
}
