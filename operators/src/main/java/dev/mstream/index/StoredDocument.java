package dev.mstream.index;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;

/**
 * What the index keeps per document in keyed RocksDB state: the source of truth that is
 * checkpointed, rescaled with key groups, and from which the in-memory arena is rebuilt. The
 * document id is the state key and is not repeated here.
 *
 * @param namespace the only namespace whose queries may see this document
 * @param attributes returned with hits and matched by query filters
 * @param vector the full, L2-normalised embedding
 * @param modelId the model profile that produced {@code vector}
 * @param contentHash hash of the embedded text, to tell a real change from a replay
 * @param version 1 for the first upsert of an id, +1 for each later one
 * @param eventTime source event time of the version stored (epoch millis)
 */
public record StoredDocument(
    String namespace,
    Map<String, String> attributes,
    float[] vector,
    String modelId,
    long contentHash,
    long version,
    long eventTime) {

  public StoredDocument {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(vector, "vector");
    Objects.requireNonNull(modelId, "modelId");
    attributes = attributes == null ? Collections.emptyMap() : attributes;
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
        && eventTime == d.eventTime;
  }

  @Override
  public int hashCode() {
    return Objects.hash(namespace, attributes, Arrays.hashCode(vector), modelId, version);
  }

  @Override
  public String toString() {
    return "StoredDocument{ns=" + namespace + ", v" + version + ", dim=" + vector.length + "}";
  }
}
