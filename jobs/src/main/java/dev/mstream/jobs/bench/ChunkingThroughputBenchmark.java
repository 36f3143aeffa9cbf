package dev.mstream.jobs.bench;

import dev.mstream.embed.ModelProfile;
import dev.mstream.jobs.MStreamOptions;
import dev.mstream.jobs.MStreamPipeline;
import dev.mstream.jobs.eval.Progress;
import dev.mstream.jobs.local.LocalRunner;
import dev.mstream.jobs.local.LoopbackPorts;
import dev.mstream.schemas.Document;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.util.FileUtils;

/**
 * What chunking costs the job per token, in one process: the whole job (embedded default, Kafka to
 * indexed) runs on the same documents with chunking off and on, alternately ({@code off, on} in odd
 * rounds, {@code on, off} in even ones, each on a fresh local cluster), and each run's embedding
 * work is measured in tokens fed to the model ({@link CorpusTokens}, counted untimed beforehand).
 * Chunking should cost what the extra embedding costs and no more: tokens per CPU second about the
 * same in both.
 */
public final class ChunkingThroughputBenchmark {

  /** One timed job run. */
  public record Run(boolean chunked, CorpusTokens tokens, double seconds, double cpuSeconds) {

    public double modelTokensPerSecond() {
      return tokens.modelTokens() / seconds;
    }

    public double modelTokensPerCpuSecond() {
      return tokens.modelTokens() / cpuSeconds;
    }

    public double textTokensPerSecond() {
      return tokens.indexedTextTokens() / seconds;
    }
  }

  private ChunkingThroughputBenchmark() {}

  /** Runs in the order they ran. */
  public static List<Run> run(
      List<Document> docs, Configuration options, int parallelism, int rounds, Progress progress)
      throws Exception {
    Configuration off = new Configuration(options);
    off.set(MStreamOptions.CHUNK_ENABLED, false);
    off.set(MStreamOptions.PARALLELISM, parallelism);
    Configuration on = new Configuration(options);
    on.set(MStreamOptions.CHUNK_ENABLED, true);
    on.set(MStreamOptions.PARALLELISM, parallelism);
    ModelProfile profile = MStreamPipeline.model(on);
    CorpusTokens offTokens = CorpusTokens.of(docs, off, profile);
    CorpusTokens onTokens = CorpusTokens.of(docs, on, profile);
    List<Run> runs = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      boolean chunkedFirst = round % 2 == 0;
      for (boolean chunked : new boolean[] {chunkedFirst, !chunkedFirst}) {
        double[] r = once(docs, chunked ? on : off, parallelism, progress);
        runs.add(new Run(chunked, chunked ? onTokens : offTokens, r[0], r[1]));
      }
    }
    return runs;
  }

  private static double[] once(
      List<Document> docs, Configuration conf, int parallelism, Progress progress)
      throws Exception {
    Path work = Files.createTempDirectory("mstream-bench");
    try (LocalRunner runner =
        LocalRunner.start(conf, 0, LoopbackPorts.freePort(), parallelism, work)) {
      return EmbedThroughputBenchmark.jobRun(runner, docs, List.of(), progress);
    } finally {
      progress.finish();
      FileUtils.deleteDirectoryQuietly(work.toFile());
    }
  }
}
