package dev.mstream.index;

/** How the arena stores each prefix coordinate. */
public enum PrefixEncoding {
  /** One byte with a per-dimension scale: half the memory of FLOAT16, integer dot products. */
  INT8(1),
  /** IEEE half precision: no fitted scales, twice the memory of INT8. */
  FLOAT16(2),
  /**
   * Half a byte with a fitted 16-cell grid per dimension ({@link Int4Quantizer}): a 128-dim prefix
   * in 64 bytes. Inverted-file layout only.
   */
  INT4(0);

  private final int bytesPerDim;

  PrefixEncoding(int bytesPerDim) {
    this.bytesPerDim = bytesPerDim;
  }

  /** Whole bytes per dimension; 0 for {@link #INT4}, which packs two dimensions in a byte. */
  public int bytesPerDim() {
    return bytesPerDim;
  }
}
