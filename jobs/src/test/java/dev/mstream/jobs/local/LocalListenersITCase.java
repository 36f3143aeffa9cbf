package dev.mstream.jobs.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mstream.jobs.MStreamOptions;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code local} opens: every socket it listens on is bound to the loopback address (the
 * broker, the web UI, the blob server, the task manager, the Prometheus endpoint), read from the
 * kernel's table of this process's listening sockets, not from what the code asks for; and a start
 * whose job does not come up leaves nothing listening.
 */
class LocalListenersITCase {

  @TempDir Path dir;

  @Test
  void everythingLocalListensOnIsLoopbackOnly() throws Exception {
    assumeTrue(Files.isReadable(Path.of("/proc/net/tcp")), "no /proc/net/tcp (not Linux)");
    Set<Listener> before = listeners();
    int metricsPort = LoopbackPorts.freePort();
    try (LocalRunner runner =
        LocalRunner.start(options(), 0, 0, metricsPort, 1, dir.resolve("work"))) {
      List<Listener> opened = new ArrayList<>(listeners());
      opened.removeAll(before);
      // broker + controller, REST, blob server, Prometheus at the least
      assertThat(opened).hasSizeGreaterThanOrEqualTo(5);
      assertThat(opened)
          .as("sockets %s opened: every one on the loopback address", opened)
          .allMatch(Listener::loopback);
      assertThat(opened).extracting(Listener::port).contains(metricsPort);
      // and the endpoint serves Flink's metrics
      HttpURLConnection c =
          (HttpURLConnection) URI.create(runner.metricsUrl()).toURL().openConnection();
      assertThat(new String(c.getInputStream().readAllBytes()))
          .contains("flink_jobmanager_numRegisteredTaskManagers");
    }
  }

  @Test
  void aJobThatDoesNotComeUpIsCancelledAndNothingKeepsListening() throws Exception {
    assumeTrue(Files.isReadable(Path.of("/proc/net/tcp")), "no /proc/net/tcp (not Linux)");
    Set<Listener> before = listeners();
    // A zero wait: the job is submitted, then the wait for it to run has already timed out.
    assertThatThrownBy(
            () -> {
              try (LocalRunner unexpected =
                  LocalRunner.start(
                      options(), 0, 0, 0, 1, dir.resolve("work"), java.time.Duration.ZERO)) {
                // closed at once if it did start
              }
            })
        .hasMessageContaining("job not running after");
    // The MiniCluster shuts itself down once its job has ended; give it a moment to close.
    List<Listener> left = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      left = new ArrayList<>(listeners());
      left.removeAll(before);
      if (left.isEmpty()) {
        break;
      }
      Thread.sleep(100);
    }
    assertThat(left).as("still listening 30 s after the failed start").isEmpty();
  }

  private static Configuration options() {
    Configuration c = new Configuration();
    c.set(MStreamOptions.FIT_SAMPLE, 10);
    return c;
  }

  /** A listening TCP socket of this process. */
  record Listener(String address, int port) {
    boolean loopback() {
      return address.startsWith("127.") || address.equals("::1");
    }
  }

  /** This process's listening sockets, from /proc/net/tcp{,6} and the inodes of /proc/self/fd. */
  static Set<Listener> listeners() throws IOException {
    Set<String> inodes = new java.util.HashSet<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring(8, target.length() - 1));
          }
        } catch (IOException gone) {
          // closed meanwhile
        }
      }
    }
    Set<Listener> out = new TreeSet<>((a, b) -> (a.address + a.port).compareTo(b.address + b.port));
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path file = Path.of(table);
      if (!Files.isReadable(file)) {
        continue;
      }
      List<String> lines = Files.readAllLines(file);
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split("\\s+");
        // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
        if (!f[3].equals("0A") || !inodes.contains(f[9])) {
          continue; // 0A: LISTEN
        }
        String[] local = f[1].split(":");
        out.add(new Listener(address(local[0]), Integer.parseInt(local[1], 16)));
      }
    }
    return out;
  }

  /** /proc/net's hex address: IPv4 as one little-endian word, IPv6 as four. */
  private static String address(String hex) {
    if (hex.length() == 8) {
      long v = Long.parseLong(hex, 16);
      return (v & 0xFF) + "." + ((v >> 8) & 0xFF) + "." + ((v >> 16) & 0xFF) + "." + (v >> 24);
    }
    StringBuilder bytes = new StringBuilder();
    for (int word = 0; word < 4; word++) {
      String w = hex.substring(word * 8, word * 8 + 8);
      for (int b = 3; b >= 0; b--) {
        bytes.append(w, b * 2, b * 2 + 2);
      }
    }
    String b = bytes.toString().toLowerCase(java.util.Locale.ROOT);
    Map<String, String> known = new HashMap<>();
    known.put("00000000000000000000000000000000", "::");
    known.put("00000000000000000000000000000001", "::1");
    if (known.containsKey(b)) {
      return known.get(b);
    }
    if (b.startsWith("00000000000000000000ffff")) { // IPv4-mapped
      return address(
          b.substring(30, 32) + b.substring(28, 30) + b.substring(26, 28) + b.substring(24, 26));
    }
    return b;
  }
}
