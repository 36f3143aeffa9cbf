package dev.mstream.index;

import java.io.IOException;
import java.util.function.Supplier;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Snapshot of a {@link VersionedRecordSerializer}: records the newest record format the writing
 * build wrote, so that restoring decides compatibility the way Flink expects, before any record is
 * read.
 *
 * <ul>
 *   <li>State written by this or an earlier build is <em>compatible as is</em>: every record starts
 *       with its own format byte and the serializer reads all formats up to its newest, so RocksDB
 *       keeps its bytes and a record is rewritten in the newest format when it is next updated.
 *       (Migration would rewrite all state on restore, for nothing.)
 *   <li>State written by a newer build (a format this build does not know) is
 *       <em>incompatible</em>: the job fails on restore, naming the serializer, rather than on the
 *       first record it reads.
 * </ul>
 *
 * <p>Snapshot version 4 carries the format byte. Versions 1 to 3 are {@code
 * SimpleTypeSerializerSnapshot}'s, which every serializer used before (no payload at version 3):
 * such a snapshot's state was written in formats this build reads. Subclasses keep their class
 * names ({@code ...Serializer$Snapshot}), which savepoints store.
 */
@Internal
abstract class RecordFormatSnapshot<T> implements TypeSerializerSnapshot<T> {

  /** The first version with a payload: the newest record format written. */
  static final int WITH_FORMAT = 4;

  /** Read from a snapshot of version 3 or older: formats this build reads, which one unknown. */
  static final byte EARLIER = 0;

  private final Supplier<? extends TypeSerializer<T>> serializer;
  private byte newestFormat;

  RecordFormatSnapshot(Supplier<? extends TypeSerializer<T>> serializer, byte newestFormat) {
    this.serializer = serializer;
    this.newestFormat = newestFormat;
  }

  /** The newest record format of the state this snapshot describes. */
  byte newestFormat() {
    return newestFormat;
  }

  @Override
  public int getCurrentVersion() {
    return WITH_FORMAT;
  }

  @Override
  public void writeSnapshot(DataOutputView out) throws IOException {
    out.writeByte(newestFormat);
  }

  @Override
  public void readSnapshot(int readVersion, DataInputView in, ClassLoader classLoader)
      throws IOException {
    if (readVersion >= WITH_FORMAT) {
      newestFormat = in.readByte();
    } else if (readVersion == 3) {
      newestFormat = EARLIER;
    } else {
      throw new IOException(
          getClass().getName() + " snapshot version " + readVersion + " was never written");
    }
  }

  @Override
  public TypeSerializer<T> restoreSerializer() {
    return serializer.get();
  }

  @Override
  public TypeSerializerSchemaCompatibility<T> resolveSchemaCompatibility(
      TypeSerializerSnapshot<T> oldSnapshot) {
    if (oldSnapshot.getClass() != getClass()) {
      return TypeSerializerSchemaCompatibility.incompatible();
    }
    byte written = ((RecordFormatSnapshot<T>) oldSnapshot).newestFormat;
    return written <= newestFormat
        ? TypeSerializerSchemaCompatibility.compatibleAsIs()
        : TypeSerializerSchemaCompatibility.incompatible();
  }
}
