package dev.mstream.jobs.local;

import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts and stops a KafkaRaftServer inside this JVM without letting its start-up kill the JVM.
 *
 * <p>Kafka treats any exception in the controller's start-up (e.g. its port taken, or
 * server.max.startup.time.ms exceeded) as a fatal fault and calls {@code Exit.halt(1)}, which in an
 * embedded broker would kill the whole JVM (the demo runner, or a surefire fork without a word).
 * For the start-up window we replace Kafka's halt/exit procedures with ones that only record the
 * request; Kafka's fault handler then returns and its own start-up code cleans up and throws.
 * Afterwards Kafka's defaults are restored: a fatal fault in a running broker still halts the JVM,
 * as it would for a real broker.
 */
final class KraftLauncher {

  private static final Logger LOG = LoggerFactory.getLogger(KraftLauncher.class);

  /**
   * Serialises the start-up window of all instances in this JVM: Kafka's Exit procedures are
   * JVM-global, and we swap them while a server starts.
   */
  private static final Object START_LOCK = new Object();

  private KraftLauncher() {}

  /**
   * Constructs and starts the server. On failure everything it started is shut down again and a
   * {@link StartFailure} is thrown.
   */
  static KafkaRaftServer start(Properties props) throws StartFailure {
    AtomicReference<String> fatal = new AtomicReference<>();
    Exit.Procedure record =
        (code, message) ->
            fatal.compareAndSet(
                null,
                "Kafka requested JVM termination (status "
                    + code
                    + (message == null ? "" : ", " + message)
                    + ")");
    KafkaRaftServer server = null;
    Throwable failure = null;
    synchronized (START_LOCK) {
      Exit.setHaltProcedure(record);
      Exit.setExitProcedure(record);
      try {
        server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
        server.startup();
      } catch (Throwable t) {
        failure = t;
      } finally {
        // Not Exit.reset*Procedure(): those install test stubs that throw instead of Kafka's
        // real defaults, which are these two.
        Exit.setHaltProcedure((code, message) -> Runtime.getRuntime().halt(code));
        Exit.setExitProcedure((code, message) -> System.exit(code));
      }
    }
    if (failure == null && fatal.get() == null) {
      return server;
    }
    if (server != null) {
      shutdownQuietly(server);
    }
    if (failure instanceof Error && !(failure instanceof LinkageError)) {
      throw (Error) failure;
    }
    Throwable cause = failure != null ? failure : new IllegalStateException(fatal.get());
    throw new StartFailure(describe(cause), cause, LoopbackPorts.isBindFailure(cause));
  }

  static void shutdownQuietly(KafkaRaftServer server) {
    try {
      // shutdown() only initiates for some components; awaitShutdown() is what guarantees the
      // ports are released and the data directory is no longer written to.
      server.shutdown();
      server.awaitShutdown();
    } catch (Throwable t) {
      LOG.warn("Error while shutting down embedded Kafka", t);
    }
  }

  /**
   * The cause chain on one line: Kafka's start-up failures are wrapped several times and the useful
   * message is often the innermost one.
   */
  private static String describe(Throwable t) {
    StringBuilder sb = new StringBuilder();
    for (Throwable c = t;
        c != null && sb.length() < 500;
        c = c.getCause() == c ? null : c.getCause()) {
      if (sb.length() > 0) {
        sb.append(" <- ");
      }
      sb.append(c.getClass().getSimpleName());
      if (c.getMessage() != null) {
        sb.append(": ").append(c.getMessage());
      }
    }
    return sb.toString();
  }

  /** Start-up failed and everything was shut down again. */
  static final class StartFailure extends Exception {
    private static final long serialVersionUID = 1L;
    final boolean bindFailure;

    StartFailure(String message, Throwable cause, boolean bindFailure) {
      super(message, cause);
      this.bindFailure = bindFailure;
    }
  }
}
