package dev.mstream.chunk;

import static org.apache.flink.util.Preconditions.checkArgument;

import java.util.Arrays;

/**
 * Cuts a tokenized text into windows of at most {@code budget} tokens that overlap by up to {@code
 * overlap} tokens, preferring to cut where a paragraph, a sentence, a line or at least a word ends
 * ({@link Boundaries}).
 *
 * <p>Each window ends at the best boundary in the second half of its budget (the latest one among
 * equals), so no chunk but the last is shorter than half the budget. The next window starts within
 * the last {@code overlap} tokens of the one before, at the best boundary there (the earliest among
 * equals, for the longest overlap): the start of a sentence rather than the middle of one. Text
 * between tokens (spaces, line breaks) belongs to no chunk except that the first chunk starts at
 * the text's start and the last ends at its end.
 */
final class Chunker {

  private Chunker() {}

  /**
   * @param text what the tokens came from
   * @param starts token starts (char indexes into {@code text}), non-decreasing
   * @param ends token ends (exclusive)
   * @param budget most tokens per chunk, at least 2
   * @param overlap most tokens shared with the previous chunk, below half the budget (clamped)
   * @param maxChunks stop after this many chunks
   * @return the chunks' {@code [start, end)} char ranges, two entries per chunk, and whether text
   *     was left over after {@code maxChunks}
   */
  static Plan plan(String text, int[] starts, int[] ends, int budget, int overlap, int maxChunks) {
    checkArgument(budget >= 2, "chunk budget must be >= 2 tokens, was %s", budget);
    int n = starts.length;
    int sharing = Math.max(0, Math.min(overlap, budget / 2 - 1));
    int[] ranges = new int[8];
    int count = 0;
    int s = 0;
    boolean leftOver = false;
    while (true) {
      boolean last = n - s <= budget;
      int cut = last ? n : bestCut(text, starts, ends, s + (budget + 1) / 2, s + budget);
      if (2 * count + 2 > ranges.length) {
        ranges = Arrays.copyOf(ranges, ranges.length * 2);
      }
      ranges[2 * count] = count == 0 ? 0 : starts[s];
      ranges[2 * count + 1] = last ? text.length() : ends[cut - 1];
      count++;
      if (last) {
        break;
      }
      if (count == maxChunks) {
        leftOver = true;
        break;
      }
      s = sharing == 0 ? cut : bestStart(text, starts, ends, Math.max(s + 1, cut - sharing), cut);
    }
    return new Plan(Arrays.copyOf(ranges, 2 * count), leftOver);
  }

  /** The cut in [from, to] (cut j: the chunk ends before token j) with the best boundary. */
  private static int bestCut(String text, int[] starts, int[] ends, int from, int to) {
    int best = to;
    int bestClass = -1;
    for (int j = to; j >= from; j--) {
      int c = Boundaries.classify(text, ends[j - 1], starts[j]);
      if (c > bestClass) {
        best = j;
        bestClass = c;
        if (c == Boundaries.PARAGRAPH) {
          break;
        }
      }
    }
    return best;
  }

  /** The start in [from, to) with the best boundary before it, the earliest among equals. */
  private static int bestStart(String text, int[] starts, int[] ends, int from, int to) {
    int best = from;
    int bestClass = -1;
    for (int j = from; j < to; j++) {
      int c = Boundaries.classify(text, ends[j - 1], starts[j]);
      if (c > bestClass) {
        best = j;
        bestClass = c;
      }
    }
    return best;
  }

  /**
   * @param ranges {@code [start, end)} char ranges, two entries per chunk
   * @param leftOver whether the text needed more than the chunks allowed
   */
  record Plan(int[] ranges, boolean leftOver) {
    int chunks() {
      return ranges.length / 2;
    }
  }
}
