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
 * The column kernels of the inverted file's first stage, as a probe calls them: blocks of {@value
 * #BLOCK} PACKED codes stored by columns (a 32-byte 4-bit segment of 64 dims, then a 32-byte 2-bit
 * segment of 128), one {@code dotInt4Columns} and one {@code dotInt2Columns} call per block. {@code
 * cachedBlock} scores one cache-resident block over and over (arithmetic only); {@code
 * streamedBlocks} walks {@value #BLOCKS} separately allocated blocks (2.6 MB), about what a query
 * at recall 0.95 on 330k documents reads (memory traffic too). The score is time per code.
 *
 * <pre>
 * benchmarks/run.sh org.openjdk.jmh.Main ColumnKernelsBenchmark [-p impl=panama] [-f 1 -wi 3 -i 5]
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
public class ColumnKernelsBenchmark {

  static final int BLOCK = 64;
  static final int SEGMENT_BYTES = 32;

  @Param({"scalar", "panama"})
  public String impl;

  static final int BLOCKS = 640;

  private VectorUtilSupport kernels;
  private byte[][] codes;
  private short[] weights;
  private int[] scores;
  private int[] part;

  @Setup
  public void setUp() {
    kernels = VectorizationProvider.create(impl);
    if (!kernels.name().equals(impl)) {
      throw new IllegalStateException("asked for " + impl + ", got " + kernels.name());
    }
    Random random = new Random(42);
    codes = new byte[BLOCKS][];
    for (int b = 0; b < BLOCKS; b++) {
      codes[b] = new byte[2 * SEGMENT_BYTES * BLOCK];
      random.nextBytes(codes[b]);
      // Interleave other allocations, as blocks of many lists grow together in the index.
      new byte[random.nextInt(4096)].clone();
    }
    // 2 weights per 4-bit byte, 4 per 2-bit byte, as ScalarQuantizer.weigh lays them out.
    weights = new short[2 * SEGMENT_BYTES + 4 * SEGMENT_BYTES];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = (short) (random.nextInt(255) - 127);
    }
    scores = new int[BLOCK];
    part = new int[BLOCK];
  }

  @Benchmark
  @OperationsPerInvocation(BLOCK)
  public int cachedBlock() {
    return scoreBlock(codes[0], Integer.MIN_VALUE);
  }

  @Benchmark
  @OperationsPerInvocation(BLOCK * BLOCKS)
  public void streamedBlocks(Blackhole bh) {
    int best = Integer.MIN_VALUE;
    for (byte[] block : codes) {
      best = scoreBlock(block, best);
    }
    bh.consume(best);
  }

  /** Both segments of one block, as {@code InvertedFileArena}'s scan scores them. */
  private int scoreBlock(byte[] block, int best) {
    kernels.dotInt4Columns(block, 0, BLOCK, BLOCK, weights, 0, SEGMENT_BYTES, scores);
    kernels.dotInt2Columns(
        block,
        SEGMENT_BYTES * BLOCK,
        BLOCK,
        BLOCK,
        weights,
        2 * SEGMENT_BYTES,
        SEGMENT_BYTES,
        part);
    for (int p = 0; p < BLOCK; p++) {
      best = Math.max(best, scores[p] + part[p]);
    }
    return best;
  }
}
