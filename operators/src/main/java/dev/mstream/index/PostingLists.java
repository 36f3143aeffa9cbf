package dev.mstream.index;

import static org.apache.flink.util.Preconditions.checkArgument;
import static org.apache.flink.util.Preconditions.checkState;

import dev.mstream.index.vector.VectorUtil;
import java.util.Arrays;

/**
 * The posting lists of an inverted file: for every list, the prefix codes and arena slots of its
 * documents, stored in blocks of up to {@link #BLOCK} entries. Within a block the codes are
 * segment-major (segment {@code s} of every entry, then segment {@code s + 1}), so a probe scans
 * each segment of a list's codes sequentially, as the flat arena's scan does, and a scan on fewer
 * dimensions reads fewer bytes.
 *
 * <p>Why blocks, and not one growing array per list: lists grow and shrink with every insert and
 * delete, and an array that doubles wastes a quarter of its bytes on average, more than the index's
 * per-document budget allows; a chain of fixed blocks wastes at most one partly filled block per
 * list. The last block of a list grows 1, 2, 4, … up to {@link #BLOCK} entries, so small lists stay
 * small.
 *
 * <p>With {@code byColumns}, every segment is stored by columns instead: byte {@code i} of every
 * entry of the block, then byte {@code i + 1} ({@code codes[segmentOffset + i * capacity +
 * column]}, the column of a position in the order the kernels score them, {@link
 * VectorUtil#columnOf}), so that one vector load takes the same byte of many codes and a scan
 * scores a whole block without a horizontal sum per code ({@link
 * dev.mstream.index.vector.VectorUtil#dotInt4Columns}, {@link
 * dev.mstream.index.vector.VectorUtil#dotInt2Columns}).
 *
 * <p>An entry is addressed by a reference {@code block << BLOCK_SHIFT | position}, valid until the
 * next update. Removal moves the list's last entry into the hole, so lists stay dense; {@link
 * #refOf} follows every entry by its slot, so removing is O(1).
 *
 * <p>Invariants: list {@code l} holds {@code size(l)} entries at positions {@code 0..size-1},
 * blocks full but the last; {@code refOf[slot]} is the entry of {@code slot}, or -1.
 */
final class PostingLists {

  static final int BLOCK_SHIFT = 6;
  static final int BLOCK = 1 << BLOCK_SHIFT;

  /** Bytes of each segment of one entry's code. */
  private final int[] segmentBytes;

  private final int codeBytes;

  /** Whether the segments are stored by columns (see the class comment). */
  private final boolean byColumns;

  // Blocks, by id: codes (segment-major, capacity entries per segment), slots, owning list.
  private byte[][] blockCodes = new byte[16][];
  private int[][] blockSlots = new int[16][];
  private int[] blockList = new int[16];
  private int blockHighWater;
  private int[] freeBlocks = new int[16];
  private int freeBlockCount;

  // Lists, by id: their blocks in order and their entry counts.
  private int[][] listBlocks = new int[16][];
  private int[] listSizes = new int[16];
  private int listCount;

  /** Entry reference of each slot, or -1. */
  private int[] refOf = new int[16];

  PostingLists(int[] segmentBytes) {
    this(segmentBytes, false);
  }

  PostingLists(int[] segmentBytes, boolean byColumns) {
    this.byColumns = byColumns;
    this.segmentBytes = segmentBytes.clone();
    this.codeBytes = Arrays.stream(segmentBytes).sum();
    Arrays.fill(refOf, -1);
  }

  int codeBytes() {
    return codeBytes;
  }

  /**
   * Whether the segments are stored by columns: byte {@code i} of position {@code p} at {@code
   * segmentOffset + i * capacity + VectorUtil.columnOf(p, capacity)}.
   */
  boolean byColumns() {
    return byColumns;
  }

  int segmentCount() {
    return segmentBytes.length;
  }

  int segmentBytes(int s) {
    return segmentBytes[s];
  }

  /** A new, empty list; returns its id. */
  int newList() {
    if (listCount == listBlocks.length) {
      listBlocks = Arrays.copyOf(listBlocks, listCount * 2);
      listSizes = Arrays.copyOf(listSizes, listCount * 2);
    }
    listBlocks[listCount] = new int[0];
    listSizes[listCount] = 0;
    return listCount++;
  }

  int listCount() {
    return listCount;
  }

  int size(int list) {
    return listSizes[list];
  }

  /** Blocks of {@code list}, in order (the array may be longer than the list needs). */
  int blockCount(int list) {
    return (listSizes[list] + BLOCK - 1) >>> BLOCK_SHIFT;
  }

  int block(int list, int i) {
    return listBlocks[list][i];
  }

  /** Codes of a block: segment {@code s} starts at {@link #segmentOffset}. */
  byte[] codes(int block) {
    return blockCodes[block];
  }

  int[] slots(int block) {
    return blockSlots[block];
  }

  /** Entries a block has room for (its last block may be smaller than {@link #BLOCK}). */
  int capacity(int block) {
    return blockSlots[block].length;
  }

  /** Offset of segment {@code s} in a block's codes. */
  int segmentOffset(int block, int s) {
    int capacity = capacity(block);
    int off = 0;
    for (int t = 0; t < s; t++) {
      off += capacity * segmentBytes[t];
    }
    return off;
  }

  /** The list an entry reference is in. */
  int listOf(int ref) {
    return blockList[ref >>> BLOCK_SHIFT];
  }

  static int ref(int block, int position) {
    return block << BLOCK_SHIFT | position;
  }

  static int blockOf(int ref) {
    return ref >>> BLOCK_SHIFT;
  }

  static int positionOf(int ref) {
    return ref & (BLOCK - 1);
  }

  /** The entry of {@code slot}, or -1. */
  int refOf(int slot) {
    return slot < refOf.length ? refOf[slot] : -1;
  }

  /** The slot of an entry. */
  int slotAt(int ref) {
    return blockSlots[blockOf(ref)][positionOf(ref)];
  }

  /** Appends {@code slot} with its row-major-by-segment code to {@code list}. */
  void add(int list, int slot, byte[] code) {
    checkArgument(
        code.length == codeBytes, "code has %s bytes, the lists expect %s", code.length, codeBytes);
    checkState(refOf(slot) < 0, "slot %s is already in a list", slot);
    int size = listSizes[list];
    int position = size & (BLOCK - 1);
    int blockIndex = size >>> BLOCK_SHIFT;
    int block;
    if (position == 0) {
      block = allocateBlock(list, 1);
      int[] blocks = listBlocks[list];
      if (blockIndex == blocks.length) {
        blocks = Arrays.copyOf(blocks, blocks.length + Math.max(1, blocks.length >> 1));
        listBlocks[list] = blocks;
      }
      blocks[blockIndex] = block;
    } else {
      block = listBlocks[list][blockIndex];
      if (position == capacity(block)) {
        block = growBlock(block, Math.min(BLOCK, capacity(block) * 2));
        listBlocks[list][blockIndex] = block;
      }
    }
    write(block, position, code, 0);
    blockSlots[block][position] = slot;
    setRef(slot, ref(block, position));
    listSizes[list] = size + 1;
  }

  /** Removes the entry of {@code slot}; returns its list, or -1 when it was in none. */
  int remove(int slot) {
    int ref = refOf(slot);
    if (ref < 0) {
      return -1;
    }
    int list = listOf(ref);
    int last = listSizes[list] - 1;
    int lastBlock = listBlocks[list][last >>> BLOCK_SHIFT];
    int lastPosition = last & (BLOCK - 1);
    int block = blockOf(ref);
    int position = positionOf(ref);
    if (block != lastBlock || position != lastPosition) {
      // Move the last entry into the hole.
      copyEntry(lastBlock, lastPosition, block, position);
      int moved = blockSlots[block][position] = blockSlots[lastBlock][lastPosition];
      refOf[moved] = ref;
    }
    refOf[slot] = -1;
    listSizes[list] = last;
    if (lastPosition == 0) {
      freeBlock(lastBlock);
      listBlocks[list][last >>> BLOCK_SHIFT] = -1;
    }
    return list;
  }

  /** The row-major code of an entry (segment after segment), for tests and re-encoding. */
  byte[] code(int ref) {
    int block = blockOf(ref);
    int position = positionOf(ref);
    byte[] out = new byte[codeBytes];
    int from = 0;
    int capacity = capacity(block);
    for (int s = 0; s < segmentBytes.length; s++) {
      int n = segmentBytes[s];
      int off = segmentOffset(block, s);
      if (byColumns) {
        int column = VectorUtil.columnOf(position, capacity);
        for (int i = 0; i < n; i++) {
          out[from + i] = blockCodes[block][off + i * capacity + column];
        }
      } else {
        System.arraycopy(blockCodes[block], off + position * n, out, from, n);
      }
      from += n;
    }
    return out;
  }

  /** Heap held by blocks, list tables and the slot index. */
  long heapBytes() {
    return blockBytes() + tableBytes();
  }

  /** Heap of the blocks: codes and their slots, with the unused tail of each list's last block. */
  long blockBytes() {
    long bytes = 0;
    for (int b = 0; b < blockHighWater; b++) {
      if (blockCodes[b] != null) {
        bytes += 16 + blockCodes[b].length + 16 + 4L * blockSlots[b].length;
      }
    }
    return bytes;
  }

  /** Heap of the tables around the blocks: block and list directories, and slot → entry. */
  long tableBytes() {
    long bytes = 16L * 3 + 8L * blockCodes.length * 2 + 4L * blockList.length;
    for (int l = 0; l < listCount; l++) {
      bytes += 16 + 4L * listBlocks[l].length;
    }
    return bytes + 8L * listBlocks.length + 4L * listSizes.length + 4L * refOf.length;
  }

  private void write(int block, int position, byte[] code, int from) {
    byte[] codes = blockCodes[block];
    int capacity = capacity(block);
    int off = 0;
    for (int s = 0; s < segmentBytes.length; s++) {
      int n = segmentBytes[s];
      if (byColumns) {
        int column = VectorUtil.columnOf(position, capacity);
        for (int i = 0; i < n; i++) {
          codes[off + i * capacity + column] = code[from + i];
        }
      } else {
        System.arraycopy(code, from, codes, off + position * n, n);
      }
      from += n;
      off += capacity * n;
    }
  }

  private void copyEntry(int fromBlock, int fromPosition, int toBlock, int toPosition) {
    int fromOff = 0;
    int toOff = 0;
    int fromCapacity = capacity(fromBlock);
    int toCapacity = capacity(toBlock);
    for (int s = 0; s < segmentBytes.length; s++) {
      int n = segmentBytes[s];
      if (byColumns) {
        byte[] from = blockCodes[fromBlock];
        byte[] to = blockCodes[toBlock];
        int fromColumn = VectorUtil.columnOf(fromPosition, fromCapacity);
        int toColumn = VectorUtil.columnOf(toPosition, toCapacity);
        for (int i = 0; i < n; i++) {
          to[toOff + i * toCapacity + toColumn] = from[fromOff + i * fromCapacity + fromColumn];
        }
      } else {
        System.arraycopy(
            blockCodes[fromBlock],
            fromOff + fromPosition * n,
            blockCodes[toBlock],
            toOff + toPosition * n,
            n);
      }
      fromOff += fromCapacity * n;
      toOff += toCapacity * n;
    }
  }

  private void setRef(int slot, int ref) {
    if (slot >= refOf.length) {
      int old = refOf.length;
      refOf = Arrays.copyOf(refOf, ArrayGrowth.capacity(old, slot + 1));
      Arrays.fill(refOf, old, refOf.length, -1);
    }
    refOf[slot] = ref;
  }

  private int allocateBlock(int list, int capacity) {
    int block;
    if (freeBlockCount > 0) {
      block = freeBlocks[--freeBlockCount];
    } else {
      if (blockHighWater == blockCodes.length) {
        int n = blockCodes.length * 2;
        blockCodes = Arrays.copyOf(blockCodes, n);
        blockSlots = Arrays.copyOf(blockSlots, n);
        blockList = Arrays.copyOf(blockList, n);
      }
      block = blockHighWater++;
    }
    blockCodes[block] = new byte[capacity * codeBytes];
    blockSlots[block] = new int[capacity];
    blockList[block] = list;
    return block;
  }

  /** Re-lays a block out for a larger capacity (segment starts move); same block id. */
  private int growBlock(int block, int capacity) {
    byte[] old = blockCodes[block];
    int oldCapacity = capacity(block);
    byte[] codes = new byte[capacity * codeBytes];
    int oldOff = 0;
    int off = 0;
    for (int s = 0; s < segmentBytes.length; s++) {
      int n = segmentBytes[s];
      if (byColumns) {
        // Position by position: a larger capacity may order its columns differently (columnOf).
        for (int p = 0; p < oldCapacity; p++) {
          int from = oldOff + VectorUtil.columnOf(p, oldCapacity);
          int to = off + VectorUtil.columnOf(p, capacity);
          for (int i = 0; i < n; i++) {
            codes[to + i * capacity] = old[from + i * oldCapacity];
          }
        }
      } else {
        System.arraycopy(old, oldOff, codes, off, oldCapacity * n);
      }
      oldOff += oldCapacity * n;
      off += capacity * n;
    }
    blockCodes[block] = codes;
    blockSlots[block] = Arrays.copyOf(blockSlots[block], capacity);
    return block;
  }

  private void freeBlock(int block) {
    blockCodes[block] = null;
    blockSlots[block] = null;
    if (freeBlockCount == freeBlocks.length) {
      freeBlocks = Arrays.copyOf(freeBlocks, freeBlockCount * 2);
    }
    freeBlocks[freeBlockCount++] = block;
  }
}
