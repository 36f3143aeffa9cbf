package dev.mstream.jobs.local;

import static dev.mstream.jobs.local.LoopbackPorts.HOST;

import java.nio.file.Path;
import java.util.Properties;

/**
 * The broker configuration of an {@link EmbeddedKafka}: one KRaft node in combined mode on the
 * loopback address, sized for a single machine.
 */
final class BrokerConfig {

  static final int NODE_ID = 1;
  static final String CONTROLLER_LISTENER = "CONTROLLER";
  static final String BROKER_LISTENER = "PLAINTEXT";

  private BrokerConfig() {}

  /**
   * @param startupMillis budget left for KafkaRaftServer.startup()
   */
  static Properties properties(
      Path dir, int brokerPort, int controllerPort, long startupMillis, int partitions) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", String.valueOf(NODE_ID));
    // Static quorum (kraft.version 0): the voter's address lives only in this config, not
    // in the metadata log, so a restart on a fixed data dir may use a different controller port.
    p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
    p.put(
        "listeners",
        BROKER_LISTENER
            + "://"
            + HOST
            + ":"
            + brokerPort
            + ","
            + CONTROLLER_LISTENER
            + "://"
            + HOST
            + ":"
            + controllerPort);
    p.put("advertised.listeners", BROKER_LISTENER + "://" + HOST + ":" + brokerPort);
    p.put("controller.listener.names", CONTROLLER_LISTENER);
    p.put(
        "listener.security.protocol.map",
        CONTROLLER_LISTENER + ":PLAINTEXT," + BROKER_LISTENER + ":PLAINTEXT");
    p.put("inter.broker.listener.name", BROKER_LISTENER);
    p.put("log.dirs", dir.toString());
    // Makes KafkaRaftServer.startup() itself give up (instead of waiting forever) if the
    // node cannot catch up with its own quorum, e.g. on a damaged fixed data dir.
    p.put("server.max.startup.time.ms", String.valueOf(Math.max(1, startupMillis)));

    // One node: every internal topic must be satisfiable with a single replica, or the
    // first consumer group / transactional producer / share group hangs waiting for it.
    p.put("offsets.topic.replication.factor", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    // The internal topics default to 50 partitions each; creating them delays the first
    // consumer group and the first transaction by about 0.7 s each, for nothing on one node.
    p.put("offsets.topic.num.partitions", "1");
    p.put("transaction.state.log.num.partitions", "1");
    p.put("share.coordinator.state.topic.num.partitions", "1");
    // The cleaner pre-allocates its whole dedupe buffer on the heap (128 MiB by default) at
    // start-up; the compacted internal topics here are tiny. Must stay > 1 MiB per thread.
    p.put("log.cleaner.dedupe.buffer.size", String.valueOf(8L * 1024 * 1024));

    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("num.partitions", String.valueOf(partitions));
    p.put("auto.create.topics.enable", "false");
    p.put(
        "transaction.max.timeout.ms",
        String.valueOf(EmbeddedKafka.TRANSACTION_MAX_TIMEOUT.toMillis()));
    return p;
  }
}
