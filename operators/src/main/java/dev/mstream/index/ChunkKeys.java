package dev.mstream.index;

/**
 * The key of one chunk in the in-memory arenas, which hold one entry per chunk: chunk 0 of a
 * document is keyed by the document id itself, so a document of one chunk has the entry it had
 * before chunking; chunk {@code i > 0} by the id, U+0000 and {@code i} in decimal.
 *
 * <p>To keep keys unambiguous whatever the ids, a U+0000 inside an id is doubled (ids without one,
 * i.e. all real ones, are used as they are): a single U+0000 then always starts a chunk ordinal.
 */
final class ChunkKeys {

  private static final char MARK = '\u0000';

  private ChunkKeys() {}

  static String key(String docId, int chunk) {
    String id = docId.indexOf(MARK) < 0 ? docId : docId.replace("\u0000", "\u0000\u0000");
    return chunk == 0 ? id : id + MARK + chunk;
  }

  /** The document id of an arena key. */
  static String documentOf(String key) {
    int mark = key.indexOf(MARK);
    if (mark < 0) {
      return key;
    }
    StringBuilder id = new StringBuilder(key.length());
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c != MARK) {
        id.append(c);
      } else if (i + 1 < key.length() && key.charAt(i + 1) == MARK) {
        id.append(MARK);
        i++;
      } else {
        break; // the chunk ordinal follows
      }
    }
    return id.toString();
  }

  /** The chunk ordinal of an arena key. */
  static int chunkOf(String key) {
    int mark = key.indexOf(MARK);
    if (mark < 0) {
      return 0;
    }
    for (int i = 0; i < key.length(); i++) {
      if (key.charAt(i) == MARK) {
        if (i + 1 < key.length() && key.charAt(i + 1) == MARK) {
          i++;
        } else {
          return Integer.parseInt(key, i + 1, key.length(), 10);
        }
      }
    }
    return 0;
  }
}
