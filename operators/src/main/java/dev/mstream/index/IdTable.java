package dev.mstream.index;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.flink.util.Preconditions;

/**
 * Document id ↔ slot, compact enough for hundreds of thousands of ids per subtask: ids live as
 * length-prefixed UTF-8 in one byte pool (no String or map entry per document), and the id → slot
 * index is an open-addressing table of ints with linear probing.
 *
 * <p>Invariants: an entry of {@code table} holds slot+1 in its low {@link #SLOT_BITS} bits (0 =
 * empty) and a fingerprint of the id's hash in the rest, so a probe compares pool bytes only when
 * the fingerprints match; the table is at most {@link #MAX_LOAD} full; deletion shifts later
 * entries of the probe run back instead of leaving tombstones; pool bytes of removed ids are
 * garbage until {@link #compactIfWasteful} rewrites the pool.
 *
 * <p>Why a table of any size, filled to 3/4, and growth by a quarter: at a few dozen bytes per
 * document, a power-of-two table at most half full cost 8–16 bytes per id and doubling arrays up to
 * as much again (the inverted file measured 111.7 B per document, 64 of them code; see
 * docs/benchmarks.md). The fingerprint keeps the longer probe runs of a fuller table from reading
 * the pool.
 */
final class IdTable {

  /** Bits of an entry that hold slot+1; the rest hold the fingerprint. */
  static final int SLOT_BITS = 27;

  /** The most slots an id table (one index subtask) can address. */
  static final int MAX_SLOTS = (1 << SLOT_BITS) - 1;

  private static final int SLOT_MASK = (1 << SLOT_BITS) - 1;
  private static final double MAX_LOAD = 0.75;

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
    int h = hash(key);
    int print = fingerprint(h);
    for (int i = home(h); ; i = next(i)) {
      int entry = table[i];
      if (entry == 0) {
        return -1;
      }
      if ((entry & ~SLOT_MASK) == print && equalsAt((entry & SLOT_MASK) - 1, key)) {
        return (entry & SLOT_MASK) - 1;
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
    Preconditions.checkArgument(
        slot >= 0 && slot < MAX_SLOTS,
        "slot %s is past the %s documents one index subtask can hold; raise the job's parallelism",
        slot,
        MAX_SLOTS);
    byte[] key = id.getBytes(StandardCharsets.UTF_8);
    if (slot >= offsetBySlot.length) {
      offsetBySlot =
          Arrays.copyOf(offsetBySlot, ArrayGrowth.capacity(offsetBySlot.length, slot + 1));
    }
    offsetBySlot[slot] = append(key);
    if (size + 1 > MAX_LOAD * table.length) {
      rehash(ArrayGrowth.capacity(table.length, (int) Math.ceil((size + 1) / MAX_LOAD) + 1));
    }
    insert(hash(key), slot);
    size++;
  }

  /** Removes {@code id}, which must map to {@code slot}. */
  void remove(String id, int slot) {
    byte[] key = id.getBytes(StandardCharsets.UTF_8);
    int i = home(hash(key));
    while ((table[i] & SLOT_MASK) != slot + 1) {
      i = next(i);
    }
    // Backward-shift deletion keeps every probe run unbroken.
    int hole = i;
    for (int j = next(hole); table[j] != 0; j = next(j)) {
      int home = home(hash(keyAt((table[j] & SLOT_MASK) - 1)));
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
    int live = poolSize - garbage;
    byte[] fresh = new byte[Math.max(1024, live + live / 4)];
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
    int i = home(hash);
    while (table[i] != 0) {
      i = next(i);
    }
    table[i] = fingerprint(hash) | (slot + 1);
  }

  private void rehash(int capacity) {
    int[] old = table;
    table = new int[capacity];
    for (int entry : old) {
      if (entry != 0) {
        int slot = (entry & SLOT_MASK) - 1;
        insert(hash(keyAt(slot)), slot);
      }
    }
  }

  /** Where {@code hash}'s probe run starts: its high bits scaled to the table (any size). */
  private int home(int hash) {
    return (int) (((hash & 0xFFFF_FFFFL) * table.length) >>> 32);
  }

  private int next(int i) {
    return i + 1 == table.length ? 0 : i + 1;
  }

  /** The hash's low bits, placed above the slot bits (independent of {@link #home}'s high bits). */
  private static int fingerprint(int hash) {
    return hash << SLOT_BITS;
  }

  private int append(byte[] key) {
    int need = lengthBytes(key.length) + key.length;
    if (poolSize + need > pool.length) {
      pool = Arrays.copyOf(pool, ArrayGrowth.capacity(pool.length, poolSize + need));
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
    // murmur3's finalizer: home() takes the high bits and the fingerprint the low ones.
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    return h ^ (h >>> 16);
  }
}
