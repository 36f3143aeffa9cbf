package dev.mstream.jobs;

/**
 * Distinct, natural-looking test sentences: the i-th one is a unique combination of words, so a
 * query equal to one sentence has exactly one exact match in the corpus.
 */
final class Sentences {

  private static final String[] WHO = {
    "The old fisherman", "A young doctor", "My neighbour", "The tired student", "A famous chef",
    "The city council", "Our teacher", "A lost tourist", "The night guard", "A retired pilot"
  };
  private static final String[] DID = {
    "repaired",
    "painted",
    "sold",
    "photographed",
    "described",
    "forgot",
    "found",
    "measured",
    "cleaned",
    "borrowed"
  };
  private static final String[] WHAT = {
    "a wooden boat", "the broken clock", "an ancient map", "the red bicycle", "a glass vase",
    "the garden fence", "a leather jacket", "the kitchen table", "a silver ring", "the church bell"
  };
  private static final String[] WHERE = {
    "near the harbour",
    "in the mountains",
    "behind the station",
    "at the market",
    "during the storm",
    "after breakfast",
    "before the exam",
    "on the island",
    "in the library",
    "under the bridge"
  };

  private Sentences() {}

  static String sentence(int i) {
    int n = WHO.length;
    return WHO[i % n]
        + " "
        + DID[(i / n) % n]
        + " "
        + WHAT[(i / (n * n)) % n]
        + " "
        + WHERE[(i / (n * n * n)) % n]
        + ".";
  }
}
