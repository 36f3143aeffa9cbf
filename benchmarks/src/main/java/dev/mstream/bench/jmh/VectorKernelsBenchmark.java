package dev.mstream.bench.jmh;

import dev.mstream.index.vector.VectorUtilSupport;
import dev.mstream.index.vector.VectorizationProvider;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The inner-product kernels behind {@code VectorUtil}, both implementations in one run: the plain
 * Java loops ({@code scalar}) and the JDK Vector API ({@code panama}), on the prefix lengths the
 * arena scans (64, 128) and the full MiniLM dimension (384). Each invocation scores {@value #ROWS}
 * rows of a flat array against one query (about 0.4 MB of int8 or 1.5 MB of float at 384 dims: the
 * scan streams from memory, as the arena's does), so the score is time per row.
 *
 * <pre>
 * benchmarks/run.sh org.openjdk.jmh.Main VectorKernelsBenchmark [-p dims=128] [-f 1 -wi 3 -i 5]
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class VectorKernelsBenchmark {

  static final int ROWS = 1024;

  @Param({"scalar", "panama"})
  public String impl;

  @Param({"64", "128", "384"})
  public int dims;

  private VectorUtilSupport kernels;
  private float[] floats;
  private byte[] codes;
  private float[] query;
  private byte[] queryCodes;
  private float[] out;

  @Setup
  public void setUp() {
    kernels = VectorizationProvider.create(impl);
    if (!kernels.name().equals(impl)) {
      throw new IllegalStateException("asked for " + impl + ", got " + kernels.name());
    }
    Random random = new Random(42);
    floats = new float[ROWS * dims];
    codes = new byte[ROWS * dims];
    for (int i = 0; i < floats.length; i++) {
      floats[i] = (float) random.nextGaussian();
      codes[i] = (byte) (random.nextInt(256) - 128);
    }
    query = new float[dims];
    queryCodes = new byte[dims];
    for (int i = 0; i < dims; i++) {
      query[i] = (float) random.nextGaussian();
      queryCodes[i] = (byte) (random.nextInt(256) - 128);
    }
    out = new float[ROWS];
  }

  /** Float rows one call each, as the rerank and the warm-up search score them. */
  @Benchmark
  @OperationsPerInvocation(ROWS)
  public void dotFloat(Blackhole bh) {
    for (int r = 0; r < ROWS; r++) {
      bh.consume(kernels.dot(floats, r * dims, query, 0, dims));
    }
  }

  /** A contiguous run of float rows in one call (the float16 arena's scan path). */
  @Benchmark
  @OperationsPerInvocation(ROWS)
  public float[] dotRange() {
    kernels.dotRange(floats, dims, dims, query, 0, ROWS, out);
    return out;
  }

  /** Int8 rows one call each, accumulated exactly in an int (the int8 arena's scan). */
  @Benchmark
  @OperationsPerInvocation(ROWS)
  public void dotInt8(Blackhole bh) {
    for (int r = 0; r < ROWS; r++) {
      bh.consume(kernels.dotInt8(codes, r * dims, queryCodes, 0, dims));
    }
  }
}
