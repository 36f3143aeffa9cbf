package dev.mstream.jobs.eval;

import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Where long phases (loading, indexing, querying) report how far they are. */
public interface Progress {

  /** A phase of {@code total} units begins. */
  void start(String task, long total, String unit);

  /** {@code done} units of the current phase are complete (absolute, not an increment). */
  void update(long done);

  /** The current phase ended. */
  void finish();

  /**
   * The one progress-bar set-up of every command and benchmark program: ASCII (any terminal, any
   * log file), with the speed, redrawn every 250 ms on {@code out} (stderr, so that stdout keeps
   * the results). Callers may adjust the builder further.
   *
   * @param unit what is counted, e.g. "docs"; null for plain numbers
   */
  static ProgressBarBuilder barBuilder(String task, long total, String unit, PrintStream out) {
    ProgressBarBuilder builder =
        new ProgressBarBuilder()
            .setTaskName(task)
            .setInitialMax(total)
            .setStyle(ProgressBarStyle.ASCII)
            .setConsumer(new ConsoleProgressBarConsumer(out))
            .setUpdateIntervalMillis(250)
            .showSpeed();
    return unit == null ? builder : builder.setUnit(" " + unit, 1);
  }

  /** Progress bars on a terminal stream (stderr keeps stdout for the results). */
  static Progress bars(PrintStream out) {
    return new Progress() {
      private ProgressBar bar;

      @Override
      public void start(String task, long total, String unit) {
        finish();
        bar = barBuilder(task, total, unit, out).build();
      }

      @Override
      public void update(long done) {
        if (bar != null) {
          bar.stepTo(done);
        }
      }

      @Override
      public void finish() {
        if (bar != null) {
          bar.close();
          bar = null;
        }
      }
    };
  }

  /** A log line per phase and about every 10 seconds, for tests and logs. */
  static Progress log() {
    Logger log = LoggerFactory.getLogger(Progress.class);
    return new Progress() {
      private String task;
      private long total;
      private String unit;
      private long started;
      private long lastLog;

      @Override
      public void start(String task, long total, String unit) {
        this.task = task;
        this.total = total;
        this.unit = unit;
        this.started = System.nanoTime();
        this.lastLog = started;
        log.info("{}: 0/{} {}", task, total, unit);
      }

      @Override
      public void update(long done) {
        long now = System.nanoTime();
        if (now - lastLog > 10_000_000_000L) {
          lastLog = now;
          log.info("{}: {}/{} {}", task, done, total, unit);
        }
      }

      @Override
      public void finish() {
        if (task != null) {
          log.info(
              "{}: done in {} s", task, String.format("%.1f", (System.nanoTime() - started) / 1e9));
          task = null;
        }
      }
    };
  }
}
