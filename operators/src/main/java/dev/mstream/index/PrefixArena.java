package dev.mstream.index;

import dev.mstream.index.vector.VectorUtil;
import java.util.Arrays;
import java.util.Map;

/**
 * The in-memory, per-subtask part of the index that queries scan: for every live document the
 * projected prefix of its embedding, stored compactly ({@link PrefixEncoding}), its namespace and
 * its filterable attributes, with slot ↔ id maps and a free list so deletes and updates reuse slots
 * instead of fragmenting the arrays. Full vectors are not here: the funnel reranks the shortlist
 * with the full vectors from keyed state.
 *
 * <p>Not checkpointed: rebuilt from keyed state on restore. Invariant: a slot below {@code
 * highWater} is live iff its namespace is not {@link NamespaceTable#NONE}; every dead one is on the
 * free list exactly once.
 */
public final class PrefixArena {

  private final Projection projection;
  private final PrefixEncoding encoding;
  private final int prefixDims;
  private final int bytesPerVector;

  private byte[] codes;
  private int[] namespaces;

  /** Null until some document has attributes: most corpora have none, and this saves 4 B each. */
  private int[][] attributes;

  private final IdTable ids = new IdTable();
  private final NamespaceTable namespaceTable = new NamespaceTable();
  private final AttributeDictionary dictionary = new AttributeDictionary();

  private int[] freeSlots = new int[16];
  private int freeCount;
  private int highWater;

  public PrefixArena(Projection projection, PrefixEncoding encoding, int initialCapacity) {
    this.projection = projection;
    this.encoding = encoding;
    this.prefixDims = projection.prefixDims();
    this.bytesPerVector = prefixDims * encoding.bytesPerDim();
    int capacity = Math.max(16, initialCapacity);
    this.codes = new byte[capacity * bytesPerVector];
    this.namespaces = new int[capacity];
  }

  public Projection projection() {
    return projection;
  }

  public PrefixEncoding encoding() {
    return encoding;
  }

  public int prefixDims() {
    return prefixDims;
  }

  public int size() {
    return ids.size();
  }

  public int size(String namespace) {
    return namespaceTable.liveCount(namespace);
  }

  public boolean contains(String id) {
    return ids.slotOf(id) >= 0;
  }

  /** Heap held by the arena's arrays (allocated capacity, excluding small dictionaries). */
  public long heapBytes() {
    long attrBytes = 0;
    if (attributes != null) {
      attrBytes += 4L * attributes.length;
      for (int i = 0; i < highWater; i++) {
        if (attributes[i] != null && attributes[i].length > 0) {
          attrBytes += 16 + 4L * attributes[i].length;
        }
      }
    }
    return codes.length + 4L * namespaces.length + ids.heapBytes() + attrBytes;
  }

  /** The stored form of a full vector under this arena's projection and encoding. */
  public byte[] encode(float[] fullVector) {
    float[] prefix = projection.project(fullVector);
    if (encoding == PrefixEncoding.INT8) {
      return projection.encodeInt8(prefix);
    }
    byte[] out = new byte[bytesPerVector];
    for (int j = 0; j < prefixDims; j++) {
      short h = Half.fromFloat(prefix[j]);
      out[2 * j] = (byte) h;
      out[2 * j + 1] = (byte) (h >>> 8);
    }
    return out;
  }

  /** Inserts or replaces a document from its full vector. */
  public void put(String id, String namespace, Map<String, String> attrs, float[] fullVector) {
    putEncoded(id, namespace, attrs, encode(fullVector));
  }

  /** Inserts or replaces a document from codes made by {@link #encode} (e.g. on rebuild). */
  public void putEncoded(String id, String namespace, Map<String, String> attrs, byte[] code) {
    if (code.length != bytesPerVector) {
      throw new IllegalArgumentException(
          "prefix code of '"
              + id
              + "' has "
              + code.length
              + " bytes, arena expects "
              + bytesPerVector);
    }
    int slot = ids.slotOf(id);
    if (slot >= 0) {
      namespaceTable.release(namespaces[slot]);
    } else {
      slot = allocateSlot();
      ids.put(id, slot);
    }
    namespaces[slot] = namespaceTable.acquire(namespace);
    int[] attrIds = dictionary.intern(attrs);
    if (attrIds.length > 0 && attributes == null) {
      attributes = new int[namespaces.length][];
    }
    if (attributes != null) {
      attributes[slot] = attrIds;
    }
    System.arraycopy(code, 0, codes, slot * bytesPerVector, bytesPerVector);
  }

  /** Removes a document; returns whether it was present. */
  public boolean remove(String id) {
    int slot = ids.slotOf(id);
    if (slot < 0) {
      return false;
    }
    ids.remove(id, slot);
    namespaceTable.release(namespaces[slot]);
    namespaces[slot] = NamespaceTable.NONE;
    if (attributes != null) {
      attributes[slot] = null;
    }
    if (freeCount == freeSlots.length) {
      freeSlots = Arrays.copyOf(freeSlots, freeCount * 2);
    }
    freeSlots[freeCount++] = slot;
    ids.compactIfWasteful(highWater, s -> namespaces[s] != NamespaceTable.NONE);
    return true;
  }

  public String idOf(int slot) {
    return ids.idOf(slot);
  }

  /**
   * The {@code candidates} best documents of {@code namespace} matching {@code filter}, scored on
   * the first {@code dims} projected coordinates against the full query vector.
   */
  public Shortlist shortlist(
      String namespace, Map<String, String> filter, float[] query, int dims, int candidates) {
    if (dims <= 0 || dims > prefixDims) {
      throw new IllegalArgumentException(
          "dims must be in 1.." + prefixDims + " (the arena's prefix), was " + dims);
    }
    int ns = namespaceTable.idOf(namespace);
    int[] required = dictionary.lookup(filter);
    NeighborQueue queue = new NeighborQueue(Math.max(1, candidates));
    long scanned = 0;
    if (ns != NamespaceTable.NONE && required != null) {
      float[] q = projection.project(query);
      if (encoding == PrefixEncoding.INT8) {
        scanned = scanInt8(ns, required, q, dims, queue);
      } else {
        scanned = scanFloat16(ns, required, q, dims, queue);
      }
    }
    float[] scores = new float[queue.size()];
    int[] slots = queue.drainBestFirst(scores);
    return new Shortlist(slots, scores, scanned);
  }

  private long scanInt8(int ns, int[] required, float[] q, int dims, NeighborQueue queue) {
    // score(x) ≈ Σ c_j s_j q_j: fold the arena's scales into the query, then quantize the query
    // too, so the scan is an integer dot product. Ranking ignores the query's own scale.
    float[] scales = projection.scales();
    float max = 0;
    float[] scaled = new float[dims];
    for (int j = 0; j < dims; j++) {
      scaled[j] = q[j] * scales[j];
      max = Math.max(max, Math.abs(scaled[j]));
    }
    byte[] qc = new byte[dims];
    float inv = max == 0 ? 0 : Projection.INT8_MAX / max;
    for (int j = 0; j < dims; j++) {
      qc[j] = (byte) Math.round(scaled[j] * inv);
    }
    long scanned = 0;
    for (int slot = 0; slot < highWater; slot++) {
      if (namespaces[slot] != ns || !matches(slot, required)) {
        continue;
      }
      scanned++;
      queue.offer(slot, VectorUtil.dotInt8(codes, slot * bytesPerVector, qc, 0, dims));
    }
    return scanned;
  }

  private long scanFloat16(int ns, int[] required, float[] q, int dims, NeighborQueue queue) {
    long scanned = 0;
    for (int slot = 0; slot < highWater; slot++) {
      if (namespaces[slot] != ns || !matches(slot, required)) {
        continue;
      }
      scanned++;
      int base = slot * bytesPerVector;
      float s = 0;
      for (int j = 0; j < dims; j++) {
        short h = (short) ((codes[base + 2 * j] & 0xFF) | (codes[base + 2 * j + 1] << 8));
        s += Half.toFloat(h) * q[j];
      }
      queue.offer(slot, s);
    }
    return scanned;
  }

  private boolean matches(int slot, int[] required) {
    if (required.length == 0) {
      return true;
    }
    return attributes != null
        && attributes[slot] != null
        && AttributeDictionary.containsAll(attributes[slot], required);
  }

  private int allocateSlot() {
    if (freeCount > 0) {
      return freeSlots[--freeCount];
    }
    if (highWater == namespaces.length) {
      int capacity = namespaces.length * 2;
      codes = Arrays.copyOf(codes, capacity * bytesPerVector);
      namespaces = Arrays.copyOf(namespaces, capacity);
      if (attributes != null) {
        attributes = Arrays.copyOf(attributes, capacity);
      }
    }
    return highWater++;
  }

  /**
   * The shortlist, best first.
   *
   * @param slots arena slots ({@link #idOf} names them)
   * @param scores approximate prefix scores (comparable within one shortlist only)
   * @param scanned documents of the namespace (after the filter) that were scored
   */
  public record Shortlist(int[] slots, float[] scores, long scanned) {
    public int size() {
      return slots.length;
    }
  }
}
