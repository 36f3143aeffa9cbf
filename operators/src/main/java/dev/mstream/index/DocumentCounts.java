package dev.mstream.index;

import static org.apache.flink.util.Preconditions.checkState;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Live documents per namespace in one subtask. The arenas count entries, which are chunks; queries
 * report {@code index_size} in documents.
 */
final class DocumentCounts {

  private final Map<String, int[]> byNamespace = new HashMap<>();
  private long total;

  void add(String namespace) {
    byNamespace.computeIfAbsent(namespace, n -> new int[1])[0]++;
    total++;
  }

  void remove(String namespace) {
    int[] count = byNamespace.get(namespace);
    checkState(count != null && count[0] != 0, "no live document in namespace '%s'", namespace);
    if (--count[0] == 0) {
      byNamespace.remove(namespace);
    }
    total--;
  }

  int of(String namespace) {
    int[] count = byNamespace.get(namespace);
    return count == null ? 0 : count[0];
  }

  long total() {
    return total;
  }

  /** The namespaces with live documents, in order (a copy). */
  Set<String> namespaces() {
    return new TreeSet<>(byNamespace.keySet());
  }
}
