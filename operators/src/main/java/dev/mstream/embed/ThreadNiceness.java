package dev.mstream.embed;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lowers the CPU priority of the calling thread by raising its nice value. On Linux nice values
 * belong to threads ({@code setpriority(2)} with a thread id), and threads started afterwards
 * inherit them — ONNX Runtime's intra-op threads among them. Any thread may raise its own nice
 * value; no privilege is needed. On other platforms, or when the C library cannot be called, it
 * changes nothing and logs why.
 *
 * <p>Why: during a bulk load the document embedders keep every core busy; at equal priority a
 * query's embedding, its index lookups and Kafka's threads get only their share of the run queue,
 * so queries queue up behind documents. At a higher nice value document embedding still uses all
 * the CPU nobody else wants, and yields it at once when a query needs it.
 */
public final class ThreadNiceness {

  private static final Logger LOG = LoggerFactory.getLogger(ThreadNiceness.class);

  /** The largest nice value (lowest priority) Linux has. */
  static final int MAX_NICE = 19;

  private static final int PRIO_PROCESS = 0;

  /** The two calls of the C library this needs. */
  interface CLibrary extends Library {
    int getpriority(int which, int who) throws LastErrorException;

    int setpriority(int which, int who, int prio) throws LastErrorException;
  }

  private ThreadNiceness() {}

  /**
   * Raises the calling thread's nice value by {@code by} (at most to 19).
   *
   * @return the thread's nice value afterwards, or empty where it could not be changed
   */
  public static OptionalInt lowerCurrentThread(int by) {
    if (by < 0) {
      throw new IllegalArgumentException("niceness increment must be >= 0, was " + by);
    }
    if (by == 0) {
      return OptionalInt.empty();
    }
    if (!Platform.isLinux()) {
      LOG.info("Thread priorities are left alone: per-thread nice values are Linux only");
      return OptionalInt.empty();
    }
    try {
      int tid = currentThreadId();
      CLibrary c = Native.load("c", CLibrary.class);
      int now = c.getpriority(PRIO_PROCESS, tid);
      int target = Math.min(MAX_NICE, now + by);
      c.setpriority(PRIO_PROCESS, tid, target);
      return OptionalInt.of(target);
    } catch (IOException | RuntimeException | LinkageError e) {
      LOG.warn(
          "Could not lower the priority of thread '{}': {}",
          Thread.currentThread().getName(),
          e.toString());
      return OptionalInt.empty();
    }
  }

  /**
   * The kernel's id of the calling thread: {@code /proc/thread-self} links to {@code
   * <pid>/task/<tid>}.
   */
  static int currentThreadId() throws IOException {
    return Integer.parseInt(
        Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString());
  }

  /** The nice value of the calling thread, from {@code /proc/thread-self/stat} (field 19). */
  static int currentNice() throws IOException {
    String stat = Files.readString(Path.of("/proc/thread-self/stat"));
    // the command name (field 2) is in parentheses and may hold spaces
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    return Integer.parseInt(fields[16]); // field 19 overall; fields[0] is field 3
  }
}
