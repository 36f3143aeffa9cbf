package dev.mstream.index;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Document id ↔ slot, compact enough for hundreds of thousands of ids per subtask: ids live as
 * length-prefixed UTF-8 in one byte pool (no String or map entry per document), and the id → slot
 * index is an open-addressing table of ints with linear probing.
 *
 * <p>Invariants: {@code table} holds slot+1 (0 = empty) and is at most half full; deletion shifts
 * later entries of the probe run back instead of leaving tombstones; pool bytes of removed ids are
 * garbage until {@link #compact} rewrites the pool.
 */
final class IdTable {

  private byte[] pool = new byte[1024];
  private int poolSize;
  private int garbage;
  private int[] offsetBySlot = new int[16];
  private int[] table = new int[32];
  private int size;

  int size() {
    return size;
  }

  long heapBytes() {
    return pool.length + 4L * offsetBySlot.length + 4L * table.length;
  }

  /** The slot of {@code id}, or -1. */
  int slotOf(String id) {
    byte[] key = id.getBytes(StandardCharsets.UTF_8);
    int mask = table.length - 1;
    for (int i = hash(key) & mask; ; i = (i + 1) & mask) {
      int entry = table[i];
      if (entry == 0) {
        return -1;
      }
      if (equalsAt(entry - 1, key)) {
        return entry - 1;
      }
    }
  }

  String idOf(int slot) {
    int off = offsetBySlot[slot];
    int len = readLength(off);
    return new String(pool, off + lengthBytes(len), len, StandardCharsets.UTF_8);
  }

  /** Maps a new id (not present) to {@code slot}. */
  void put(String id, int slot) {
    byte[] key = id.getBytes(StandardCharsets.UTF_8);
    if (slot >= offsetBySlot.length) {
      offsetBySlot = Arrays.copyOf(offsetBySlot, Math.max(slot + 1, offsetBySlot.length * 2));
    }
    offsetBySlot[slot] = append(key);
    if (2 * (size + 1) > table.length) {
      rehash(table.length * 2);
    }
    insert(hash(key), slot);
    size++;
  }

  /** Removes {@code id}, which must map to {@code slot}. */
  void remove(String id, int slot) {
    byte[] key = id.getBytes(StandardCharsets.UTF_8);
    int mask = table.length - 1;
    int i = hash(key) & mask;
    while (table[i] != slot + 1) {
      i = (i + 1) & mask;
    }
    // Backward-shift deletion keeps every probe run unbroken.
    int hole = i;
    for (int j = (hole + 1) & mask; table[j] != 0; j = (j + 1) & mask) {
      int home = hash(keyAt(table[j] - 1)) & mask;
      boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
      if (movable) {
        table[hole] = table[j];
        hole = j;
      }
    }
    table[hole] = 0;
    size--;
    int off = offsetBySlot[slot];
    int len = readLength(off);
    garbage += lengthBytes(len) + len;
  }

  /** Rewrites the pool without removed ids once they take more than half of it. */
  void compactIfWasteful(int highWater, java.util.function.IntPredicate isLive) {
    if (garbage * 2 <= poolSize || poolSize < 4096) {
      return;
    }
    byte[] fresh = new byte[Math.max(1024, (poolSize - garbage) * 2)];
    int pos = 0;
    for (int slot = 0; slot < highWater; slot++) {
      if (!isLive.test(slot)) {
        continue;
      }
      int off = offsetBySlot[slot];
      int total = lengthBytes(readLength(off)) + readLength(off);
      System.arraycopy(pool, off, fresh, pos, total);
      offsetBySlot[slot] = pos;
      pos += total;
    }
    pool = fresh;
    poolSize = pos;
    garbage = 0;
  }

  private void insert(int hash, int slot) {
    int mask = table.length - 1;
    int i = hash & mask;
    while (table[i] != 0) {
      i = (i + 1) & mask;
    }
    table[i] = slot + 1;
  }

  private void rehash(int capacity) {
    int[] old = table;
    table = new int[capacity];
    for (int entry : old) {
      if (entry != 0) {
        insert(hash(keyAt(entry - 1)), entry - 1);
      }
    }
  }

  private int append(byte[] key) {
    int need = lengthBytes(key.length) + key.length;
    if (poolSize + need > pool.length) {
      pool = Arrays.copyOf(pool, Math.max(pool.length * 2, poolSize + need));
    }
    int off = poolSize;
    int pos = off;
    // Length as a varint: one byte for ids shorter than 128 bytes.
    int len = key.length;
    while (len >= 0x80) {
      pool[pos++] = (byte) (len | 0x80);
      len >>>= 7;
    }
    pool[pos++] = (byte) len;
    System.arraycopy(key, 0, pool, pos, key.length);
    poolSize = pos + key.length;
    return off;
  }

  private int readLength(int off) {
    int len = 0;
    int shift = 0;
    byte b;
    do {
      b = pool[off++];
      len |= (b & 0x7F) << shift;
      shift += 7;
    } while ((b & 0x80) != 0);
    return len;
  }

  private static int lengthBytes(int len) {
    int n = 1;
    while (len >= 0x80) {
      len >>>= 7;
      n++;
    }
    return n;
  }

  private boolean equalsAt(int slot, byte[] key) {
    int off = offsetBySlot[slot];
    int len = readLength(off);
    return len == key.length
        && Arrays.equals(pool, off + lengthBytes(len), off + lengthBytes(len) + len, key, 0, len);
  }

  private byte[] keyAt(int slot) {
    int off = offsetBySlot[slot];
    int len = readLength(off);
    int start = off + lengthBytes(len);
    return Arrays.copyOfRange(pool, start, start + len);
  }

  private static int hash(byte[] key) {
    int h = 0x9747b28c;
    for (byte b : key) {
      h = (h ^ b) * 0x01000193;
    }
    return h ^ (h >>> 16);
  }
}
