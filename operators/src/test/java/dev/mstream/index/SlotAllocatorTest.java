package dev.mstream.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SlotAllocatorTest {

  @Test
  void handsOutNewSlotsInOrderWhileNoneIsReleased() {
    SlotAllocator slots = new SlotAllocator();
    for (int i = 0; i < 40; i++) {
      assertThat(slots.nextIsNew()).isTrue();
      assertThat(slots.allocate()).isEqualTo(i);
    }
    assertThat(slots.highWater()).isEqualTo(40);
    assertThat(slots.liveCount()).isEqualTo(40);
  }

  @Test
  void reusesTheMostRecentlyReleasedSlotFirstAndKeepsTheHighWater() {
    SlotAllocator slots = new SlotAllocator();
    for (int i = 0; i < 5; i++) {
      slots.allocate();
    }
    slots.release(1);
    slots.release(3);
    assertThat(slots.nextIsNew()).isFalse();
    assertThat(slots.liveCount()).isEqualTo(3);
    assertThat(slots.allocate()).isEqualTo(3);
    assertThat(slots.allocate()).isEqualTo(1);
    assertThat(slots.nextIsNew()).isTrue();
    assertThat(slots.allocate()).isEqualTo(5);
    assertThat(slots.highWater()).isEqualTo(6);
  }

  /** Past the free list's first capacity, with random churn: never one slot twice, none lost. */
  @Test
  void neverHandsOutALiveSlotUnderChurn() {
    SlotAllocator slots = new SlotAllocator();
    Random rnd = new Random(15);
    List<Integer> live = new ArrayList<>();
    Set<Integer> liveSet = new HashSet<>();
    for (int step = 0; step < 20_000; step++) {
      if (live.isEmpty() || rnd.nextInt(3) > 0) {
        int s = slots.allocate();
        assertThat(liveSet.add(s)).as("slot %d handed out while live", s).isTrue();
        live.add(s);
      } else {
        int s = live.remove(rnd.nextInt(live.size()));
        liveSet.remove(s);
        slots.release(s);
      }
      assertThat(slots.liveCount()).isEqualTo(live.size());
    }
    assertThat(slots.highWater()).isLessThanOrEqualTo(20_000);
    assertThat(slots.heapBytes()).isGreaterThanOrEqualTo(4L * (slots.highWater() - live.size()));
  }
}
