package dev.mstream.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.sun.jna.Platform;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ThreadNicenessTest {

  @Test
  void raisesTheNiceValueOfTheCallingThreadOnlyAndThreadsItStartsInheritIt() throws Exception {
    assumeThat(Platform.isLinux()).as("per-thread nice values are Linux only").isTrue();
    AtomicReference<Object> seen = new AtomicReference<>();
    int mainBefore = ThreadNiceness.currentNice();
    Thread t =
        new Thread(
            () -> {
              try {
                int before = ThreadNiceness.currentNice();
                OptionalInt after = ThreadNiceness.lowerCurrentThread(3);
                int[] child = new int[1];
                Thread c =
                    new Thread(
                        () -> {
                          try {
                            child[0] = ThreadNiceness.currentNice();
                          } catch (Exception e) {
                            child[0] = Integer.MIN_VALUE;
                          }
                        });
                c.start();
                c.join();
                seen.set(
                    new int[] {before, after.orElse(-100), ThreadNiceness.currentNice(), child[0]});
              } catch (Exception e) {
                seen.set(e);
              }
            });
    t.start();
    t.join();
    assertThat(seen.get()).isInstanceOf(int[].class);
    int[] v = (int[]) seen.get();
    int expected = Math.min(ThreadNiceness.MAX_NICE, v[0] + 3);
    assertThat(v[1]).as("reported").isEqualTo(expected);
    assertThat(v[2]).as("the thread's nice value").isEqualTo(expected);
    assertThat(v[3]).as("a thread it started").isEqualTo(expected);
    assertThat(ThreadNiceness.currentNice()).as("the test's own thread").isEqualTo(mainBefore);
  }

  @Test
  void zeroChangesNothingAndANegativeIncrementIsRejected() {
    assertThat(ThreadNiceness.lowerCurrentThread(0)).isEmpty();
    assertThatThrownBy(() -> ThreadNiceness.lowerCurrentThread(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(">= 0");
  }
}
