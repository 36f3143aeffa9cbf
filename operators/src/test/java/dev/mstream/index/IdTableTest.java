package dev.mstream.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IdTableTest {

  @Test
  void behavesLikeAMapUnderChurn() {
    IdTable table = new IdTable();
    Map<String, Integer> truth = new HashMap<>();
    boolean[] live = new boolean[5000];
    int nextSlot = 0;
    java.util.ArrayDeque<Integer> free = new java.util.ArrayDeque<>();
    Random rnd = new Random(3);
    for (int step = 0; step < 50_000; step++) {
      String id = "id-" + rnd.nextInt(3000) + (rnd.nextBoolean() ? "" : "-é✓");
      Integer slot = truth.get(id);
      assertThat(table.slotOf(id)).isEqualTo(slot == null ? -1 : slot);
      if (slot != null && rnd.nextInt(3) == 0) {
        table.remove(id, slot);
        truth.remove(id);
        live[slot] = false;
        free.push(slot);
        table.compactIfWasteful(nextSlot, x -> live[x]);
      } else if (slot == null) {
        int s = free.isEmpty() ? nextSlot++ : free.pop();
        table.put(id, s);
        truth.put(id, s);
        live[s] = true;
      }
    }
    assertThat(table.size()).isEqualTo(truth.size());
    truth.forEach(
        (id, slot) -> {
          assertThat(table.slotOf(id)).isEqualTo(slot);
          assertThat(table.idOf(slot)).isEqualTo(id);
        });
  }

  @Test
  void longIdsUseMultiByteLengths() {
    IdTable table = new IdTable();
    String id = "x".repeat(100_000);
    table.put(id, 0);
    assertThat(table.idOf(0)).isEqualTo(id);
    assertThat(table.slotOf(id)).isZero();
  }
}
