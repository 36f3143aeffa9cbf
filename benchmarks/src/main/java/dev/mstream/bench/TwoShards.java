package dev.mstream.bench;

import dev.mstream.index.NeighborQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One query searched over two halves of the corpus at once, the calling thread taking the first and
 * a helper thread the second, then merged: what two index subtasks do per query. The helper's CPU
 * time is counted in {@link #helperCpu()} so queries per CPU-second include both halves.
 */
final class TwoShards implements AutoCloseable {

  /**
   * Searches half {@code shard} (0 or 1) of the corpus for query {@code query} into {@code out}.
   */
  interface Shard {
    void search(int query, int shard, NeighborQueue out) throws Exception;
  }

  private final ExecutorService helper = Executors.newSingleThreadExecutor();
  private final NeighborQueue[] parts = {
    new NeighborQueue(GroundTruth.K), new NeighborQueue(GroundTruth.K)
  };
  private final NeighborQueue merged = new NeighborQueue(GroundTruth.K);
  private final AtomicLong helperCpu = new AtomicLong();

  /** The merged top ids of query {@code i}; one query at a time (the parts are reused). */
  int[] search(int i, Shard shard) throws Exception {
    Future<?> other =
        helper.submit(
            () -> {
              long c0 = Bench.threadCpuNanos();
              parts[1].clear();
              shard.search(i, 1, parts[1]);
              helperCpu.addAndGet(Bench.threadCpuNanos() - c0);
              return null;
            });
    parts[0].clear();
    shard.search(i, 0, parts[0]);
    other.get();
    merged.clear();
    merged.addAll(parts[0]);
    merged.addAll(parts[1]);
    return merged.sortedSlots();
  }

  AtomicLong helperCpu() {
    return helperCpu;
  }

  @Override
  public void close() {
    helper.shutdown();
  }
}
