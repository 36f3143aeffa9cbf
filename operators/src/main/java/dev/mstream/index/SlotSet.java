package dev.mstream.index;

import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * A set of arena slots: open addressing with linear probing, at most half full, backward-shift
 * deletion (no tombstones), shrinking when it empties. The inverted file keeps one per attribute
 * pair, so a selective filter finds its few documents without scanning the namespace.
 */
final class SlotSet {

  private static final int MIN_CAPACITY = 4;

  /** slot + 1; 0 = empty. */
  private int[] table = new int[MIN_CAPACITY];

  private int size;

  int size() {
    return size;
  }

  long heapBytes() {
    return 16 + 4L * table.length;
  }

  boolean add(int slot) {
    if (2 * (size + 1) > table.length) {
      rehash(table.length * 2);
    }
    int mask = table.length - 1;
    for (int i = hash(slot) & mask; ; i = (i + 1) & mask) {
      if (table[i] == 0) {
        table[i] = slot + 1;
        size++;
        return true;
      }
      if (table[i] == slot + 1) {
        return false;
      }
    }
  }

  boolean remove(int slot) {
    int mask = table.length - 1;
    int i = hash(slot) & mask;
    while (table[i] != slot + 1) {
      if (table[i] == 0) {
        return false;
      }
      i = (i + 1) & mask;
    }
    int hole = i;
    for (int j = (hole + 1) & mask; table[j] != 0; j = (j + 1) & mask) {
      int home = hash(table[j] - 1) & mask;
      boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
      if (movable) {
        table[hole] = table[j];
        hole = j;
      }
    }
    table[hole] = 0;
    size--;
    if (table.length > MIN_CAPACITY && 8 * size < table.length) {
      rehash(table.length / 2);
    }
    return true;
  }

  boolean contains(int slot) {
    int mask = table.length - 1;
    for (int i = hash(slot) & mask; table[i] != 0; i = (i + 1) & mask) {
      if (table[i] == slot + 1) {
        return true;
      }
    }
    return false;
  }

  void forEach(IntConsumer action) {
    for (int entry : table) {
      if (entry != 0) {
        action.accept(entry - 1);
      }
    }
  }

  private void rehash(int capacity) {
    int[] old = table;
    table = new int[Math.max(MIN_CAPACITY, capacity)];
    int mask = table.length - 1;
    for (int entry : old) {
      if (entry != 0) {
        int i = hash(entry - 1) & mask;
        while (table[i] != 0) {
          i = (i + 1) & mask;
        }
        table[i] = entry;
      }
    }
  }

  private static int hash(int slot) {
    int h = slot * 0x9E3779B9;
    return h ^ (h >>> 16);
  }

  @Override
  public String toString() {
    int[] slots = new int[size];
    int[] n = {0};
    forEach(s -> slots[n[0]++] = s);
    Arrays.sort(slots);
    return Arrays.toString(slots);
  }
}
