package dev.mstream.jobs.packaging;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;

/**
 * A Flink session cluster in its own JVM: a MiniCluster with its REST endpoint and web submission
 * (jar upload and run), like a JobManager and TaskManager of a Flink distribution. {@link
 * ForkedFlinkCluster} starts it with only Flink's own jars on the class path, so the job's classes
 * can come from nowhere but the uploaded jar.
 *
 * <p>{@code SessionClusterMain ADDRESS_FILE SLOTS [key=value ...]}: writes the REST address to
 * ADDRESS_FILE once it is up, and stops when its standard input closes.
 */
public final class SessionClusterMain {

  private SessionClusterMain() {}

  public static void main(String[] args) throws Exception {
    Path addressFile = Path.of(args[0]);
    int slots = Integer.parseInt(args[1]);
    Configuration conf = new Configuration();
    for (int i = 2; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      conf.setString(args[i].substring(0, eq), args[i].substring(eq + 1));
    }
    MiniClusterConfiguration config =
        new MiniClusterConfiguration.Builder()
            .withRandomPorts()
            .setConfiguration(conf)
            .setNumTaskManagers(1)
            .setNumSlotsPerTaskManager(slots)
            .build();
    try (MiniCluster cluster = new MiniCluster(config)) {
      cluster.start();
      URI rest = cluster.getRestAddress().get();
      Path tmp = addressFile.resolveSibling(addressFile.getFileName() + ".tmp");
      Files.writeString(tmp, rest.toString(), StandardCharsets.UTF_8);
      Files.move(tmp, addressFile, StandardCopyOption.ATOMIC_MOVE);
      System.out.println("Flink session cluster: REST " + rest);
      while (System.in.read() != -1) {
        // runs until the test closes our standard input
      }
      System.out.println("Stopping the session cluster");
    }
    System.exit(0);
  }
}
