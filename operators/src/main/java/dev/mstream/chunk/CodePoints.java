package dev.mstream.chunk;

/**
 * Conversions between Java {@code char} indexes and Unicode code point indexes of one text. Chunk
 * offsets leave the job in code points (what Python's {@code str}, Rust's {@code chars()} and the
 * Hugging Face tokenizers count), while Java strings index UTF-16 units: the two differ by one for
 * every character outside the Basic Multilingual Plane (emoji, rare CJK) before the offset.
 *
 * <p>A cursor remembers the last position, so converting the offsets of consecutive chunks costs
 * about one pass over the text even though overlapping chunks move it back a little.
 */
public final class CodePoints {

  private final String text;
  private int charIndex;
  private int codePoint;

  public CodePoints(String text) {
    this.text = text;
  }

  /** The code point index of char index {@code index} (which must not split a surrogate pair). */
  public int codePointOf(int index) {
    if (index >= charIndex) {
      codePoint += Character.codePointCount(text, charIndex, index);
    } else {
      codePoint -= Character.codePointCount(text, index, charIndex);
    }
    charIndex = index;
    return codePoint;
  }

  /**
   * The char index of code point index {@code cp}.
   *
   * @throws IndexOutOfBoundsException when the text has fewer code points
   */
  public int charOf(int cp) {
    charIndex = Character.offsetByCodePoints(text, charIndex, cp - codePoint);
    codePoint = cp;
    return charIndex;
  }

  /** Every entry of {@code charIndexes} as a code point index. */
  public static int[] codePointsOf(String text, int[] charIndexes) {
    CodePoints cursor = new CodePoints(text);
    int[] out = new int[charIndexes.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = cursor.codePointOf(charIndexes[i]);
    }
    return out;
  }

  /** Every entry of {@code codePoints} as a char index. */
  public static int[] charsOf(String text, int[] codePoints) {
    CodePoints cursor = new CodePoints(text);
    int[] out = new int[codePoints.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = cursor.charOf(codePoints[i]);
    }
    return out;
  }
}
