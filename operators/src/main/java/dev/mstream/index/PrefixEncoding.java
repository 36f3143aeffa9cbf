package dev.mstream.index;

/** How the arena stores each prefix coordinate. */
public enum PrefixEncoding {
  /** One byte with a per-dimension scale: half the memory of FLOAT16, integer dot products. */
  INT8(1),
  /** IEEE half precision: no fitted scales, twice the memory of INT8. */
  FLOAT16(2);

  private final int bytesPerDim;

  PrefixEncoding(int bytesPerDim) {
    this.bytesPerDim = bytesPerDim;
  }

  public int bytesPerDim() {
    return bytesPerDim;
  }
}
