package dev.mstream.bench.jmh;

import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * CPU time of the benchmark's JVM per operation, beside JMH's wall-clock score: on a shared machine
 * whose load exceeds its cores, wall time per operation mostly measures how much of a core the fork
 * got, while CPU time measures the work. Run with {@code -prof
 * dev.mstream.bench.jmh.CpuTimeProfiler}; it reports {@code ·cpu} in ns/op. The JVM's own threads
 * (JIT, GC) count too, which after warm-up is a small share for allocation-free kernels.
 */
public final class CpuTimeProfiler implements InternalProfiler {

  private long cpuAtStart;

  @Override
  public String getDescription() {
    return "process CPU time per operation (ns/op)";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    cpuAtStart = processCpuNanos();
  }

  @Override
  public Collection<? extends Result> afterIteration(
      BenchmarkParams benchmarkParams, IterationParams iterationParams, IterationResult result) {
    long cpu = processCpuNanos() - cpuAtStart;
    long ops = result.getMetadata().getMeasuredOps();
    if (cpu < 0 || ops <= 0) {
      return List.of();
    }
    // measured ops already count @OperationsPerInvocation, as JMH's own score does
    double perOp = (double) cpu / ops;
    return List.of(new ScalarResult("·cpu", perOp, "ns/op", AggregationPolicy.AVG));
  }

  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }
}
