package dev.mstream.bench;

import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/**
 * Progress bars of the benchmark programs: the commands' set-up ({@link
 * dev.mstream.jobs.eval.Progress#barBuilder}) on stderr, so the tables on stdout stay clean when
 * redirected; redrawn once a second, not to compete with what is timed.
 */
final class Progress {

  private Progress() {}

  /** Set (to anything) to draw no bars, e.g. in tests. */
  static final String QUIET = "mstream.bench.quiet";

  static ProgressBar bar(String task, long max) {
    ProgressBarBuilder builder =
        dev.mstream.jobs.eval.Progress.barBuilder(task, max, null, System.err)
            .setUpdateIntervalMillis(1000)
            .setMaxRenderedLength(110);
    if (System.getProperty(QUIET) != null) {
      builder.setConsumer(new DelegatingProgressBarConsumer(line -> {}));
    }
    return builder.build();
  }
}
