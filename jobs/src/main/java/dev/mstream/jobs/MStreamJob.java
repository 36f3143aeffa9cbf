package dev.mstream.jobs;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ParameterTool;

/**
 * The deployable job: {@code flink run -c dev.mstream.jobs.MStreamJob mstream.jar
 * --mstream.kafka.bootstrap-servers broker:9092 [--mstream.key value ...]}.
 */
public final class MStreamJob {

  public static final String JOB_NAME = "mstream";

  private MStreamJob() {}

  public static void main(String[] args) throws Exception {
    Configuration conf = readOptions(args);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    configure(env, conf);
    MStreamPipeline.build(env, conf);
    env.execute(JOB_NAME);
  }

  /** Options from {@code --key value} arguments. */
  public static Configuration readOptions(String[] args) {
    return Configuration.fromMap(ParameterTool.fromArgs(args).toMap());
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
      conf.setString("state.backend.rocksdb.localdir", options.get(MStreamOptions.STATE_DIR));
    }
    // Kryo would silently serialize any type it does not know; every record here is a POJO.
    conf.setString("pipeline.generic-types", "false");
    env.configure(conf);
    if (options.get(MStreamOptions.PARALLELISM) > 0) {
      env.setParallelism(options.get(MStreamOptions.PARALLELISM));
    }
    env.enableCheckpointing(
        options.get(MStreamOptions.CHECKPOINT_INTERVAL).toMillis(), CheckpointingMode.EXACTLY_ONCE);
  }
}
