package dev.mstream.index;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;

/**
 * The small keyed-state record the arena is rebuilt from: everything the scan needs and nothing
 * more, so a restore reads tens of bytes per document instead of the full vector.
 *
 * @param projectionVersion {@link Projection#version()} the codes were made with; 0 = no codes yet
 *     (the subtask had not fitted its projection), re-encoded from the full vector when it differs
 */
public record PrefixEntry(
    String namespace, Map<String, String> attributes, long projectionVersion, byte[] codes) {

  public static final byte[] NO_CODES = new byte[0];

  public PrefixEntry {
    Objects.requireNonNull(namespace, "namespace");
    attributes = attributes == null ? Collections.emptyMap() : attributes;
    codes = codes == null ? NO_CODES : codes;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PrefixEntry e
        && namespace.equals(e.namespace)
        && attributes.equals(e.attributes)
        && projectionVersion == e.projectionVersion
        && java.util.Arrays.equals(codes, e.codes);
  }

  @Override
  public int hashCode() {
    return Objects.hash(namespace, projectionVersion, java.util.Arrays.hashCode(codes));
  }
}
