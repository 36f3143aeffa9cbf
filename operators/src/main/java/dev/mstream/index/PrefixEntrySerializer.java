package dev.mstream.index;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/** Binary form of {@link PrefixEntry}; the first byte is a format version, checked on read. */
public final class PrefixEntrySerializer extends TypeSerializerSingleton<PrefixEntry> {

  public static final PrefixEntrySerializer INSTANCE = new PrefixEntrySerializer();

  static final byte FORMAT_V1 = 1;

  private static final long serialVersionUID = 1L;

  @Override
  public boolean isImmutableType() {
    return false;
  }

  @Override
  public PrefixEntry createInstance() {
    return null;
  }

  @Override
  public PrefixEntry copy(PrefixEntry from) {
    return new PrefixEntry(
        from.namespace(),
        new HashMap<>(from.attributes()),
        from.projectionVersion(),
        from.codes().clone());
  }

  @Override
  public PrefixEntry copy(PrefixEntry from, PrefixEntry reuse) {
    return copy(from);
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(PrefixEntry e, DataOutputView out) throws IOException {
    out.writeByte(FORMAT_V1);
    StringValue.writeString(e.namespace(), out);
    out.writeLong(e.projectionVersion());
    out.writeInt(e.attributes().size());
    for (Map.Entry<String, String> a : e.attributes().entrySet()) {
      StringValue.writeString(a.getKey(), out);
      StringValue.writeString(a.getValue(), out);
    }
    out.writeInt(e.codes().length);
    out.write(e.codes());
  }

  @Override
  public PrefixEntry deserialize(DataInputView in) throws IOException {
    byte format = in.readByte();
    if (format != FORMAT_V1) {
      throw new IOException(
          "unknown PrefixEntry format version " + format + " (this build reads " + FORMAT_V1 + ")");
    }
    String namespace = StringValue.readString(in);
    long version = in.readLong();
    int n = in.readInt();
    Map<String, String> attrs = n == 0 ? Map.of() : new HashMap<>(n * 2);
    for (int i = 0; i < n; i++) {
      attrs.put(StringValue.readString(in), StringValue.readString(in));
    }
    byte[] codes = new byte[in.readInt()];
    in.readFully(codes);
    return new PrefixEntry(namespace, attrs, version, codes);
  }

  @Override
  public PrefixEntry deserialize(PrefixEntry reuse, DataInputView in) throws IOException {
    return deserialize(in);
  }

  @Override
  public void copy(DataInputView in, DataOutputView out) throws IOException {
    serialize(deserialize(in), out);
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
