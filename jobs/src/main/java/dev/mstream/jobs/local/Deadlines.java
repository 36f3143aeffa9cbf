package dev.mstream.jobs.local;

import java.util.concurrent.TimeUnit;

/** {@link System#nanoTime()} arithmetic, so that one start-up budget spans several phases. */
final class Deadlines {

  private Deadlines() {}

  static long remainingMillis(long deadlineNanos) {
    return TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
  }

  static long millisSince(long t0) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
  }

  /**
   * A poll pause of at most {@code maxMillis}, cut short near the deadline but never 0 (a 0 ms
   * sleep would spin).
   */
  static void pause(long maxMillis, long deadlineNanos) throws InterruptedException {
    Thread.sleep(Math.min(maxMillis, Math.max(1, remainingMillis(deadlineNanos))));
  }

  /** A remaining budget as the int milliseconds of Kafka's admin options. */
  static int clampToInt(long millis) {
    return (int) Math.min(millis, Integer.MAX_VALUE);
  }
}
