package dev.mstream.jobs.local;

import static dev.mstream.jobs.local.BrokerConfig.CONTROLLER_LISTENER;
import static dev.mstream.jobs.local.BrokerConfig.NODE_ID;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The KRaft storage format of an embedded broker's data directory (what kafka-storage does). */
final class KraftStorage {

  private static final Logger LOG = LoggerFactory.getLogger(KraftStorage.class);

  static final String META_PROPERTIES = "meta.properties";

  private KraftStorage() {}

  /**
   * Formats a fresh directory with a new cluster id, or reads the id of an already formatted one.
   * The Formatter itself refuses a directory formatted with another cluster id, so reuse has to be
   * detected here rather than with setIgnoreFormatted.
   *
   * @return the cluster id
   */
  static String formatIfNeeded(Path dir) {
    Path metaProperties = dir.resolve(META_PROPERTIES);
    if (Files.exists(metaProperties)) {
      return existingClusterId(dir, metaProperties);
    }
    String clusterId = Uuid.randomUuid().toString();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PrintStream quiet = new PrintStream(out, true, StandardCharsets.UTF_8)) {
      new Formatter()
          .setPrintStream(quiet)
          .setNodeId(NODE_ID)
          .setClusterId(clusterId)
          .setControllerListenerName(CONTROLLER_LISTENER)
          .setMetadataLogDirectory(dir.toString())
          .addDirectory(dir.toString())
          .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
          .run();
    } catch (Exception e) {
      throw new IllegalStateException(
          "Cannot format Kafka data dir " + dir + ": " + e.getMessage(), e);
    }
    LOG.debug("Formatted {}: {}", dir, out.toString(StandardCharsets.UTF_8).trim());
    return clusterId;
  }

  private static String existingClusterId(Path dir, Path metaProperties) {
    Properties meta = new Properties();
    try (InputStream in = Files.newInputStream(metaProperties)) {
      meta.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + metaProperties, e);
    }
    String nodeId = meta.getProperty("node.id");
    if (!String.valueOf(NODE_ID).equals(nodeId)) {
      throw new IllegalStateException(
          dir
              + " belongs to Kafka node "
              + nodeId
              + ", not to an EmbeddedKafka (node "
              + NODE_ID
              + ")");
    }
    String id = meta.getProperty("cluster.id");
    if (id == null) {
      throw new IllegalStateException(
          metaProperties + " has no cluster.id; delete " + dir + " to start afresh");
    }
    LOG.debug("Reusing formatted Kafka data dir {} (cluster {})", dir, id);
    return id;
  }
}
