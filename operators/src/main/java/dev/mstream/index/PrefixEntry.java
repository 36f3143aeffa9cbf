package dev.mstream.index;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;

/**
 * The small keyed-state record the arena is rebuilt from: everything the scan needs and nothing
 * more, so a restore reads tens of bytes per document instead of the full vector.
 *
 * @param projectionVersion {@link IndexFit#version()} the codes (and list) were made with; 0 = no
 *     codes yet (the subtask had not fitted), re-encoded from the full vector when it differs
 * @param list the inverted file's list (centroid) of the document under that fit; -1 = none (the
 *     flat layout, or an entry written before lists existed: recomputed from the codes)
 */
public record PrefixEntry(
    String namespace,
    Map<String, String> attributes,
    long projectionVersion,
    byte[] codes,
    int list) {

  public static final byte[] NO_CODES = new byte[0];

  public PrefixEntry {
    Objects.requireNonNull(namespace, "namespace");
    attributes = attributes == null ? Collections.emptyMap() : attributes;
    codes = codes == null ? NO_CODES : codes;
  }

  /** An entry without a list (the flat layout). */
  public PrefixEntry(
      String namespace, Map<String, String> attributes, long projectionVersion, byte[] codes) {
    this(namespace, attributes, projectionVersion, codes, -1);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PrefixEntry e
        && namespace.equals(e.namespace)
        && attributes.equals(e.attributes)
        && projectionVersion == e.projectionVersion
        && list == e.list
        && java.util.Arrays.equals(codes, e.codes);
  }

  @Override
  public int hashCode() {
    return Objects.hash(namespace, projectionVersion, list, java.util.Arrays.hashCode(codes));
  }
}
