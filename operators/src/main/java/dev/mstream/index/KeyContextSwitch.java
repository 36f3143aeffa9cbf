package dev.mstream.index;

import org.apache.flink.annotation.Internal;
import org.apache.flink.streaming.api.operators.KeyContext;

/**
 * Reads keyed state of other keys than the current record's: the one place where the index sets the
 * operator's key context by hand. The query input is broadcast and has no key; to rerank a
 * shortlist the index reads the stored document of each shortlisted id, which is keyed state of
 * that id. Flink has no public API for a point lookup of another key's state (a {@code
 * KeyedBroadcastProcessFunction} can only visit every key, {@code applyToKeyedState}, which would
 * be a full scan per query), so this switches the key the way Flink's own keyed operators do before
 * each record and timer ({@link KeyContext#setCurrentKey}).
 *
 * <p>Invariants:
 *
 * <ul>
 *   <li>The key that was current before is current again afterwards, also when the action throws: a
 *       caller in the middle of a record (a document being added, keyed by its id) must find its
 *       own key again, or its next write would silently land on the last id read.
 *   <li>When no key was current yet (a broadcast record before any keyed one), there is none to
 *       restore and the last id read stays current: the caller must not write keyed state then (the
 *       index's query path only reads). The next keyed record sets its own key.
 *   <li>Only ids of this subtask's key groups: they come from its own arena and keyed state.
 *       Another subtask's key is not this subtask's state, and not every backend checks.
 *   <li>On the task thread only, synchronously, like all access to the operator's key context; not
 *       possible as such with asynchronous state ({@code docs/guarantees.md}, "Reading other keys'
 *       state").
 * </ul>
 *
 * <p>{@code KeyContextSwitchTest} fails if a Flink upgrade changes this behaviour.
 */
@Internal
final class KeyContextSwitch {

  private final KeyContext keys;

  KeyContextSwitch(KeyContext keys) {
    this.keys = keys;
  }

  /** Calls {@code action} under each of {@code ids} in turn, then restores the previous key. */
  <K> void forEach(Iterable<K> ids, KeyAction<K> action) throws Exception {
    Object previous = keys.getCurrentKey();
    try {
      for (K id : ids) {
        keys.setCurrentKey(id);
        action.apply(id);
      }
    } finally {
      if (previous != null) {
        keys.setCurrentKey(previous);
      }
    }
  }

  /** What {@code read} returns under {@code id}; the previous key is restored. */
  <K, T> T read(K id, KeyRead<T> read) throws Exception {
    Object previous = keys.getCurrentKey();
    try {
      keys.setCurrentKey(id);
      return read.get();
    } finally {
      if (previous != null) {
        keys.setCurrentKey(previous);
      }
    }
  }

  @FunctionalInterface
  interface KeyAction<K> {
    void apply(K id) throws Exception;
  }

  @FunctionalInterface
  interface KeyRead<T> {
    T get() throws Exception;
  }
}
