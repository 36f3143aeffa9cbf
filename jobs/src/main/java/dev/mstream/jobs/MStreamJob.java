package dev.mstream.jobs;

import dev.mstream.jobs.kafka.DocumentsTopicCheck;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ParameterTool;

/**
 * The deployable job: {@code flink run jobs/target/mstream-job.jar
 * --mstream.kafka.bootstrap-servers broker:9092 [--mstream.key value ...]}. Any {@code mstream.*}
 * key may also come from the cluster's configuration; arguments win.
 */
@PublicEvolving
public final class MStreamJob {

  public static final String JOB_NAME = "mstream";

  private MStreamJob() {}

  public static void main(String[] args) throws Exception {
    Configuration fromArgs = readOptions(args);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(fromArgs);
    Configuration conf = effectiveOptions(env.getConfiguration(), fromArgs);
    DocumentsTopicCheck.onStart(conf);
    configure(env, conf);
    MStreamPipeline.build(env, conf);
    env.execute(JOB_NAME);
  }

  /** Options from {@code --key value} arguments. */
  public static Configuration readOptions(String[] args) {
    return Configuration.fromMap(ParameterTool.fromArgs(args).toMap());
  }

  /**
   * The options the job runs with: the environment's configuration (on a cluster: its Flink
   * configuration, {@code -D} options of {@code flink run}, a FlinkDeployment's {@code
   * flinkConfiguration}) with the program arguments on top.
   */
  public static Configuration effectiveOptions(ReadableConfig environment, Configuration args) {
    Configuration merged = Configuration.fromMap(environment.toMap());
    merged.addAll(args);
    return merged;
  }

  /** RocksDB state, exactly-once checkpoints: what every run of the job needs. */
  public static void configure(StreamExecutionEnvironment env, Configuration options) {
    Configuration conf = new Configuration();
    conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
    conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
    if (options.get(MStreamOptions.CHECKPOINT_DIR) != null) {
      conf.set(
          CheckpointingOptions.CHECKPOINTS_DIRECTORY, options.get(MStreamOptions.CHECKPOINT_DIR));
    }
    if (options.get(MStreamOptions.STATE_DIR) != null) {
      conf.set(RocksDBOptions.LOCAL_DIRECTORIES, options.get(MStreamOptions.STATE_DIR));
    }
    // Kryo would silently serialize any type it does not know; every record here is a POJO.
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    env.configure(conf);
    if (options.get(MStreamOptions.PARALLELISM) > 0) {
      env.setParallelism(options.get(MStreamOptions.PARALLELISM));
    }
    env.enableCheckpointing(
        options.get(MStreamOptions.CHECKPOINT_INTERVAL).toMillis(), CheckpointingMode.EXACTLY_ONCE);
    checkpointAlignment(env, options);
  }

  /**
   * Unaligned checkpoints by default: with aligned ones the index subtask stops reading queries
   * while the barrier crosses the document backlog in front of the embed operator, which made
   * queries during a bulk load wait for seconds at every checkpoint (issue 11: p50 4.4 s, max 15
   * s). The index cannot prefer its query input instead: Flink 2.2 rejects checkpointing for
   * operators that implement {@code InputSelectable}.
   */
  private static void checkpointAlignment(StreamExecutionEnvironment env, Configuration options) {
    boolean unaligned = options.get(MStreamOptions.UNALIGNED_CHECKPOINTS);
    var timeout = options.getOptional(MStreamOptions.ALIGNED_CHECKPOINT_TIMEOUT);
    if (!unaligned) {
      if (timeout.isPresent()) {
        throw new IllegalArgumentException(
            MStreamOptions.ALIGNED_CHECKPOINT_TIMEOUT.key()
                + " is set but "
                + MStreamOptions.UNALIGNED_CHECKPOINTS.key()
                + "=false: the timeout switches aligned checkpoints to unaligned ones; unset it,"
                + " or enable unaligned checkpoints");
      }
      env.getCheckpointConfig().enableUnalignedCheckpoints(false);
      return;
    }
    env.getCheckpointConfig().enableUnalignedCheckpoints();
    env.getCheckpointConfig().setAlignedCheckpointTimeout(timeout.orElse(java.time.Duration.ZERO));
  }
}
