package dev.mstream.index;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Base of the index's hand-written serializers: stateless singletons for record types that are
 * never reused (copy and deserialize always build a new object), whose binary form has a variable
 * length and starts with a format version byte.
 *
 * <p>Records of every format up to the newest are read by that byte; each subclass's {@code
 * Snapshot} (a {@link RecordFormatSnapshot}) records the newest format written, so that a restore
 * of state from a newer build fails as incompatible before a record is read. The snapshot classes'
 * names are written into savepoints and so must not move. No instance fields here either: the
 * singletons are Java-serialized with the job graph.
 */
abstract class VersionedRecordSerializer<T> extends TypeSerializerSingleton<T> {

  private static final long serialVersionUID = 1L;

  @Override
  public boolean isImmutableType() {
    return false;
  }

  @Override
  public T createInstance() {
    return null;
  }

  @Override
  public T copy(T from, T reuse) {
    return copy(from);
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public T deserialize(T reuse, DataInputView in) throws IOException {
    return deserialize(in);
  }

  @Override
  public void copy(DataInputView in, DataOutputView out) throws IOException {
    serialize(deserialize(in), out);
  }

  /**
   * Reads the format version byte and rejects any other than {@code expected}: a version this build
   * does not know would otherwise be misread as data.
   */
  static void readFormatVersion(DataInputView in, String type, byte expected) throws IOException {
    readFormatVersion(in, type, expected, expected);
  }

  /**
   * Reads the format version byte and returns it if it lies in {@code [oldest, newest]}, the
   * versions this build reads; rejects any other.
   */
  static byte readFormatVersion(DataInputView in, String type, byte oldest, byte newest)
      throws IOException {
    byte format = in.readByte();
    if (format < oldest || format > newest) {
      throw new IOException(
          "unknown "
              + type
              + " format version "
              + format
              + " (this build reads "
              + (oldest == newest ? oldest : oldest + " to " + newest)
              + ")");
    }
    return format;
  }
}
