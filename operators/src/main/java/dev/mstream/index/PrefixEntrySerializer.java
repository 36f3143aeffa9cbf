package dev.mstream.index;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * Binary form of {@link PrefixEntry}; the first byte is a format version, checked on read. Version
 * 2 appends the list; version 1 entries (written before lists existed) read with list -1.
 */
public final class PrefixEntrySerializer extends VersionedRecordSerializer<PrefixEntry> {

  public static final PrefixEntrySerializer INSTANCE = new PrefixEntrySerializer();

  static final byte FORMAT_V1 = 1;
  static final byte FORMAT_V2 = 2;

  private static final long serialVersionUID = 1L;

  @Override
  public PrefixEntry copy(PrefixEntry from) {
    return new PrefixEntry(
        from.namespace(),
        new HashMap<>(from.attributes()),
        from.projectionVersion(),
        from.codes().clone(),
        from.list());
  }

  @Override
  public void serialize(PrefixEntry e, DataOutputView out) throws IOException {
    out.writeByte(FORMAT_V2);
    StringValue.writeString(e.namespace(), out);
    out.writeLong(e.projectionVersion());
    out.writeInt(e.attributes().size());
    for (Map.Entry<String, String> a : e.attributes().entrySet()) {
      StringValue.writeString(a.getKey(), out);
      StringValue.writeString(a.getValue(), out);
    }
    out.writeInt(e.codes().length);
    out.write(e.codes());
    out.writeInt(e.list());
  }

  @Override
  public PrefixEntry deserialize(DataInputView in) throws IOException {
    byte format = readFormatVersion(in, "PrefixEntry", FORMAT_V1, FORMAT_V2);
    String namespace = StringValue.readString(in);
    long version = in.readLong();
    int n = in.readInt();
    Map<String, String> attrs = n == 0 ? Map.of() : new HashMap<>(n * 2);
    for (int i = 0; i < n; i++) {
      attrs.put(StringValue.readString(in), StringValue.readString(in));
    }
    byte[] codes = new byte[in.readInt()];
    in.readFully(codes);
    int list = format >= FORMAT_V2 ? in.readInt() : -1;
    return new PrefixEntry(namespace, attrs, version, codes, list);
  }

  @Override
  public TypeSerializerSnapshot<PrefixEntry> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Format evolution is handled by the version byte. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<PrefixEntry> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
