package dev.mstream.index;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * Binary form of {@link PrefixEntry}; the first byte is a format version, checked on read.
 *
 * <ul>
 *   <li>3: the codes of all chunks, then the number of lists and one list per chunk.
 *   <li>2 (inverted files before chunking): one code and one list; read as an entry of one chunk
 *       with that list (none when it was -1).
 *   <li>1 (before lists existed; also chunked entries before lists: codes of all chunks one after
 *       another): read with no lists, recomputed from the codes.
 * </ul>
 */
@Internal
public final class PrefixEntrySerializer extends VersionedRecordSerializer<PrefixEntry> {

  public static final PrefixEntrySerializer INSTANCE = new PrefixEntrySerializer();

  static final byte FORMAT_V1 = 1;
  static final byte FORMAT_V2 = 2;
  static final byte FORMAT_V3 = 3;

  private static final long serialVersionUID = 1L;

  @Override
  public PrefixEntry copy(PrefixEntry from) {
    return new PrefixEntry(
        from.namespace(),
        new HashMap<>(from.attributes()),
        from.projectionVersion(),
        from.codes().clone(),
        from.lists().clone());
  }

  @Override
  public void serialize(PrefixEntry e, DataOutputView out) throws IOException {
    out.writeByte(FORMAT_V3);
    StringValue.writeString(e.namespace(), out);
    out.writeLong(e.projectionVersion());
    AttributeMaps.write(e.attributes(), out);
    out.writeInt(e.codes().length);
    out.write(e.codes());
    out.writeInt(e.lists().length);
    for (int list : e.lists()) {
      out.writeInt(list);
    }
  }

  @Override
  public PrefixEntry deserialize(DataInputView in) throws IOException {
    byte format = readFormatVersion(in, "PrefixEntry", FORMAT_V1, FORMAT_V3);
    String namespace = StringValue.readString(in);
    long version = in.readLong();
    Map<String, String> attrs = AttributeMaps.read(in);
    byte[] codes = new byte[in.readInt()];
    in.readFully(codes);
    int[] lists = PrefixEntry.NO_LISTS;
    if (format == FORMAT_V2) {
      int list = in.readInt();
      lists = list < 0 ? PrefixEntry.NO_LISTS : new int[] {list};
    } else if (format >= FORMAT_V3) {
      int count = in.readInt();
      if (count < 0 || count > codes.length) {
        throw new IOException(
            "PrefixEntry of " + codes.length + " bytes of codes names " + count + " lists");
      }
      lists = count == 0 ? PrefixEntry.NO_LISTS : new int[count];
      for (int i = 0; i < count; i++) {
        lists[i] = in.readInt();
      }
    }
    return new PrefixEntry(namespace, attrs, version, codes, lists);
  }

  @Override
  public TypeSerializerSnapshot<PrefixEntry> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Records the newest format written; old formats are read by each record's version byte. */
  public static final class Snapshot extends RecordFormatSnapshot<PrefixEntry> {
    public Snapshot() {
      super(() -> INSTANCE, FORMAT_V3);
    }
  }
}
