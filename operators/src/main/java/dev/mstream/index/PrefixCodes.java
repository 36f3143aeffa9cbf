package dev.mstream.index;

import java.util.Arrays;

/**
 * The fixed-width prefix codes of every arena slot, stored in segments of {@link #SEGMENT_DIMS}
 * dimensions: segment {@code s} holds dimensions {@code [64s, 64s + 64)} of all slots, one slot
 * after the other. A scan at {@code d} dimensions reads only the segments that cover {@code d}, and
 * each of them sequentially.
 *
 * <p>Why segments: with one row-major array, scanning the first 64 dimensions of 128-wide rows cost
 * the memory traffic of the whole rows and defeated sequential prefetching — measured 2× slower
 * than a 64-wide arena, and slower even than scanning all 128. The index stores 128 dimensions by
 * default and scans 64 (fewer under load), so that was the common case. Segments of 64 int8
 * dimensions are one cache line per slot.
 *
 * <p>Codes come in and go out row-major ({@code dims × bytesPerDim} bytes, as {@link PrefixEntry}
 * persists them); only the in-memory layout is segmented.
 */
final class PrefixCodes {

  static final int SEGMENT_DIMS = 64;

  private final int dims;
  private final int bytesPerDim;
  private final byte[][] segments;

  PrefixCodes(int dims, int bytesPerDim, int capacity) {
    this.dims = dims;
    this.bytesPerDim = bytesPerDim;
    this.segments = new byte[(dims + SEGMENT_DIMS - 1) / SEGMENT_DIMS][];
    for (int s = 0; s < segments.length; s++) {
      segments[s] = new byte[capacity * segmentBytes(s)];
    }
  }

  /** Dimensions in segment {@code s}: 64, except a narrower last one. */
  int segmentDims(int s) {
    return Math.min(SEGMENT_DIMS, dims - s * SEGMENT_DIMS);
  }

  /** Bytes per slot in segment {@code s}: the stride of its rows. */
  int segmentBytes(int s) {
    return segmentDims(s) * bytesPerDim;
  }

  /** Segment {@code s}; row {@code slot} starts at {@code slot * segmentBytes(s)}. */
  byte[] segment(int s) {
    return segments[s];
  }

  int segmentCount() {
    return segments.length;
  }

  /** Stores a row-major code of {@code dims × bytesPerDim} bytes at {@code slot}. */
  void put(int slot, byte[] code) {
    int from = 0;
    for (int s = 0; s < segments.length; s++) {
      int n = segmentBytes(s);
      System.arraycopy(code, from, segments[s], slot * n, n);
      from += n;
    }
  }

  /** The row-major code at {@code slot}. */
  byte[] get(int slot) {
    byte[] out = new byte[dims * bytesPerDim];
    int from = 0;
    for (int s = 0; s < segments.length; s++) {
      int n = segmentBytes(s);
      System.arraycopy(segments[s], slot * n, out, from, n);
      from += n;
    }
    return out;
  }

  /** Grows every segment to hold {@code capacity} slots, keeping what is stored. */
  void grow(int capacity) {
    for (int s = 0; s < segments.length; s++) {
      segments[s] = Arrays.copyOf(segments[s], capacity * segmentBytes(s));
    }
  }

  long heapBytes() {
    long bytes = 0;
    for (byte[] segment : segments) {
      bytes += segment.length;
    }
    return bytes;
  }
}
