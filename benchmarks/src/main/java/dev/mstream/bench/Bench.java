package dev.mstream.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

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
   * Throughput of one measurement: queries per wall-clock second, and queries per CPU second of the
   * threads that ran them (summed over threads). On a shared, oversubscribed machine the wall
   * figure swings with other people's load; the CPU figure mostly does not, so ratios are taken on
   * it too.
   */
  record Rate(double wall, double cpu) {}

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** CPU time of the calling thread in nanoseconds. */
  static long threadCpuNanos() {
    return THREADS.getCurrentThreadCpuTime();
  }

  /**
   * Runs {@code task} for queries {@code [0, n)} on {@code threads} threads (queries split
   * round-robin). One warm-up pass of {@code warmup} queries first, then {@code repeats} timed
   * passes; the median pass counts (wall and CPU separately).
   */
  static Rate rate(int n, int threads, int warmup, int repeats, QueryTask task) throws Exception {
    return rate(n, threads, warmup, repeats, task, null);
  }

  /**
   * As {@link #rate(int, int, int, int, QueryTask)}; {@code extraCpu}, if given, is CPU time (ns)
   * spent for the task on helper threads, which the task adds up itself.
   */
  static Rate rate(int n, int threads, int warmup, int repeats, QueryTask task, AtomicLong extraCpu)
      throws Exception {
    if (warmup > 0) {
      runOnce(Math.min(n, warmup), threads, task);
    }
    double[] wall = new double[repeats];
    double[] cpu = new double[repeats];
    for (int r = 0; r < repeats; r++) {
      if (extraCpu != null) {
        extraCpu.set(0);
      }
      long t0 = System.nanoTime();
      long cpuNanos = runOnce(n, threads, task);
      wall[r] = n / ((System.nanoTime() - t0) / 1e9);
      if (extraCpu != null) {
        cpuNanos += extraCpu.get();
      }
      cpu[r] = n / (cpuNanos / 1e9);
    }
    Arrays.sort(wall);
    Arrays.sort(cpu);
    return new Rate(wall[repeats / 2], cpu[repeats / 2]);
  }

  /** Runs one pass; returns the CPU nanoseconds its worker threads used. */
  private static long runOnce(int n, int threads, QueryTask task) throws Exception {
    if (threads == 1) {
      long c0 = threadCpuNanos();
      for (int q = 0; q < n; q++) {
        task.run(q);
      }
      return threadCpuNanos() - c0;
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Long>> fs = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        final int first = t;
        fs.add(
            pool.submit(
                () -> {
                  long c0 = threadCpuNanos();
                  for (int q = first; q < n; q += threads) {
                    task.run(q);
                  }
                  return threadCpuNanos() - c0;
                }));
      }
      long total = 0;
      for (Future<Long> f : fs) {
        total += f.get();
      }
      return total;
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

  /**
   * Checks a program's arguments with picocli, as the CLI parses its own: every argument must be
   * one of {@code accepted}, else the program stops with picocli's message ("Unknown option:
   * '--querys'") and its usage; {@code -h}/{@code --help} prints the usage. An entry is {@code
   * --name} (a flag), {@code --name=N} (an int; {@code 1_000_000} is fine), {@code --name=LIST}
   * (comma-separated ints) or {@code --name=VALUE} (any string). The values are then read with
   * {@link #arg}, {@link #intArg}, {@link #intList} and {@link #flag}.
   */
  static void checkArgs(String program, String[] args, String... accepted) {
    CommandLine cli = parser(program, accepted);
    try {
      if (cli.parseArgs(args).isUsageHelpRequested()) {
        cli.usage(System.out);
        System.exit(0);
      }
    } catch (ParameterException e) {
      System.err.println(program + ": " + e.getMessage());
      cli.usage(System.err);
      System.exit(2);
    }
  }

  /** The picocli parser behind {@link #checkArgs}; parse errors are {@link ParameterException}s. */
  static CommandLine parser(String program, String... accepted) {
    CommandSpec spec = CommandSpec.create().name(program);
    spec.addOption(
        OptionSpec.builder("-h", "--help").usageHelp(true).description("Show this help.").build());
    for (String entry : accepted) {
      int eq = entry.indexOf('=');
      String name = eq < 0 ? entry : entry.substring(0, eq);
      String label = eq < 0 ? null : entry.substring(eq + 1);
      OptionSpec.Builder option = OptionSpec.builder(name);
      if (label == null) {
        option.arity("0").type(boolean.class);
      } else {
        option.arity("1").paramLabel(label).type(String.class);
        switch (label) {
          case "N" -> option.converters(s -> Integer.toString(parseInt(s)));
          case "LIST" -> option.converters(s -> Arrays.toString(parseInts(s)));
          case "VALUE" -> {}
          default ->
              throw new IllegalArgumentException(
                  entry + ": the value label must be N, LIST or VALUE");
        }
      }
      spec.addOption(option.build());
    }
    return new CommandLine(spec);
  }

  private static int parseInt(String s) {
    return Integer.parseInt(s.trim().replace("_", ""));
  }

  private static int[] parseInts(String s) {
    String[] parts = s.split(",");
    int[] out = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      out[i] = parseInt(parts[i]);
    }
    return out;
  }

  /** {@code first} followed by {@code more}: a program's own arguments after shared ones. */
  static String[] concat(String[] first, String... more) {
    String[] all = Arrays.copyOf(first, first.length + more.length);
    System.arraycopy(more, 0, all, first.length, more.length);
    return all;
  }

  static int intArg(String[] args, String name, int def) {
    String v = arg(args, name);
    return v == null ? def : parseInt(v);
  }

  /** The value of {@code --name value} or {@code --name=value} (both pass {@link #checkArgs}). */
  static String arg(String[] args, String name) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals(name) && i + 1 < args.length) {
        return args[i + 1];
      }
      if (args[i].startsWith(name + "=")) {
        return args[i].substring(name.length() + 1);
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
    return v == null ? def : parseInts(v);
  }
}
