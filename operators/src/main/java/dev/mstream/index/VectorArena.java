package dev.mstream.index;

import static org.apache.flink.util.Preconditions.checkArgument;

import dev.mstream.index.vector.VectorUtil;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.annotation.Internal;

/**
 * Full vectors on the heap, searched exactly: what a subtask uses for its first documents, before
 * it has seen enough of them to fit its projection and move to the {@link PrefixArena}. One slot
 * per live document, vectors packed in one flat array, slot ↔ id maps, and a free list so deletes
 * and updates reuse slots.
 *
 * <p>Not checkpointed: rebuilt from keyed state on restore. Invariant: a slot is live iff {@code
 * ids[slot] != null}; a live slot's id maps back to it in {@code slotById}; every dead slot below
 * the {@link SlotAllocator}'s high water is on its free list exactly once.
 */
@Internal
public final class VectorArena {

  private final int dimension;

  private float[] vectors;
  private String[] ids;
  private int[] namespaces;
  private Map<String, String>[] attributes;

  private final Map<String, Integer> slotById = new HashMap<>();
  private final NamespaceTable namespaceTable = new NamespaceTable();

  private final SlotAllocator allocator = new SlotAllocator();

  @SuppressWarnings("unchecked")
  public VectorArena(int dimension, int initialCapacity) {
    checkArgument(dimension > 0, "dimension must be > 0, was %s", dimension);
    int capacity = Math.max(1, initialCapacity);
    this.dimension = dimension;
    this.vectors = new float[capacity * dimension];
    this.ids = new String[capacity];
    this.namespaces = new int[capacity];
    this.attributes = new Map[capacity];
  }

  public int dimension() {
    return dimension;
  }

  /** Live documents. */
  public int size() {
    return slotById.size();
  }

  /** Live documents of one namespace. */
  public int size(String namespace) {
    return namespaceTable.liveCount(namespace);
  }

  /** Bytes held by the vector array (allocated, not only used). */
  public long vectorBytes() {
    return (long) vectors.length * Float.BYTES;
  }

  public boolean contains(String id) {
    return slotById.containsKey(id);
  }

  /** Inserts or replaces a document; an update may move it to another namespace. */
  public void put(String id, String namespace, Map<String, String> attrs, float[] vector) {
    checkArgument(
        vector.length == dimension,
        "document '%s' has %s dimensions, index has %s",
        id,
        vector.length,
        dimension);
    Integer existing = slotById.get(id);
    int slot;
    if (existing != null) {
      slot = existing;
      namespaceTable.release(namespaces[slot]);
    } else {
      slot = allocateSlot();
      slotById.put(id, slot);
      ids[slot] = id;
    }
    namespaces[slot] = namespaceTable.acquire(namespace);
    attributes[slot] = attrs;
    System.arraycopy(vector, 0, vectors, slot * dimension, dimension);
  }

  /** Removes a document; returns whether it was present. */
  public boolean remove(String id) {
    Integer slot = slotById.remove(id);
    if (slot == null) {
      return false;
    }
    namespaceTable.release(namespaces[slot]);
    ids[slot] = null;
    attributes[slot] = null;
    namespaces[slot] = NamespaceTable.NONE;
    allocator.release(slot);
    return true;
  }

  /**
   * Exact top-k by inner product among the live documents of {@code namespace} whose attributes
   * contain every entry of {@code filter}.
   */
  public SearchHits search(String namespace, Map<String, String> filter, float[] query, int k) {
    checkArgument(
        query.length == dimension,
        "query has %s dimensions, index has %s",
        query.length,
        dimension);
    int ns = namespaceTable.idOf(namespace);
    NeighborQueue queue = new NeighborQueue(k);
    long scanned = 0;
    if (ns != NamespaceTable.NONE) {
      int end = allocator.highWater();
      for (int slot = 0; slot < end; slot++) {
        if (namespaces[slot] != ns || !matches(attributes[slot], filter)) {
          continue;
        }
        scanned++;
        queue.offer(slot, VectorUtil.dot(vectors, slot * dimension, query, 0, dimension));
      }
    }
    float[] scores = new float[queue.size()];
    int[] slots = queue.drainBestFirst(scores);
    String[] hitIds = new String[slots.length];
    @SuppressWarnings("unchecked")
    Map<String, String>[] hitAttrs = new Map[slots.length];
    for (int i = 0; i < slots.length; i++) {
      hitIds[i] = ids[slots[i]];
      hitAttrs[i] = attributes[slots[i]];
    }
    return new SearchHits(hitIds, scores, hitAttrs, scanned);
  }

  /** Ids of the live documents, in slot order. */
  public java.util.List<String> ids() {
    java.util.List<String> out = new java.util.ArrayList<>(size());
    for (int slot = 0; slot < allocator.highWater(); slot++) {
      if (ids[slot] != null) {
        out.add(ids[slot]);
      }
    }
    return out;
  }

  /** A copy of a live document's vector, or null. */
  public float[] vectorOf(String id) {
    Integer slot = slotById.get(id);
    return slot == null
        ? null
        : Arrays.copyOfRange(vectors, slot * dimension, (slot + 1) * dimension);
  }

  private static boolean matches(Map<String, String> attrs, Map<String, String> filter) {
    if (filter == null || filter.isEmpty()) {
      return true;
    }
    for (Map.Entry<String, String> e : filter.entrySet()) {
      if (attrs == null || !e.getValue().equals(attrs.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  private int allocateSlot() {
    if (allocator.nextIsNew() && allocator.highWater() == ids.length) {
      grow();
    }
    return allocator.allocate();
  }

  private void grow() {
    int capacity = ids.length * 2;
    vectors = Arrays.copyOf(vectors, capacity * dimension);
    ids = Arrays.copyOf(ids, capacity);
    namespaces = Arrays.copyOf(namespaces, capacity);
    attributes = Arrays.copyOf(attributes, capacity);
  }
}
