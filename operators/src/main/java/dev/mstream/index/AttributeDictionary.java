package dev.mstream.index;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Interns {@code name=value} attribute pairs to ints so the arena keeps a document's filterable
 * attributes as one small sorted int array (or nothing at all), and a filter check is a few binary
 * searches instead of map lookups on strings.
 */
final class AttributeDictionary {

  static final int[] NONE = new int[0];

  private final Map<String, Integer> ids = new HashMap<>();

  /** Sorted pair ids of {@code attrs}, interning new pairs. */
  int[] intern(Map<String, String> attrs) {
    if (attrs == null || attrs.isEmpty()) {
      return NONE;
    }
    int[] out = new int[attrs.size()];
    int i = 0;
    for (Map.Entry<String, String> e : attrs.entrySet()) {
      out[i++] = ids.computeIfAbsent(key(e.getKey(), e.getValue()), k -> ids.size());
    }
    Arrays.sort(out);
    return out;
  }

  /**
   * Sorted pair ids a document must all have to match {@code filter}, or null when some pair was
   * never seen (then nothing can match).
   */
  int[] lookup(Map<String, String> filter) {
    if (filter == null || filter.isEmpty()) {
      return NONE;
    }
    int[] out = new int[filter.size()];
    int i = 0;
    for (Map.Entry<String, String> e : filter.entrySet()) {
      Integer id = ids.get(key(e.getKey(), e.getValue()));
      if (id == null) {
        return null;
      }
      out[i++] = id;
    }
    Arrays.sort(out);
    return out;
  }

  static boolean containsAll(int[] have, int[] want) {
    if (want.length == 0) {
      return true;
    }
    for (int w : want) {
      if (Arrays.binarySearch(have, w) < 0) {
        return false;
      }
    }
    return true;
  }

  private static String key(String name, String value) {
    // NUL cannot appear in a sensible attribute name, so pairs never collide.
    return name + '\u0000' + value;
  }
}
