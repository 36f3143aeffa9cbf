package dev.mstream.index;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The inverted-file prefix index of one subtask (AdANNS's IVF on a Matryoshka prefix): every live
 * document's prefix code sits in the posting list of its nearest {@link Centroids centroid},
 * computed on the first {@code d_c} projected coordinates; a query scores only the lists of the
 * {@code probes} centroids nearest to it, on its first {@code dims} coordinates, keeps the best
 * {@code survivors}, rescores those on the whole in-memory prefix and returns the best {@code
 * candidates} for the exact rerank on full vectors.
 *
 * <p>Lists are per namespace: a query never scans another namespace's codes, and a namespace with
 * fewer than {@code splitAt} documents on this subtask keeps one list that is scanned exactly. A
 * filter whose rarest attribute pair is held by few documents is answered exactly from the
 * documents holding it ({@link SlotSet} per pair), so a selective filter loses no recall; a looser
 * one probes proportionally more lists.
 *
 * <p>Not checkpointed: rebuilt from each document's {@link PrefixEntry} (code and list) on restore.
 * Invariants: every live slot is in exactly one posting list, that of its namespace and of {@code
 * centroidOf[slot]} (or its namespace's single list while unsplit); no dead slot is in any.
 */
public final class InvertedFileArena implements PrefixIndex {

  // ------------------------------------------------------------------------
  //  configuration
  // ------------------------------------------------------------------------

  private final IndexFit fit;
  private final Projection projection;
  private final Centroids centroids;

  /** The grid of PACKED codes; null for INT8. */
  private final ScalarQuantizer grid;

  private final int prefixDims;

  /** A namespace keeps a single, exactly scanned list until it holds this many documents. */
  private final int splitAt;

  // ------------------------------------------------------------------------
  //  documents (slot = position in the per-slot arrays)
  // ------------------------------------------------------------------------

  private final IdTable ids = new IdTable();
  private final PostingLists postings;

  /** The centroid each live slot was assigned to, whatever list it sits in. */
  private char[] centroidOf;

  /** Null until some document has attributes. */
  private int[][] attributes;

  private final SlotAllocator allocator = new SlotAllocator();

  // ------------------------------------------------------------------------
  //  namespaces and attributes
  // ------------------------------------------------------------------------

  private final NamespaceTable namespaceTable = new NamespaceTable();
  private NamespaceLists[] byNamespace = new NamespaceLists[4];
  private int[] listNamespace = new int[16];
  private final AttributeDictionary dictionary = new AttributeDictionary();
  private SlotSet[] holders = new SlotSet[16];

  public InvertedFileArena(IndexFit fit, int splitAt) {
    if (!fit.isInvertedFile()) {
      throw new IllegalArgumentException("an inverted file needs a fit with centroids");
    }
    if (fit.encoding() == PrefixEncoding.FLOAT16) {
      throw new IllegalArgumentException(
          "mstream.index.layout=IVF stores PACKED or INT8 codes, not FLOAT16");
    }
    if (fit.centroids().count() > Character.MAX_VALUE) {
      throw new IllegalArgumentException(
          "at most " + (int) Character.MAX_VALUE + " lists, was " + fit.centroids().count());
    }
    this.fit = fit;
    this.projection = fit.projection();
    this.centroids = fit.centroids();
    this.grid = fit.grid();
    this.prefixDims = projection.prefixDims();
    this.splitAt = Math.max(1, splitAt);
    // PACKED codes are stored by columns: a scan scores a block at a time (see CodeScorer).
    this.postings = new PostingLists(segmentBytes(fit), grid != null);
    this.centroidOf = new char[16];
  }

  /** Bytes of each segment of a code: the grid's, or 64 dims of INT8 (as the flat arena's). */
  private static int[] segmentBytes(IndexFit fit) {
    ScalarQuantizer grid = fit.grid();
    if (grid != null) {
      int[] out = new int[grid.segmentCount()];
      for (int s = 0; s < out.length; s++) {
        out[s] = grid.segmentBytes(s);
      }
      return out;
    }
    int dims = fit.projection().prefixDims();
    int seg = PrefixCodes.SEGMENT_DIMS;
    int[] out = new int[(dims + seg - 1) / seg];
    for (int s = 0; s < out.length; s++) {
      out[s] = Math.min(seg, dims - s * seg);
    }
    return out;
  }

  // ------------------------------------------------------------------------
  //  PrefixIndex
  // ------------------------------------------------------------------------

  @Override
  public IndexFit fit() {
    return fit;
  }

  @Override
  public int prefixDims() {
    return prefixDims;
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

  @Override
  public int lists() {
    return centroids.count();
  }

  @Override
  public long heapBytes() {
    return heapParts().values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * {@link #heapBytes()} by part, for the benchmarks' account of where the bytes per document go:
   * codes in blocks, the tables around them, the id table, per-slot tables, and filters.
   */
  public Map<String, Long> heapParts() {
    Map<String, Long> parts = new LinkedHashMap<>();
    parts.put("codes and slots in blocks", postings.blockBytes());
    parts.put("block, list and slot-to-entry tables", postings.tableBytes());
    parts.put("id table", ids.heapBytes());
    parts.put(
        "centroid per slot, free slots, list namespaces",
        2L * centroidOf.length + allocator.heapBytes() + 4L * listNamespace.length);
    long filters = 0;
    if (attributes != null) {
      filters += 8L * attributes.length;
      for (int i = 0; i < allocator.highWater(); i++) {
        if (attributes[i] != null && attributes[i].length > 0) {
          filters += 16 + 4L * attributes[i].length;
        }
      }
    }
    for (SlotSet s : holders) {
      if (s != null) {
        filters += s.heapBytes();
      }
    }
    parts.put("attributes and filter sets", filters);
    return parts;
  }

  @Override
  public Encoded encode(float[] fullVector) {
    return fit.encode(fullVector);
  }

  @Override
  public byte[] codeOf(String id) {
    int slot = ids.slotOf(id);
    return slot < 0 ? null : postings.code(postings.refOf(slot));
  }

  @Override
  public void putEncoded(
      String id, String namespace, Map<String, String> attrs, byte[] code, int centroid) {
    if (code.length != postings.codeBytes()) {
      throw new IllegalArgumentException(
          "prefix code of '"
              + id
              + "' has "
              + code.length
              + " bytes, the inverted file expects "
              + postings.codeBytes());
    }
    if (centroid < 0 || centroid >= centroids.count()) {
      centroid = nearestFromCode(code);
    }
    int slot = ids.slotOf(id);
    if (slot >= 0) {
      detach(slot);
    } else {
      slot = allocateSlot();
      ids.put(id, slot);
    }
    int ns = namespaceTable.acquire(namespace);
    NamespaceLists lists = namespaceLists(ns);
    centroidOf[slot] = (char) centroid;
    postings.add(lists.listFor(centroid), slot, code);
    int[] attrIds = dictionary.intern(attrs);
    if (attrIds.length > 0 && attributes == null) {
      attributes = new int[centroidOf.length][];
    }
    if (attributes != null) {
      attributes[slot] = attrIds;
      for (int pair : attrIds) {
        holders(pair).add(slot);
      }
    }
    if (lists.byCentroid == null && namespaceTable.liveCount(ns) >= splitAt) {
      split(lists);
    }
  }

  @Override
  public boolean remove(String id) {
    int slot = ids.slotOf(id);
    if (slot < 0) {
      return false;
    }
    detach(slot);
    ids.remove(id, slot);
    allocator.release(slot);
    ids.compactIfWasteful(allocator.highWater(), s -> postings.refOf(s) >= 0);
    return true;
  }

  @Override
  public int slotCount() {
    return allocator.highWater();
  }

  @Override
  public String liveIdAt(int slot) {
    return slot < allocator.highWater() && postings.refOf(slot) >= 0 ? ids.idOf(slot) : null;
  }

  @Override
  public String idOf(int slot) {
    return ids.idOf(slot);
  }

  @Override
  public Shortlist shortlist(
      String namespace, Map<String, String> filter, float[] query, SearchPlan plan) {
    if (plan.dims() <= 0 || plan.dims() > prefixDims) {
      throw new IllegalArgumentException(
          "dims must be in 1.." + prefixDims + " (the index's prefix), was " + plan.dims());
    }
    long t0 = System.nanoTime();
    int ns = namespaceTable.idOf(namespace);
    int[] required = dictionary.lookup(filter);
    if (ns == NamespaceTable.NONE || required == null) {
      return new Shortlist(new int[0], new float[0], 0, 0, true);
    }
    // Projecting the query and choosing lists count as the probe stage.
    float[] y = projection.project(query);
    CodeScorer stage1 = new CodeScorer(postings, fit, y, plan.dims());
    CodeScorer full =
        plan.dims() < prefixDims ? new CodeScorer(postings, fit, y, prefixDims) : stage1;
    int candidates = Math.max(1, plan.candidates());
    int kept = full == stage1 ? candidates : Math.max(candidates, plan.survivors());
    NeighborQueue queue = new NeighborQueue(kept);
    NamespaceLists lists = byNamespace[ns];
    int nsCount = namespaceTable.liveCount(ns);

    long scanned;
    int probed = 0;
    boolean exact;
    long t1 = System.nanoTime();
    int rarest = required.length == 0 ? nsCount : rarestHolders(required);
    if (lists.byCentroid == null) {
      scanned = scanList(lists.exact, ns, required, stage1, queue);
      exact = true;
    } else {
      int probes = Math.max(1, Math.min(plan.probes(), centroids.count()));
      if (rarest < nsCount) {
        // A filter keeps a share of the namespace: probe proportionally more lists so that about
        // as many matching documents are scored as without it.
        probes = (int) Math.min(centroids.count(), Math.ceil(probes * (double) nsCount / rarest));
      }
      double perList = nsCount / (double) centroids.count();
      // Scoring the holders of a selective filter's rarest pair costs about a cache miss each;
      // a probed list streams its codes. Whichever touches less wins.
      if (required.length > 0 && rarest * 4.0 <= Math.max(splitAt, probes * perList)) {
        scanned = scanHolders(required, ns, stage1, queue);
        exact = true;
      } else {
        int[] order = centroids.probe(y, probes);
        t1 = System.nanoTime();
        scanned = 0;
        for (int c : order) {
          int list = lists.byCentroid[c];
          if (list >= 0) {
            scanned += scanList(list, ns, required, stage1, queue);
          }
        }
        probed = order.length;
        exact = order.length == centroids.count();
      }
    }
    float[] scores = new float[queue.size()];
    int[] refs = queue.drainBestFirst(scores);
    long t2 = System.nanoTime();
    if (full != stage1 && refs.length > 0) {
      // Cascade: rescore the survivors on the whole in-memory prefix, keep the candidates.
      NeighborQueue best = new NeighborQueue(candidates);
      for (int ref : refs) {
        best.offer(ref, full.score(ref));
      }
      scanned += refs.length;
      scores = new float[best.size()];
      refs = best.drainBestFirst(scores);
      for (int i = 0; i < scores.length; i++) {
        scores[i] = full.approximate(scores[i]);
      }
    } else {
      for (int i = 0; i < scores.length; i++) {
        scores[i] = stage1.approximate(scores[i]);
      }
    }
    int[] slots = new int[refs.length];
    for (int i = 0; i < refs.length; i++) {
      slots[i] = postings.slotAt(refs[i]);
    }
    long t3 = System.nanoTime();
    return new Shortlist(slots, scores, scanned, probed, exact, t1 - t0, t2 - t1, t3 - t2);
  }

  // ------------------------------------------------------------------------
  //  for tests and the failure-recovery comparison
  // ------------------------------------------------------------------------

  /** The centroid a live document is assigned to, or -1. */
  public int centroidOf(String id) {
    int slot = ids.slotOf(id);
    return slot < 0 ? -1 : centroidOf[slot];
  }

  /** Entries in posting lists (equals {@link #size()} while the invariants hold). */
  long entries() {
    long n = 0;
    for (int l = 0; l < postings.listCount(); l++) {
      n += postings.size(l);
    }
    return n;
  }

  /** Largest posting list. */
  public int maxListSize() {
    int max = 0;
    for (int l = 0; l < postings.listCount(); l++) {
      max = Math.max(max, postings.size(l));
    }
    return max;
  }

  /** Non-empty posting lists. */
  public int nonEmptyLists() {
    int n = 0;
    for (int l = 0; l < postings.listCount(); l++) {
      n += postings.size(l) > 0 ? 1 : 0;
    }
    return n;
  }

  /**
   * Checks that every live document sits in the list of its namespace and centroid, once, with its
   * code, and that no other entry exists; throws naming the first violation.
   */
  void checkInvariants() {
    long live = 0;
    for (int slot = 0; slot < allocator.highWater(); slot++) {
      int ref = postings.refOf(slot);
      if (ref < 0) {
        continue;
      }
      live++;
      if (postings.slotAt(ref) != slot) {
        throw new IllegalStateException("slot " + slot + " points at an entry of another slot");
      }
      int list = postings.listOf(ref);
      NamespaceLists lists = byNamespace[listNamespace[list]];
      int expected = lists.byCentroid == null ? lists.exact : lists.byCentroid[centroidOf[slot]];
      if (expected != list) {
        throw new IllegalStateException(
            "'" + ids.idOf(slot) + "' is in list " + list + ", expected " + expected);
      }
    }
    if (live != ids.size() || entries() != ids.size()) {
      throw new IllegalStateException(
          live + " live slots, " + entries() + " list entries, " + ids.size() + " ids");
    }
  }

  // ------------------------------------------------------------------------
  //  internals
  // ------------------------------------------------------------------------

  /** Takes a slot out of its list, its namespace count and its attribute holders. */
  private void detach(int slot) {
    int list = postings.remove(slot);
    if (list >= 0) {
      namespaceTable.release(listNamespace[list]);
    }
    if (attributes != null && attributes[slot] != null) {
      for (int pair : attributes[slot]) {
        holders[pair].remove(slot);
      }
      attributes[slot] = null;
    }
  }

  private int nearestFromCode(byte[] code) {
    float[] y;
    if (grid != null) {
      y = grid.decode(code);
    } else {
      y = new float[prefixDims];
      float[] scales = projection.scales();
      for (int j = 0; j < prefixDims; j++) {
        y[j] = code[j] * scales[j];
      }
    }
    return centroids.nearest(y);
  }

  private NamespaceLists namespaceLists(int ns) {
    if (ns >= byNamespace.length) {
      byNamespace = Arrays.copyOf(byNamespace, Math.max(ns + 1, byNamespace.length * 2));
    }
    NamespaceLists lists = byNamespace[ns];
    if (lists == null) {
      lists = byNamespace[ns] = new NamespaceLists(ns);
    }
    return lists;
  }

  /** Moves an unsplit namespace's documents into one list per centroid. */
  private void split(NamespaceLists lists) {
    int single = lists.exact;
    int n = postings.size(single);
    int[] slots = new int[n];
    byte[][] codes = new byte[n][];
    int i = 0;
    for (int b = 0; b < postings.blockCount(single); b++) {
      int block = postings.block(single, b);
      for (int p = 0; p < PostingLists.BLOCK && i < n; p++, i++) {
        int ref = PostingLists.ref(block, p);
        slots[i] = postings.slotAt(ref);
        codes[i] = postings.code(ref);
      }
    }
    for (int slot : slots) {
      postings.remove(slot);
    }
    lists.byCentroid = new int[centroids.count()];
    Arrays.fill(lists.byCentroid, -1);
    for (int j = 0; j < n; j++) {
      postings.add(lists.listFor(centroidOf[slots[j]]), slots[j], codes[j]);
    }
  }

  private SlotSet holders(int pair) {
    if (pair >= holders.length) {
      holders = Arrays.copyOf(holders, Math.max(pair + 1, holders.length * 2));
    }
    SlotSet s = holders[pair];
    if (s == null) {
      s = holders[pair] = new SlotSet();
    }
    return s;
  }

  /** Documents (of any namespace) holding the rarest of the required pairs. */
  private int rarestHolders(int[] required) {
    int min = Integer.MAX_VALUE;
    for (int pair : required) {
      SlotSet s = pair < holders.length ? holders[pair] : null;
      min = Math.min(min, s == null ? 0 : s.size());
    }
    return min;
  }

  private long scanHolders(int[] required, int ns, CodeScorer scorer, NeighborQueue queue) {
    SlotSet rarest = null;
    for (int pair : required) {
      SlotSet s = holders[pair];
      if (rarest == null || s.size() < rarest.size()) {
        rarest = s;
      }
    }
    // Gathered and sorted by entry, so that the holders are scored block by block: a code stored
    // by columns touches a cache line per byte, shared with its block's other codes, and a block
    // with enough holders is scored whole (CodeScorer.scoreBlock with a mask).
    int[] refs = new int[rarest.size()];
    int[] n = {0};
    rarest.forEach(
        slot -> {
          int ref = postings.refOf(slot);
          if (listNamespace[postings.listOf(ref)] == ns && matches(slot, required)) {
            refs[n[0]++] = ref;
          }
        });
    Arrays.sort(refs, 0, n[0]);
    boolean[] keep = new boolean[PostingLists.BLOCK];
    for (int i = 0; i < n[0]; ) {
      int block = PostingLists.blockOf(refs[i]);
      int count = 0;
      int matching = 0;
      for (; i < n[0] && PostingLists.blockOf(refs[i]) == block; i++, matching++) {
        int position = PostingLists.positionOf(refs[i]);
        Arrays.fill(keep, count, position, false);
        keep[position] = true;
        count = position + 1;
      }
      scorer.scoreBlock(block, count, keep, matching, queue);
    }
    return n[0];
  }

  private long scanList(int list, int ns, int[] required, CodeScorer scorer, NeighborQueue queue) {
    int n = postings.size(list);
    long scanned = 0;
    boolean[] keep = required.length == 0 ? null : new boolean[PostingLists.BLOCK];
    for (int b = 0, done = 0; done < n; b++) {
      int block = postings.block(list, b);
      int count = Math.min(PostingLists.BLOCK, n - done);
      if (required.length == 0) {
        scorer.scoreBlock(block, count, queue);
        scanned += count;
      } else {
        // Counted as scanned: the matching codes, however the scorer gets their scores.
        int[] slots = postings.slots(block);
        int matching = 0;
        for (int p = 0; p < count; p++) {
          keep[p] = matches(slots[p], required);
          matching += keep[p] ? 1 : 0;
        }
        if (matching > 0) {
          scorer.scoreBlock(block, count, keep, matching, queue);
          scanned += matching;
        }
      }
      done += count;
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
    if (allocator.nextIsNew() && allocator.highWater() == centroidOf.length) {
      int capacity = ArrayGrowth.capacity(centroidOf.length, centroidOf.length + 1);
      centroidOf = Arrays.copyOf(centroidOf, capacity);
      if (attributes != null) {
        attributes = Arrays.copyOf(attributes, capacity);
      }
    }
    return allocator.allocate();
  }

  /** A namespace's lists: one while it is small, then one per centroid. */
  private final class NamespaceLists {
    final int namespace;
    int exact = -1;
    int[] byCentroid;

    NamespaceLists(int namespace) {
      this.namespace = namespace;
    }

    int listFor(int centroid) {
      if (byCentroid == null) {
        if (exact < 0) {
          exact = newList(namespace);
        }
        return exact;
      }
      if (byCentroid[centroid] < 0) {
        byCentroid[centroid] = newList(namespace);
      }
      return byCentroid[centroid];
    }
  }

  private int newList(int namespace) {
    int list = postings.newList();
    if (list >= listNamespace.length) {
      listNamespace = Arrays.copyOf(listNamespace, Math.max(list + 1, listNamespace.length * 2));
    }
    listNamespace[list] = namespace;
    return list;
  }
}
