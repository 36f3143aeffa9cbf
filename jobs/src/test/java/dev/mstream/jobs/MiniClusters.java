package dev.mstream.jobs;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/** The Flink MiniClusters that the integration tests run their jobs on. */
public final class MiniClusters {

  private MiniClusters() {}

  /** A cluster shared by the tests of a class (register it as a static field). */
  public static MiniClusterExtension of(int taskManagers, int slotsPerTaskManager) {
    return of(taskManagers, slotsPerTaskManager, new Configuration());
  }

  /**
   * @param configuration cluster settings, e.g. a metrics reporter that the test reads
   */
  public static MiniClusterExtension of(
      int taskManagers, int slotsPerTaskManager, Configuration configuration) {
    return new MiniClusterExtension(
        new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(taskManagers)
            .setNumberSlotsPerTaskManager(slotsPerTaskManager)
            .setConfiguration(configuration)
            .build());
  }
}
