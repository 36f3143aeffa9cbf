package dev.mstream.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Window cutting on token spans, with one token per word or punctuation mark. */
class ChunkerTest {

  /** Words and punctuation marks as tokens, as a BERT pre-tokenizer sees them. */
  record Tokens(int[] starts, int[] ends) {
    static Tokens of(String text) {
      List<int[]> spans = new ArrayList<>();
      int i = 0;
      while (i < text.length()) {
        char c = text.charAt(i);
        if (Character.isWhitespace(c)) {
          i++;
        } else if (Character.isLetterOrDigit(c)) {
          int j = i;
          while (j < text.length() && Character.isLetterOrDigit(text.charAt(j))) {
            j++;
          }
          spans.add(new int[] {i, j});
          i = j;
        } else {
          spans.add(new int[] {i, i + 1});
          i++;
        }
      }
      int[] s = new int[spans.size()];
      int[] e = new int[spans.size()];
      for (int k = 0; k < s.length; k++) {
        s[k] = spans.get(k)[0];
        e[k] = spans.get(k)[1];
      }
      return new Tokens(s, e);
    }

    int size() {
      return starts.length;
    }

    /** Tokens that lie inside [from, to). */
    int within(int from, int to) {
      int n = 0;
      for (int k = 0; k < starts.length; k++) {
        if (starts[k] >= from && ends[k] <= to) {
          n++;
        }
      }
      return n;
    }
  }

  private static Chunker.Plan plan(String text, int budget, int overlap, int maxChunks) {
    Tokens t = Tokens.of(text);
    return Chunker.plan(text, t.starts(), t.ends(), budget, overlap, maxChunks);
  }

  @Test
  void aTextThatFitsIsOneChunkCoveringAllOfIt() {
    String text = "  One short sentence. Another one.  ";
    Chunker.Plan p = plan(text, 50, 8, 10);
    assertThat(p.ranges()).containsExactly(0, text.length());
    assertThat(p.leftOver()).isFalse();
  }

  @Test
  void cutsAtSentenceEndsWithinBudgetAndOverlapsFromASentenceStart() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      b.append("Sentence number ").append(i).append(" has some words in it. ");
    }
    String text = b.toString();
    Tokens t = Tokens.of(text);
    Chunker.Plan p = plan(text, 40, 12, 100);
    assertThat(p.chunks()).isGreaterThan(5);
    for (int c = 0; c < p.chunks(); c++) {
      int from = p.ranges()[2 * c];
      int to = p.ranges()[2 * c + 1];
      assertThat(t.within(from, to)).as("tokens of chunk %d", c).isLessThanOrEqualTo(40);
      if (c < p.chunks() - 1) {
        assertThat(text.charAt(to - 1)).as("chunk %d ends a sentence", c).isEqualTo('.');
        int nextFrom = p.ranges()[2 * c + 2];
        assertThat(nextFrom).as("chunk %d overlaps the one before", c + 1).isLessThan(to);
        assertThat(t.within(nextFrom, to)).isLessThanOrEqualTo(12);
        assertThat(text.substring(nextFrom)).startsWith("Sentence");
      }
    }
    assertThat(p.ranges()[0]).isZero();
    assertThat(p.ranges()[p.ranges().length - 1]).isEqualTo(text.length());
  }

  @Test
  void prefersAParagraphBreakToASentenceEndInTheSecondHalf() {
    String para = "Alpha beta gamma delta. Epsilon zeta eta theta iota. Phi chi psi omega."; // 16
    String text =
        para + "\n\n" + para + " Kappa lambda mu. Nu xi omicron pi rho sigma tau upsilon.";
    Chunker.Plan p = plan(text, 30, 0, 10);
    assertThat(text.substring(p.ranges()[0], p.ranges()[1])).isEqualTo(para);
  }

  @Test
  void withoutAnyBoundaryCutsHardAtTheBudget() {
    String text = "x".repeat(10) + "-".repeat(50); // one word, then 50 punctuation tokens
    Chunker.Plan p = plan(text, 20, 5, 100);
    Tokens t = Tokens.of(text);
    int covered = 0;
    for (int c = 0; c < p.chunks(); c++) {
      assertThat(t.within(p.ranges()[2 * c], p.ranges()[2 * c + 1])).isLessThanOrEqualTo(20);
      covered = Math.max(covered, p.ranges()[2 * c + 1]);
    }
    assertThat(covered).isEqualTo(text.length());
  }

  @Test
  void stopsAtMaxChunksAndSaysTextWasLeftOver() {
    String text = "word ".repeat(1000);
    Chunker.Plan p = plan(text, 50, 10, 3);
    assertThat(p.chunks()).isEqualTo(3);
    assertThat(p.leftOver()).isTrue();
    assertThat(plan("word ".repeat(100), 50, 0, 3).leftOver()).isFalse();
  }

  @Test
  void everyTokenIsInSomeChunkAndChunksMoveForward() {
    Random random = new Random(7);
    String[] words = {"a", "bb", "ccc", "dddd", ".", ",", "\n", "\n\n", "!", "eeeee"};
    for (int round = 0; round < 300; round++) {
      StringBuilder b = new StringBuilder();
      int n = random.nextInt(400);
      for (int i = 0; i < n; i++) {
        b.append(words[random.nextInt(words.length)]).append(random.nextInt(4) == 0 ? "" : " ");
      }
      String text = b.toString();
      Tokens t = Tokens.of(text);
      int budget = 2 + random.nextInt(60);
      int overlap = random.nextInt(budget);
      Chunker.Plan p = Chunker.plan(text, t.starts(), t.ends(), budget, overlap, 10_000);
      assertThat(p.leftOver()).isFalse();
      int previousStart = -1;
      for (int c = 0; c < p.chunks(); c++) {
        int from = p.ranges()[2 * c];
        int to = p.ranges()[2 * c + 1];
        assertThat(from).isGreaterThan(previousStart).isLessThanOrEqualTo(to);
        assertThat(t.within(from, to)).isLessThanOrEqualTo(budget);
        previousStart = from;
      }
      for (int k = 0; k < t.size(); k++) {
        boolean inSome = false;
        for (int c = 0; c < p.chunks() && !inSome; c++) {
          inSome = p.ranges()[2 * c] <= t.starts()[k] && t.ends()[k] <= p.ranges()[2 * c + 1];
        }
        assertThat(inSome).as("token %d of %s (budget %d)", k, text, budget).isTrue();
      }
    }
  }

  @Test
  void rejectsABudgetBelowTwoTokens() {
    assertThatThrownBy(() -> plan("a b c", 1, 0, 5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("budget");
  }
}
