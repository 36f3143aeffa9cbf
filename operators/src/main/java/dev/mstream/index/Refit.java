package dev.mstream.index;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A refit of a subtask that already serves queries from a {@link PrefixIndex}, in three phases that
 * never hold the task thread for long:
 *
 * <ol>
 *   <li><b>sample</b>: full vectors of random live documents, read from keyed state a slice at a
 *       time;
 *   <li><b>fit</b>: {@link IndexFitter} on the fit executor, off the task thread;
 *   <li><b>migrate</b>: a new index under the new fit, filled a slice at a time by re-encoding
 *       every live document from its stored full vector (never re-embedded), its prefix entry
 *       rewritten with the new code and list.
 * </ol>
 *
 * Meanwhile the current index answers every query, and documents added, updated or deleted go to
 * both indexes ({@link SubtaskIndex}), so that when the cursor has passed every slot of the current
 * index the new one holds exactly the live documents, and is swapped in at a record boundary.
 *
 * <p>Not checkpointed: a failure before the swap restores the current fit; documents already
 * rewritten under the new one are re-encoded on restore, and the refit starts again when its reason
 * still holds.
 */
final class Refit {

  enum Phase {
    SAMPLING,
    FITTING,
    MIGRATING
  }

  private final String reason;
  private final long startNanos = System.nanoTime();
  private final int wanted;
  private final List<float[]> sample;
  private final SplittableRandom random;
  private Phase phase = Phase.SAMPLING;
  private int sampleAttempts;
  private CompletableFuture<IndexFit> future;
  private PrefixIndex next;
  private int cursor;

  Refit(String reason, int wanted, long seed) {
    this.reason = reason;
    this.wanted = wanted;
    this.sample = new ArrayList<>(wanted);
    this.random = new SplittableRandom(seed);
  }

  String reason() {
    return reason;
  }

  Phase phase() {
    return phase;
  }

  long startNanos() {
    return startNanos;
  }

  /** The index being filled, or null before the fit is done. */
  PrefixIndex next() {
    return next;
  }

  /**
   * Adds up to {@code budget} sampled vectors from random slots of {@code current}; moves to the
   * fit once the sample is complete (or the index ran out of documents to sample).
   */
  void sample(PrefixIndex current, DocumentState state, int budget) throws Exception {
    // Slots hold chunks: sample the chunk's vector, read from its document's record.
    Map<String, List<Integer>> chunksOf = new LinkedHashMap<>();
    int picked = 0;
    int slots = current.slotCount();
    for (int i = 0; i < budget && sample.size() + picked < wanted; i++) {
      sampleAttempts++;
      String key = slots == 0 ? null : current.liveIdAt(random.nextInt(slots));
      if (key != null) {
        chunksOf
            .computeIfAbsent(ChunkKeys.documentOf(key), d -> new ArrayList<>())
            .add(ChunkKeys.chunkOf(key));
        picked++;
      }
    }
    state.forEach(
        new ArrayList<>(chunksOf.keySet()),
        (id, doc) -> {
          for (int chunk : chunksOf.get(id)) {
            if (chunk < doc.chunkCount()) {
              sample.add(doc.chunkVectors()[chunk]);
            }
          }
        });
  }

  /** Whether sampling is over: enough vectors, or too many misses on a sparse index. */
  boolean sampled() {
    return sample.size() >= wanted || sampleAttempts >= 4L * wanted;
  }

  /** Starts the fit on {@code executor}. */
  void fit(IndexFitter fitter, long documents, Executor executor) {
    float[][] vectors = sample.toArray(new float[0][]);
    sample.clear();
    future = CompletableFuture.supplyAsync(() -> fitter.fit(vectors, documents), executor);
    phase = Phase.FITTING;
  }

  /** The finished fit, or null while it runs; rethrows what the fit threw. */
  IndexFit fitted() {
    if (future == null || !future.isDone()) {
      return null;
    }
    return future.join();
  }

  void migrateInto(PrefixIndex next) {
    this.next = next;
    this.phase = Phase.MIGRATING;
  }

  /** Next slot of the current index to migrate. */
  int cursor() {
    return cursor;
  }

  void advance(int slots) {
    cursor += slots;
  }

  void cancel() {
    if (future != null) {
      future.cancel(true);
    }
  }
}
