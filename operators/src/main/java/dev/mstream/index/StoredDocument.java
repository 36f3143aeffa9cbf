package dev.mstream.index;

import static org.apache.flink.util.Preconditions.checkArgument;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.annotation.Internal;

/**
 * What the index keeps per document in keyed RocksDB state: the source of truth that is
 * checkpointed, rescaled with key groups, and from which the in-memory arena is rebuilt. The
 * document id is the state key and is not repeated here. A long document's chunks all live here,
 * under the document's key, so that an update or a delete replaces or removes all of them at once.
 *
 * @param namespace the only namespace whose queries may see this document
 * @param attributes returned with hits and matched by query filters
 * @param vector the full, L2-normalised embedding of the first chunk (of the whole document when it
 *     is one chunk)
 * @param modelId the model profile that produced {@code vector}
 * @param contentHash hash of the embedded text, to tell a real change from a replay
 * @param version 1 for the first upsert of an id, +1 for each later one
 * @param eventTime source event time of the version stored (epoch millis)
 * @param chunkVectors every chunk's vector, in order; the first is {@code vector}
 * @param chunkRanges two entries per chunk: its {@code [start, end)} in Unicode code points of the
 *     document's text; null when unknown (state written before chunks were stored)
 */
@Internal
public record StoredDocument(
    String namespace,
    Map<String, String> attributes,
    float[] vector,
    String modelId,
    long contentHash,
    long version,
    long eventTime,
    float[][] chunkVectors,
    int[] chunkRanges) {

  public StoredDocument {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(vector, "vector");
    Objects.requireNonNull(modelId, "modelId");
    attributes = attributes == null ? Collections.emptyMap() : attributes;
    if (chunkVectors == null) {
      chunkVectors = new float[][] {vector};
    }
    checkArgument(
        chunkVectors.length > 0 && chunkVectors[0] == vector,
        "the first chunk's vector must be the document's vector");
    checkArgument(
        chunkRanges == null || chunkRanges.length == 2 * chunkVectors.length,
        "%s chunk vectors but %s chunk ranges",
        chunkVectors.length,
        chunkRanges == null ? 0 : chunkRanges.length / 2);
  }

  /** A document of one chunk whose offsets are not known (the form of state before chunking). */
  public StoredDocument(
      String namespace,
      Map<String, String> attributes,
      float[] vector,
      String modelId,
      long contentHash,
      long version,
      long eventTime) {
    this(namespace, attributes, vector, modelId, contentHash, version, eventTime, null, null);
  }

  /** A document of one or more chunks: {@code vectors[0]} becomes {@link #vector()}. */
  public static StoredDocument chunked(
      String namespace,
      Map<String, String> attributes,
      float[][] vectors,
      int[] ranges,
      String modelId,
      long contentHash,
      long version,
      long eventTime) {
    return new StoredDocument(
        namespace,
        attributes,
        vectors[0],
        modelId,
        contentHash,
        version,
        eventTime,
        vectors,
        ranges);
  }

  public int chunkCount() {
    return chunkVectors.length;
  }

  /** Start of chunk {@code i} in code points, or -1 when unknown. */
  public int chunkStart(int i) {
    return chunkRanges == null ? -1 : chunkRanges[2 * i];
  }

  /** End (exclusive) of chunk {@code i} in code points, or -1 when unknown. */
  public int chunkEnd(int i) {
    return chunkRanges == null ? -1 : chunkRanges[2 * i + 1];
  }

  /** 64-bit FNV-1a of the embedded text: cheap, and collisions only cost a redundant update. */
  public static long contentHash(String text) {
    long h = 0xcbf29ce484222325L;
    if (text != null) {
      for (int i = 0; i < text.length(); i++) {
        h ^= text.charAt(i);
        h *= 0x100000001b3L;
      }
    }
    return h;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StoredDocument d
        && namespace.equals(d.namespace)
        && attributes.equals(d.attributes)
        && Arrays.equals(vector, d.vector)
        && modelId.equals(d.modelId)
        && contentHash == d.contentHash
        && version == d.version
        && eventTime == d.eventTime
        && Arrays.deepEquals(chunkVectors, d.chunkVectors)
        && Arrays.equals(chunkRanges, d.chunkRanges);
  }

  @Override
  public int hashCode() {
    return Objects.hash(namespace, attributes, Arrays.hashCode(vector), modelId, version);
  }

  @Override
  public String toString() {
    return "StoredDocument{ns="
        + namespace
        + ", v"
        + version
        + ", dim="
        + vector.length
        + ", chunks="
        + chunkVectors.length
        + "}";
  }
}
