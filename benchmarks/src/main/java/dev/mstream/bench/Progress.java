package dev.mstream.bench;

import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** Progress bars on stderr, so the tables on stdout stay clean when redirected. */
final class Progress {

  private Progress() {}

  /** Set (to anything) to draw no bars, e.g. in tests. */
  static final String QUIET = "mstream.bench.quiet";

  static ProgressBar bar(String task, long max) {
    ProgressBarBuilder builder = new ProgressBarBuilder();
    if (System.getProperty(QUIET) != null) {
      builder.setConsumer(new DelegatingProgressBarConsumer(line -> {}));
    }
    return builder
        .setTaskName(task)
        .setInitialMax(max)
        .setStyle(ProgressBarStyle.ASCII)
        .setUpdateIntervalMillis(1000)
        .showSpeed()
        .setMaxRenderedLength(110)
        .build();
  }
}
