package dev.mstream.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Posting lists against a model: every slot once, in its list, with its code, after any churn. */
class PostingListsTest {

  @ParameterizedTest(name = "segments by columns: {0}")
  @ValueSource(booleans = {false, true})
  void addsRemovesAndMovesKeepEveryEntryOnceWithItsCode(boolean byColumns) {
    int[] segments = {32, 17};
    PostingLists lists = new PostingLists(segments, byColumns);
    for (int l = 0; l < 5; l++) {
      lists.newList();
    }
    Random rnd = new Random(3);
    Map<Integer, Integer> listOf = new HashMap<>();
    Map<Integer, byte[]> codeOf = new HashMap<>();
    for (int step = 0; step < 20_000; step++) {
      int slot = rnd.nextInt(600);
      if (listOf.containsKey(slot)) {
        assertThat(lists.remove(slot)).isEqualTo(listOf.remove(slot));
        codeOf.remove(slot);
      }
      if (rnd.nextInt(3) > 0) {
        int list = rnd.nextInt(5) == 0 ? 4 : rnd.nextInt(4); // one list stays small
        byte[] code = new byte[lists.codeBytes()];
        rnd.nextBytes(code);
        lists.add(list, slot, code);
        listOf.put(slot, list);
        codeOf.put(slot, code);
      }
      if (step % 1000 == 0) {
        check(lists, listOf, codeOf);
      }
    }
    check(lists, listOf, codeOf);
    assertThat(lists.remove(10_000)).isEqualTo(-1);
  }

  private static void check(
      PostingLists lists, Map<Integer, Integer> listOf, Map<Integer, byte[]> codeOf) {
    int total = 0;
    for (int l = 0; l < lists.listCount(); l++) {
      int n = lists.size(l);
      total += n;
      int seen = 0;
      for (int b = 0; b < lists.blockCount(l); b++) {
        int block = lists.block(l, b);
        int count = Math.min(PostingLists.BLOCK, n - seen);
        assertThat(lists.capacity(block)).isGreaterThanOrEqualTo(count);
        for (int p = 0; p < count; p++) {
          int ref = PostingLists.ref(block, p);
          int slot = lists.slotAt(ref);
          assertThat(listOf.get(slot)).isEqualTo(l);
          assertThat(lists.refOf(slot)).isEqualTo(ref);
          assertThat(lists.listOf(ref)).isEqualTo(l);
          assertThat(lists.code(ref)).isEqualTo(codeOf.get(slot));
        }
        seen += count;
      }
    }
    assertThat(total).isEqualTo(listOf.size());
  }
}
