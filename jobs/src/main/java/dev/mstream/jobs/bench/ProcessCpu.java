package dev.mstream.jobs.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * CPU time of this JVM and of its threads, for benchmarks that run the job in-process: CPU time
 * does not depend on how much of a shared machine the process got, wall time does.
 */
public final class ProcessCpu {

  /** CPU time of the process and of each live thread (by id) at one moment. */
  public record Snapshot(double processSeconds, Map<Long, Long> threadNanos) {}

  private ProcessCpu() {}

  /** CPU time of all threads of this JVM, or -1 where the platform does not report it. */
  public static double processSeconds() {
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      long nanos = sun.getProcessCpuTime();
      return nanos < 0 ? -1 : nanos / 1e9;
    }
    return -1;
  }

  public static Snapshot now() {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    Map<Long, Long> cpu = new HashMap<>();
    if (mx.isThreadCpuTimeSupported()) {
      for (long id : mx.getAllThreadIds()) {
        long t = mx.getThreadCpuTime(id);
        if (t >= 0) {
          cpu.put(id, t);
        }
      }
    }
    return new Snapshot(processSeconds(), cpu);
  }

  /**
   * Where the CPU went since {@code before}: CPU seconds per group of threads (names with digits
   * and subtask suffixes folded), biggest first, at most {@code lines}; the rest of the process CPU
   * time (JIT compiler, GC, threads that ended, other native threads) as one more line.
   */
  public static List<String> byThreadGroup(Snapshot before, int lines) {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    double processCpu = processSeconds() - before.processSeconds();
    Map<String, Double> groups = new HashMap<>();
    double javaThreads = 0;
    for (ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
      if (info == null) {
        continue;
      }
      long t = mx.getThreadCpuTime(info.getThreadId());
      if (t < 0) {
        continue;
      }
      double seconds = (t - before.threadNanos().getOrDefault(info.getThreadId(), 0L)) / 1e9;
      if (seconds <= 0) {
        continue;
      }
      String name =
          info.getThreadName()
              .replaceAll("\\(\\d+/\\d+\\)", "(i/n)")
              .replaceAll("#\\d+", "")
              .replaceAll("\\d+", "N");
      groups.merge(name, seconds, Double::sum);
      javaThreads += seconds;
    }
    List<Map.Entry<String, Double>> sorted = new ArrayList<>(groups.entrySet());
    sorted.sort(Map.Entry.<String, Double>comparingByValue().reversed());
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, Double> e : sorted.subList(0, Math.min(lines, sorted.size()))) {
      out.add(String.format(Locale.ROOT, "%7.1f s  %s", e.getValue(), e.getKey()));
    }
    out.add(
        String.format(
            Locale.ROOT,
            "%7.1f s  (other threads, threads that ended during the run, JIT, GC and other"
                + " non-Java threads)",
            processCpu - javaThreads));
    return out;
  }
}
