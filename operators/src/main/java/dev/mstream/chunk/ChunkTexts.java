package dev.mstream.chunk;

import java.util.ArrayList;
import java.util.List;

/** The texts a chunked document is embedded as: the head, then each chunk's part of its text. */
public final class ChunkTexts {

  private ChunkTexts() {}

  /**
   * The document's own text inside {@code text} (title, space, text as the decoder joins them).
   *
   * @param titleLength chars of title at its start; 0 without a title
   */
  public static String body(String text, int titleLength) {
    if (titleLength == 0) {
      return text;
    }
    return titleLength >= text.length() ? "" : text.substring(titleLength + 1);
  }

  /**
   * @param body the document's text
   * @param ranges two entries per chunk: {@code [start, end)} in code points of {@code body}
   * @param head put in front of every chunk; null for none
   */
  public static List<String> of(String body, int[] ranges, String head) {
    int[] chars = CodePoints.charsOf(body, ranges);
    List<String> texts = new ArrayList<>(ranges.length / 2);
    for (int i = 0; i < chars.length; i += 2) {
      String part = body.substring(chars[i], chars[i + 1]);
      texts.add(head == null ? part : head + part);
    }
    return texts;
  }
}
