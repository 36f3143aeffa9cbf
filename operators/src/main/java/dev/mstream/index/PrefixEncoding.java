package dev.mstream.index;

import org.apache.flink.annotation.PublicEvolving;

/** How the arena stores each prefix coordinate. */
@PublicEvolving
public enum PrefixEncoding {
  /** One byte with a per-dimension scale: half the memory of FLOAT16, integer dot products. */
  INT8(1),
  /** IEEE half precision: no fitted scales, twice the memory of INT8. */
  FLOAT16(2),
  /**
   * A few bits per dimension on a fitted grid ({@link ScalarQuantizer}), the width set per 32-byte
   * segment (mstream.index.packed-bits, default 4 then 2 bits: 192 dims in 64 bytes). Inverted-file
   * layout only; its default.
   */
  PACKED(0);

  private final int bytesPerDim;

  PrefixEncoding(int bytesPerDim) {
    this.bytesPerDim = bytesPerDim;
  }

  /** Whole bytes per dimension; 0 for {@link #PACKED}, whose widths vary. */
  public int bytesPerDim() {
    return bytesPerDim;
  }

  /** Whether codes are a fitted grid of a few bits ({@link ScalarQuantizer}). */
  public boolean packed() {
    return this == PACKED;
  }
}
