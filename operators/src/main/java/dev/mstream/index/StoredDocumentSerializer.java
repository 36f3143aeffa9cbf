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
 * Compact binary form of {@link StoredDocument} for keyed state. The first byte is a format version
 * so that state written today can still be read after the format changes; a reader rejects versions
 * it does not know instead of misreading them.
 */
public final class StoredDocumentSerializer extends VersionedRecordSerializer<StoredDocument> {

  public static final StoredDocumentSerializer INSTANCE = new StoredDocumentSerializer();

  /** Version 1: Flink StringValue strings (no 64 KiB limit), the full vector as 4-byte floats. */
  static final byte FORMAT_V1 = 1;

  private static final long serialVersionUID = 1L;

  @Override
  public StoredDocument copy(StoredDocument from) {
    return new StoredDocument(
        from.namespace(),
        new HashMap<>(from.attributes()),
        from.vector().clone(),
        from.modelId(),
        from.contentHash(),
        from.version(),
        from.eventTime());
  }

  @Override
  public void serialize(StoredDocument doc, DataOutputView out) throws IOException {
    out.writeByte(FORMAT_V1);
    StringValue.writeString(doc.namespace(), out);
    StringValue.writeString(doc.modelId(), out);
    out.writeLong(doc.contentHash());
    out.writeLong(doc.version());
    out.writeLong(doc.eventTime());
    out.writeInt(doc.attributes().size());
    for (Map.Entry<String, String> e : doc.attributes().entrySet()) {
      StringValue.writeString(e.getKey(), out);
      StringValue.writeString(e.getValue(), out);
    }
    float[] v = doc.vector();
    out.writeInt(v.length);
    for (float f : v) {
      out.writeFloat(f);
    }
  }

  @Override
  public StoredDocument deserialize(DataInputView in) throws IOException {
    readFormatVersion(in, "StoredDocument", FORMAT_V1);
    String namespace = StringValue.readString(in);
    String modelId = StringValue.readString(in);
    long contentHash = in.readLong();
    long version = in.readLong();
    long eventTime = in.readLong();
    int attrCount = in.readInt();
    Map<String, String> attrs = new HashMap<>(Math.max(4, attrCount * 2));
    for (int i = 0; i < attrCount; i++) {
      attrs.put(StringValue.readString(in), StringValue.readString(in));
    }
    float[] v = new float[in.readInt()];
    for (int i = 0; i < v.length; i++) {
      v[i] = in.readFloat();
    }
    return new StoredDocument(namespace, attrs, v, modelId, contentHash, version, eventTime);
  }

  @Override
  public TypeSerializerSnapshot<StoredDocument> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Format evolution is handled inside the serializer by the version byte. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<StoredDocument> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
