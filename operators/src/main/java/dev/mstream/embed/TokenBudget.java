package dev.mstream.embed;

import static org.apache.flink.util.Preconditions.checkArgument;

/**
 * Splits texts sorted by token count (shortest first) into inference runs whose padded size stays
 * within a token budget. Each run is padded to its last (longest) text, so its cost is {@code texts
 * × longest}; capping that instead of the text count lets a run of short texts be wide and a run of
 * long texts narrow, which keeps the work per run even and bounds attention's memory.
 */
final class TokenBudget {

  private final int maxTexts;
  private final int maxTokens;

  TokenBudget(int maxTexts, int maxTokens) {
    checkArgument(maxTexts >= 1, "maxTexts must be >= 1, was %s", maxTexts);
    checkArgument(maxTokens >= 1, "maxTokens must be >= 1, was %s", maxTokens);
    this.maxTexts = maxTexts;
    this.maxTokens = maxTokens;
  }

  /**
   * The end (exclusive) of the run that starts at {@code from}: always at least one text, so a text
   * longer than the whole budget still runs, alone.
   *
   * @param sortedLengths token counts in ascending order
   */
  int end(int[] sortedLengths, int from) {
    int to = from + 1;
    while (to < sortedLengths.length
        && to - from < maxTexts
        && (long) (to - from + 1) * sortedLengths[to] <= maxTokens) {
      to++;
    }
    return to;
  }
}
