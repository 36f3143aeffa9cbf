package dev.mstream.chunk;

/**
 * How good a place to cut a text the gap between two tokens is: a paragraph break beats a sentence
 * end, which beats a line break, which beats a space between words; a cut inside a word (between
 * word pieces, or before a comma) is the last resort. Script-neutral: sentence ends are the usual
 * terminators (including the CJK full stop), and between ideographs, which are written without
 * spaces, every gap counts as a word boundary.
 */
final class Boundaries {

  static final int NONE = 0;
  static final int WORD = 1;
  static final int LINE = 2;
  static final int SENTENCE = 3;
  static final int PARAGRAPH = 4;

  private Boundaries() {}

  /**
   * The class of a cut between a token ending at {@code prevEnd} and the next one starting at
   * {@code nextStart} (char indexes into {@code text}, {@code prevEnd <= nextStart}).
   */
  static int classify(String text, int prevEnd, int nextStart) {
    int newlines = 0;
    boolean space = false;
    for (int i = prevEnd; i < nextStart; i++) {
      char c = text.charAt(i);
      if (c == '\n') {
        newlines++;
      } else if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
        space = true;
      }
    }
    if (newlines >= 2) {
      return PARAGRAPH;
    }
    boolean gap = newlines > 0 || space;
    char terminator = sentenceTerminator(text, prevEnd);
    if (terminator != 0 && (gap || terminator >= '\u3000')) {
      return SENTENCE; // full-width terminators are followed by no space
    }
    if (newlines == 1) {
      return LINE;
    }
    if (gap) {
      return WORD;
    }
    if (prevEnd > 0
        && nextStart < text.length()
        && (isIdeographicBefore(text, prevEnd)
            || Character.isIdeographic(text.codePointAt(nextStart)))) {
      return WORD;
    }
    return NONE;
  }

  /**
   * The sentence terminator the text before {@code end} ends with, past closing quotes or brackets,
   * or 0.
   */
  private static char sentenceTerminator(String text, int end) {
    int i = end - 1;
    while (i >= 0 && isCloser(text.charAt(i))) {
      i--;
    }
    if (i < 0) {
      return 0;
    }
    char c = text.charAt(i);
    boolean terminator =
        c == '.'
            || c == '!'
            || c == '?'
            || c == '\u2026'
            || c == '\u3002'
            || c == '\uFF01'
            || c == '\uFF1F';
    return terminator ? c : 0;
  }

  private static boolean isCloser(char c) {
    return c == '"'
        || c == '\''
        || c == ')'
        || c == ']'
        || c == '\u201D'
        || c == '\u2019'
        || c == '\u300D'
        || c == '\u300F';
  }

  private static boolean isIdeographicBefore(String text, int end) {
    return Character.isIdeographic(text.codePointBefore(end));
  }
}
