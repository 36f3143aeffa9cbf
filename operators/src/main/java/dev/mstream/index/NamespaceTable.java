package dev.mstream.index;

import java.util.HashMap;
import java.util.Map;

/**
 * Interns namespace names to small ints so the arena stores 4 bytes per document instead of a
 * reference, and compares namespaces with one int comparison inside the scan loop.
 */
final class NamespaceTable {

  static final int NONE = -1;

  private final Map<String, Integer> idByName = new HashMap<>();
  private final Map<Integer, Integer> liveById = new HashMap<>();
  private int nextId;

  int idOf(String namespace) {
    Integer id = idByName.get(namespace);
    return id == null ? NONE : id;
  }

  /** Counts one more live document in {@code namespace} and returns its id. */
  int acquire(String namespace) {
    int id = idByName.computeIfAbsent(namespace, n -> nextId++);
    liveById.merge(id, 1, Integer::sum);
    return id;
  }

  /** Counts one live document less; ids stay stable for the arena's lifetime. */
  void release(int id) {
    liveById.computeIfPresent(id, (k, v) -> v == 1 ? null : v - 1);
  }

  int liveCount(int id) {
    return liveById.getOrDefault(id, 0);
  }

  int liveCount(String namespace) {
    Integer id = idByName.get(namespace);
    return id == null ? 0 : liveById.getOrDefault(id, 0);
  }
}
