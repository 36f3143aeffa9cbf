package dev.mstream.index;

import static org.apache.flink.util.Preconditions.checkArgument;

import dev.mstream.index.vector.VectorUtil;
import java.util.Arrays;
import java.util.Map;
import org.apache.flink.annotation.Internal;

/**
 * The in-memory, per-subtask part of the index that queries scan: for every live document the
 * projected prefix of its embedding, stored compactly ({@link PrefixEncoding}), its namespace and
 * its filterable attributes, with slot ↔ id maps and a free list so deletes and updates reuse slots
 * instead of fragmenting the arrays. Full vectors are not here: the funnel reranks the shortlist
 * with the full vectors from keyed state.
 *
 * <p>Not checkpointed: rebuilt from keyed state on restore. Invariant: a slot below the {@link
 * SlotAllocator}'s high water is live iff its namespace is not {@link NamespaceTable#NONE}; every
 * dead one is on the free list exactly once.
 */
@Internal
public final class PrefixArena implements PrefixIndex {

  private final IndexFit fit;
  private final Projection projection;
  private final PrefixEncoding encoding;
  private final int prefixDims;
  private final int bytesPerVector;

  private final PrefixCodes codes;
  private int[] namespaces;

  /** Null until some document has attributes: most corpora have none, and this saves 4 B each. */
  private int[][] attributes;

  private final IdTable ids = new IdTable();
  private final NamespaceTable namespaceTable = new NamespaceTable();
  private final AttributeDictionary dictionary = new AttributeDictionary();

  private final SlotAllocator allocator = new SlotAllocator();

  public PrefixArena(Projection projection, PrefixEncoding encoding, int initialCapacity) {
    this(IndexFit.flat(projection, encoding), initialCapacity);
  }

  /** A flat arena under {@code fit} (its centroids, if any, are not used). */
  public PrefixArena(IndexFit fit, int initialCapacity) {
    Projection projection = fit.projection();
    PrefixEncoding encoding = fit.encoding();
    checkArgument(
        !encoding.packed(),
        "mstream.index.encoding=%s needs mstream.index.layout=IVF; the flat arena stores INT8 or FLOAT16",
        encoding);
    this.fit = fit;
    this.projection = projection;
    this.encoding = encoding;
    this.prefixDims = projection.prefixDims();
    this.bytesPerVector = prefixDims * encoding.bytesPerDim();
    int capacity = Math.max(16, initialCapacity);
    this.codes = new PrefixCodes(prefixDims, encoding.bytesPerDim(), capacity);
    this.namespaces = new int[capacity];
  }

  @Override
  public int prefixDims() {
    return prefixDims;
  }

  public Projection projection() {
    return projection;
  }

  public PrefixEncoding encoding() {
    return encoding;
  }

  @Override
  public int size() {
    return ids.size();
  }

  @Override
  public int size(String namespace) {
    return namespaceTable.liveCount(namespace);
  }

  @Override
  public boolean contains(String id) {
    return ids.slotOf(id) >= 0;
  }

  /** Heap held by the arena's arrays (allocated capacity, excluding small dictionaries). */
  @Override
  public long heapBytes() {
    long attrBytes = 0;
    if (attributes != null) {
      attrBytes += 4L * attributes.length;
      for (int i = 0; i < allocator.highWater(); i++) {
        if (attributes[i] != null && attributes[i].length > 0) {
          attrBytes += 16 + 4L * attributes[i].length;
        }
      }
    }
    return codes.heapBytes() + 4L * namespaces.length + ids.heapBytes() + attrBytes;
  }

  /** The stored form of a full vector under this arena's projection and encoding. */
  public byte[] encodeCode(float[] fullVector) {
    return fit.encode(fullVector).code();
  }

  /** Inserts or replaces a document from its full vector. */
  public void put(String id, String namespace, Map<String, String> attrs, float[] fullVector) {
    putEncoded(id, namespace, attrs, encodeCode(fullVector));
  }

  /** Inserts or replaces a document from codes made by {@link #encode} (e.g. on rebuild). */
  public void putEncoded(String id, String namespace, Map<String, String> attrs, byte[] code) {
    checkArgument(
        code.length == bytesPerVector,
        "prefix code of '%s' has %s bytes, arena expects %s",
        id,
        code.length,
        bytesPerVector);
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
    codes.put(slot, code);
  }

  /** Removes a document; returns whether it was present. */
  @Override
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
    allocator.release(slot);
    ids.compactIfWasteful(allocator.highWater(), s -> namespaces[s] != NamespaceTable.NONE);
    return true;
  }

  @Override
  public int slotCount() {
    return allocator.highWater();
  }

  @Override
  public String liveIdAt(int slot) {
    return slot < allocator.highWater() && namespaces[slot] != NamespaceTable.NONE
        ? ids.idOf(slot)
        : null;
  }

  @Override
  public String idOf(int slot) {
    return ids.idOf(slot);
  }

  @Override
  public IndexFit fit() {
    return fit;
  }

  @Override
  public int lists() {
    return 0;
  }

  @Override
  public Encoded encode(float[] fullVector) {
    return fit.encode(fullVector);
  }

  @Override
  public byte[] codeOf(String id) {
    int slot = ids.slotOf(id);
    return slot < 0 ? null : codes.get(slot);
  }

  @Override
  public void putEncoded(
      String id, String namespace, Map<String, String> attrs, byte[] code, int centroid) {
    putEncoded(id, namespace, attrs, code);
  }

  /** Flat: {@code probes} and {@code survivors} do not apply; every document is scored. */
  @Override
  public Shortlist shortlist(
      String namespace, Map<String, String> filter, float[] query, SearchPlan plan) {
    Shortlist s = shortlist(namespace, filter, query, plan.dims(), plan.candidates());
    return new Shortlist(s.slots(), s.scores(), s.scanned(), 0, s.size() >= s.scanned());
  }

  /**
   * The {@code candidates} best documents of {@code namespace} matching {@code filter}, scored on
   * the first {@code dims} projected coordinates against the full query vector.
   */
  public Shortlist shortlist(
      String namespace, Map<String, String> filter, float[] query, int dims, int candidates) {
    checkArgument(
        dims > 0 && dims <= prefixDims,
        "dims must be in 1..%s (the arena's prefix), was %s",
        prefixDims,
        dims);
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
    return new Shortlist(slots, scores, scanned, 0, slots.length >= scanned);
  }

  // One method per segment count: each is compiled on its own, so the JIT inlines the SIMD kernel
  // into every loop. As branches of one method, the loop compiled last missed the inlining budget
  // and ran 2-3x slower per row (measured: 128 dims after 64 on the same arena).
  private long scanInt8(int ns, int[] required, float[] q, int dims, NeighborQueue queue) {
    byte[] qc = int8Query(q, dims);
    if (dims <= codes.segmentDims(0)) {
      return scanInt8OneSegment(ns, required, qc, dims, queue);
    }
    if (dims <= 2 * PrefixCodes.SEGMENT_DIMS) {
      return scanInt8TwoSegments(ns, required, qc, dims, queue);
    }
    return scanInt8Segments(ns, required, qc, dims, queue);
  }

  private long scanInt8OneSegment(
      int ns, int[] required, byte[] qc, int dims, NeighborQueue queue) {
    byte[] segment = codes.segment(0);
    int stride = codes.segmentBytes(0);
    long scanned = 0;
    int end = allocator.highWater();
    for (int slot = 0; slot < end; slot++) {
      if (namespaces[slot] != ns || !matches(slot, required)) {
        continue;
      }
      scanned++;
      queue.offer(slot, VectorUtil.dotInt8(segment, slot * stride, qc, 0, dims));
    }
    return scanned;
  }

  private long scanInt8TwoSegments(
      int ns, int[] required, byte[] qc, int dims, NeighborQueue queue) {
    byte[] first = codes.segment(0);
    byte[] second = codes.segment(1);
    int firstStride = codes.segmentBytes(0);
    int secondStride = codes.segmentBytes(1);
    int firstDims = codes.segmentDims(0);
    int secondDims = dims - firstDims;
    long scanned = 0;
    int end = allocator.highWater();
    for (int slot = 0; slot < end; slot++) {
      if (namespaces[slot] != ns || !matches(slot, required)) {
        continue;
      }
      scanned++;
      int score =
          VectorUtil.dotInt8(first, slot * firstStride, qc, 0, firstDims)
              + VectorUtil.dotInt8(second, slot * secondStride, qc, firstDims, secondDims);
      queue.offer(slot, score);
    }
    return scanned;
  }

  private long scanInt8Segments(int ns, int[] required, byte[] qc, int dims, NeighborQueue queue) {
    long scanned = 0;
    int end = allocator.highWater();
    for (int slot = 0; slot < end; slot++) {
      if (namespaces[slot] != ns || !matches(slot, required)) {
        continue;
      }
      scanned++;
      int score = 0;
      for (int s = 0, from = 0; from < dims; s++) {
        int len = Math.min(codes.segmentDims(s), dims - from);
        score += VectorUtil.dotInt8(codes.segment(s), slot * codes.segmentBytes(s), qc, from, len);
        from += len;
      }
      queue.offer(slot, score);
    }
    return scanned;
  }

  /**
   * The projected query as the int8 scan sees it. score(x) ≈ Σ c_j s_j q_j: the arena's scales are
   * folded into the query, which is then quantized too, so the scan is an integer dot product of
   * the codes with this. Ranking ignores the query's own scale.
   */
  byte[] int8Query(float[] projectedQuery, int dims) {
    float[] scales = projection.scales();
    float max = 0;
    float[] scaled = new float[dims];
    for (int j = 0; j < dims; j++) {
      scaled[j] = projectedQuery[j] * scales[j];
      max = Math.max(max, Math.abs(scaled[j]));
    }
    byte[] qc = new byte[dims];
    float inv = max == 0 ? 0 : Projection.INT8_MAX / max;
    for (int j = 0; j < dims; j++) {
      qc[j] = (byte) Math.round(scaled[j] * inv);
    }
    return qc;
  }

  private long scanFloat16(int ns, int[] required, float[] q, int dims, NeighborQueue queue) {
    long scanned = 0;
    int end = allocator.highWater();
    for (int slot = 0; slot < end; slot++) {
      if (namespaces[slot] != ns || !matches(slot, required)) {
        continue;
      }
      scanned++;
      float score = 0;
      for (int s = 0, from = 0; from < dims; s++) {
        int len = Math.min(codes.segmentDims(s), dims - from);
        byte[] segment = codes.segment(s);
        int base = slot * codes.segmentBytes(s);
        for (int j = 0; j < len; j++) {
          short h = (short) ((segment[base + 2 * j] & 0xFF) | (segment[base + 2 * j + 1] << 8));
          score += Half.toFloat(h) * q[from + j];
        }
        from += len;
      }
      queue.offer(slot, score);
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
    if (allocator.nextIsNew() && allocator.highWater() == namespaces.length) {
      int capacity = ArrayGrowth.capacity(namespaces.length, namespaces.length + 1);
      codes.grow(capacity);
      namespaces = Arrays.copyOf(namespaces, capacity);
      if (attributes != null) {
        attributes = Arrays.copyOf(attributes, capacity);
      }
    }
    return allocator.allocate();
  }
}
