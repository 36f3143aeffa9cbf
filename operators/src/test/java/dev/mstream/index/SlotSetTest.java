package dev.mstream.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SlotSetTest {

  @Test
  void behavesLikeASetUnderChurnAndShrinks() {
    SlotSet set = new SlotSet();
    Set<Integer> model = new HashSet<>();
    Random rnd = new Random(9);
    for (int step = 0; step < 50_000; step++) {
      int slot = rnd.nextInt(step < 25_000 ? 5000 : 50);
      if (rnd.nextBoolean()) {
        assertThat(set.add(slot)).isEqualTo(model.add(slot));
      } else {
        assertThat(set.remove(slot)).isEqualTo(model.remove(slot));
      }
      assertThat(set.size()).isEqualTo(model.size());
    }
    Set<Integer> listed = new HashSet<>();
    set.forEach(listed::add);
    assertThat(listed).isEqualTo(model);
    for (int s = 0; s < 5000; s++) {
      assertThat(set.contains(s)).isEqualTo(model.contains(s));
    }
    for (int s : model) {
      set.remove(s);
    }
    assertThat(set.size()).isZero();
    assertThat(set.heapBytes()).isLessThan(100); // shrunk back
  }
}
