package dev.mstream.jobs.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exclusive use of a data directory, by this JVM and across processes, for an instance's lifetime.
 *
 * <p>Kafka's own {@code .lock} is not enough: in combined mode the controller opens the metadata
 * log before the broker's log manager takes that lock (KafkaRaftManager only locks a metadata
 * directory that is not also a log directory), so a second node on the same directory would append
 * to a running node's metadata log before failing. A separate file, because locking {@code .lock}
 * ourselves would make Kafka's own attempt fail in this JVM.
 */
final class DirLock {

  private static final Logger LOG = LoggerFactory.getLogger(DirLock.class);

  static final String LOCK_FILE = "embedded-kafka.lock";

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private DirLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  static DirLock acquire(Path dir) {
    Path file = dir.resolve(LOCK_FILE);
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open " + file, e);
    }
    FileLock lock = null;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException sameJvm) {
      // lock stays null: another EmbeddedKafka in this JVM holds it
    } catch (IOException e) {
      closeQuietly(channel);
      throw new UncheckedIOException("Cannot lock " + file, e);
    }
    if (lock == null) {
      closeQuietly(channel);
      throw new IllegalStateException(
          "Kafka data dir "
              + dir
              + " is in use by another embedded Kafka ("
              + file
              + " is locked)");
    }
    return new DirLock(file, channel, lock);
  }

  void release() {
    try {
      lock.release();
    } catch (IOException e) {
      LOG.debug("Could not release {}", file, e);
    }
    closeQuietly(channel);
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      LOG.debug("Could not close lock file channel", e);
    }
  }
}
