package dev.mstream.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Small helpers shared by the benchmark programs: timing, heap, tables, arguments. */
final class Bench {

  private Bench() {}

  /** Heap in use after a few full collections, in bytes. */
  static long usedHeapAfterGc() {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      try {
        Thread.sleep(150);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      Runtime rt = Runtime.getRuntime();
      used = Math.min(used, rt.totalMemory() - rt.freeMemory());
    }
    return used;
  }

  /** What this JVM runs on, for the header of every table. */
  static String machine() {
    return String.format(
        "%s %s, %d CPUs visible, max heap %d MiB, load average %.1f, vector kernels: %s",
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20,
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
        dev.mstream.index.vector.VectorUtil.implementation());
  }

  /** A task run once per query index. */
  interface QueryTask {
    void run(int query) throws Exception;
  }

  /**
   * Runs {@code task} for queries {@code [0, n)} on {@code threads} threads (queries split
   * round-robin) and returns queries per second. One warm-up pass of {@code warmup} queries
   * first, then {@code repeats} timed passes; the median pass counts.
   */
  static double queriesPerSecond(int n, int threads, int warmup, int repeats, QueryTask task)
      throws Exception {
    if (warmup > 0) {
      runOnce(Math.min(n, warmup), threads, task);
    }
    double[] qps = new double[repeats];
    for (int r = 0; r < repeats; r++) {
      long t0 = System.nanoTime();
      runOnce(n, threads, task);
      qps[r] = n / ((System.nanoTime() - t0) / 1e9);
    }
    java.util.Arrays.sort(qps);
    return qps[repeats / 2];
  }

  private static void runOnce(int n, int threads, QueryTask task) throws Exception {
    if (threads == 1) {
      for (int q = 0; q < n; q++) {
        task.run(q);
      }
      return;
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        final int first = t;
        fs.add(
            pool.submit(
                () -> {
                  for (int q = first; q < n; q += threads) {
                    task.run(q);
                  }
                  return null;
                }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
  }

  /** A markdown table printed row by row (so progress shows while it is measured). */
  static final class Table {
    private final String label;
    private final String[] headers;

    Table(String label, String... headers) {
      this.label = label;
      this.headers = headers;
    }

    void printHeader() {
      System.out.println();
      System.out.println(label);
      System.out.println();
      System.out.println("| " + String.join(" | ", headers) + " |");
      StringBuilder sb = new StringBuilder("|");
      for (int i = 0; i < headers.length; i++) {
        sb.append("---|");
      }
      System.out.println(sb);
    }

    void row(Object... cells) {
      StringBuilder sb = new StringBuilder("|");
      for (Object c : cells) {
        sb.append(' ').append(c).append(" |");
      }
      System.out.println(sb);
      System.out.flush();
    }
  }

  static String fmt(double v, int decimals) {
    return String.format("%,." + decimals + "f", v);
  }

  static int intArg(String[] args, String name, int def) {
    String v = arg(args, name);
    return v == null ? def : Integer.parseInt(v.replace("_", ""));
  }

  static String arg(String[] args, String name) {
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return null;
  }

  static boolean flag(String[] args, String name) {
    for (String a : args) {
      if (a.equals(name)) {
        return true;
      }
    }
    return false;
  }

  static int[] intList(String[] args, String name, int... def) {
    String v = arg(args, name);
    if (v == null) {
      return def;
    }
    String[] parts = v.split(",");
    int[] out = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      out[i] = Integer.parseInt(parts[i].trim());
    }
    return out;
  }
}
