package dev.mstream.jobs.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Arrays;

/**
 * Port choice and checks on the loopback address that everything {@code local} opens listens on.
 */
public final class LoopbackPorts {

  /** Everything embedded listens here only, so nothing is exposed beyond this machine. */
  static final String HOST = "127.0.0.1";

  private LoopbackPorts() {}

  /**
   * A free port on {@link #HOST} at the time of the call; not reserved, hence the retry on bind
   * failure in the caller.
   */
  public static int freePort(int... avoid) {
    for (int i = 0; i < 10; i++) {
      try (ServerSocket socket = new ServerSocket()) {
        socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
        int port = socket.getLocalPort();
        if (Arrays.stream(avoid).noneMatch(a -> a == port)) {
          return port;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot find a free port on " + HOST, e);
      }
    }
    throw new IllegalStateException("Cannot find a free port on " + HOST);
  }

  /**
   * Fails fast with a clear message instead of a bind error buried in a component's start-up log
   * (Kafka's), or only logged (Flink's metric reporters).
   *
   * @param purpose what the port is for, for the message (e.g. "embedded Kafka")
   */
  static int requireFree(int port, String purpose) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
      return port;
    } catch (IOException e) {
      throw new IllegalStateException(
          "Port "
              + HOST
              + ":"
              + port
              + " for "
              + purpose
              + " is not free (choose another one): "
              + e.getMessage(),
          e);
    }
  }

  /**
   * Whether {@code t} or one of its causes is a failure to bind a listener. Kafka wraps the
   * BindException in its own exceptions, sometimes only keeping the message.
   */
  static boolean isBindFailure(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof BindException
          || (c.getMessage() != null && c.getMessage().contains("failed to bind"))) {
        return true;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return false;
  }
}
