package dev.mstream.sql;

import static org.apache.flink.table.api.DataTypes.FIELD;
import static org.apache.flink.table.api.DataTypes.ROW;
import static org.apache.flink.table.api.DataTypes.STRING;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

/** Flink SQL on the test's MiniCluster, as a SQL client session would run it. */
public final class Sql {

  private Sql() {}

  /**
   * One task manager with enough slots for a SQL job and a Matryoshka Stream job side by side
   * (register it as a static field).
   */
  public static MiniClusterExtension cluster(int slots) {
    return new MiniClusterExtension(
        new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(slots)
            .build());
  }

  /** A streaming session (ML_PREDICT plans only in streaming mode); a failure fails the job. */
  public static StreamTableEnvironment session(int parallelism) {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(parallelism);
    return session(env);
  }

  /** A session on {@code env}, whose DataStreams it can turn into tables. */
  public static StreamTableEnvironment session(StreamExecutionEnvironment env) {
    StreamTableEnvironment sql = StreamTableEnvironment.create(env);
    sql.getConfig().set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    return sql;
  }

  /** A temporary view {@code name(id STRING, text STRING)} of the given rows. */
  public static void texts(StreamTableEnvironment sql, String name, Map<String, String> idToText) {
    List<Row> rows = new ArrayList<>();
    idToText.forEach((id, text) -> rows.add(Row.of(id, text)));
    Table t = sql.fromValues(ROW(FIELD("id", STRING()), FIELD("text", STRING())), rows);
    sql.createTemporaryView(name, t);
  }

  /** Every row a bounded query returns. */
  public static List<Row> collect(StreamTableEnvironment sql, String query) throws Exception {
    List<Row> out = new ArrayList<>();
    try (CloseableIterator<Row> it = sql.executeSql(query).collect()) {
      it.forEachRemaining(out::add);
    }
    return out;
  }

  public static float[] floats(Object array) {
    Float[] boxed = (Float[]) array;
    float[] v = new float[boxed.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = boxed[i];
    }
    return v;
  }
}
