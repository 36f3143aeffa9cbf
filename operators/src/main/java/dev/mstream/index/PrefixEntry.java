package dev.mstream.index;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.annotation.Internal;

/**
 * The small keyed-state record the arena is rebuilt from: everything the scan needs and nothing
 * more, so a restore reads tens of bytes per document instead of the full vector.
 *
 * <p>A document of {@code n} chunks has one entry holding, per chunk, its code (the codes of one
 * chunk after another, {@code n × codeBytes}) and its inverted-file list ({@code lists[i]} is chunk
 * {@code i}'s list): each chunk is an entry of its own list.
 *
 * @param projectionVersion {@link IndexFit#version()} the codes (and lists) were made with; 0 = no
 *     codes yet (the subtask had not fitted), re-encoded from the full vector when it differs
 * @param lists the inverted file's list (centroid) of each chunk under that fit; empty = none (the
 *     flat layout, or an entry written before lists existed: recomputed from the codes), a -1 for
 *     one chunk likewise
 */
@Internal
public record PrefixEntry(
    String namespace,
    Map<String, String> attributes,
    long projectionVersion,
    byte[] codes,
    int[] lists) {

  public static final byte[] NO_CODES = new byte[0];

  public static final int[] NO_LISTS = new int[0];

  public PrefixEntry {
    Objects.requireNonNull(namespace, "namespace");
    attributes = attributes == null ? Collections.emptyMap() : attributes;
    codes = codes == null ? NO_CODES : codes;
    lists = lists == null ? NO_LISTS : lists;
  }

  /** An entry without lists (the flat layout). */
  public PrefixEntry(
      String namespace, Map<String, String> attributes, long projectionVersion, byte[] codes) {
    this(namespace, attributes, projectionVersion, codes, NO_LISTS);
  }

  /** The list of chunk {@code chunk}, or -1 when the entry names none. */
  public int listOf(int chunk) {
    return chunk < lists.length ? lists[chunk] : -1;
  }

  /**
   * How many chunks the codes hold at {@code codeBytes} per chunk; -1 when they are not a whole
   * number of codes of that size, or the lists do not match them (made under other settings).
   */
  public int chunks(int codeBytes) {
    if (codeBytes <= 0 || codes.length == 0 || codes.length % codeBytes != 0) {
      return -1;
    }
    int n = codes.length / codeBytes;
    return lists.length == 0 || lists.length == n ? n : -1;
  }

  /** The code of chunk {@code chunk} at {@code codeBytes} per chunk. */
  public byte[] codeOf(int chunk, int codeBytes) {
    return Arrays.copyOfRange(codes, chunk * codeBytes, (chunk + 1) * codeBytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PrefixEntry e
        && namespace.equals(e.namespace)
        && attributes.equals(e.attributes)
        && projectionVersion == e.projectionVersion
        && Arrays.equals(lists, e.lists)
        && Arrays.equals(codes, e.codes);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        namespace, projectionVersion, Arrays.hashCode(lists), Arrays.hashCode(codes));
  }

  @Override
  public String toString() {
    return "PrefixEntry[namespace="
        + namespace
        + ", attributes="
        + attributes
        + ", projectionVersion="
        + Long.toHexString(projectionVersion)
        + ", codes="
        + codes.length
        + " bytes, lists="
        + Arrays.toString(lists)
        + "]";
  }
}
