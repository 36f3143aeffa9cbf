package dev.mstream.index;

import java.util.Map;
import org.apache.flink.annotation.Internal;

/**
 * The in-memory part of a subtask's index that queries scan: prefix codes of every live document
 * under one {@link IndexFit}, with their namespaces and filterable attributes. Two layouts: {@link
 * PrefixArena} scores every document of the namespace (the flat funnel), {@link InvertedFileArena}
 * only the posting lists a query probes.
 *
 * <p>Not checkpointed: rebuilt from each document's {@link PrefixEntry}. Single-threaded, like the
 * operator that owns it.
 */
@Internal
public interface PrefixIndex {

  IndexFit fit();

  /** Projected coordinates in each code. */
  int prefixDims();

  int size();

  /** Live documents of one namespace. */
  int size(String namespace);

  boolean contains(String id);

  /** Posting lists (centroids); 0 for the flat layout. */
  int lists();

  /** Heap held by the index's arrays, by its own accounting. */
  long heapBytes();

  /** The stored form of a full vector under this index's fit: code, list, drift samples. */
  Encoded encode(float[] fullVector);

  /**
   * Inserts or replaces a document from its code (made by {@link #encode} under this fit).
   *
   * @param centroid the list from {@link Encoded#centroid()}; out of range = recompute from the
   *     code (ignored by the flat layout)
   */
  void putEncoded(
      String id, String namespace, Map<String, String> attrs, byte[] code, int centroid);

  /** The stored code of a live document (row-major, as {@link #encode} made it), or null. */
  byte[] codeOf(String id);

  /** Removes a document; returns whether it was present. */
  boolean remove(String id);

  String idOf(int slot);

  /** Slots used so far (live or free): live documents are at slots below this. */
  int slotCount();

  /** The id at {@code slot}, or null when the slot is free. */
  String liveIdAt(int slot);

  /** The best candidates of {@code namespace} matching {@code filter} for a full query vector. */
  Shortlist shortlist(String namespace, Map<String, String> filter, float[] query, SearchPlan plan);

  /**
   * A document under a fit.
   *
   * @param code what the index stores (and the prefix entry persists)
   * @param centroid the posting list; -1 for the flat layout
   * @param captured squared norm of the projected prefix: the share of a unit vector's energy the
   *     prefix holds (a drift sample)
   * @param distance squared distance to the centroid (a drift sample; 0 for the flat layout)
   */
  record Encoded(byte[] code, int centroid, float captured, float distance) {}
}
