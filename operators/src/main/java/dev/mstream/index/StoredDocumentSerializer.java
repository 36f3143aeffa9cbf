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
 * Compact binary form of {@link StoredDocument} for keyed state. The first byte is a format version
 * so that state written today can still be read after the format changes; a reader rejects versions
 * it does not know instead of misreading them.
 *
 * <p>Version 2 (chunks) is version 1 followed by the vectors of chunks 2..n and the chunk ranges;
 * this build writes version 2 and reads both, so state written before chunking restores as
 * documents of one chunk whose offsets are unknown.
 */
@Internal
public final class StoredDocumentSerializer extends VersionedRecordSerializer<StoredDocument> {

  public static final StoredDocumentSerializer INSTANCE = new StoredDocumentSerializer();

  /** Version 1: Flink StringValue strings (no 64 KiB limit), the full vector as 4-byte floats. */
  static final byte FORMAT_V1 = 1;

  /**
   * Version 2: version 1's fields, then the number of further chunks and their vectors (each of the
   * first vector's length), then whether chunk ranges follow and, if so, two ints per chunk.
   */
  static final byte FORMAT_V2 = 2;

  private static final long serialVersionUID = 1L;

  @Override
  public StoredDocument copy(StoredDocument from) {
    float[][] vectors = new float[from.chunkCount()][];
    for (int i = 0; i < vectors.length; i++) {
      vectors[i] = from.chunkVectors()[i].clone();
    }
    return StoredDocument.chunked(
        from.namespace(),
        new HashMap<>(from.attributes()),
        vectors,
        from.chunkRanges() == null ? null : from.chunkRanges().clone(),
        from.modelId(),
        from.contentHash(),
        from.version(),
        from.eventTime());
  }

  @Override
  public void serialize(StoredDocument doc, DataOutputView out) throws IOException {
    out.writeByte(FORMAT_V2);
    StringValue.writeString(doc.namespace(), out);
    StringValue.writeString(doc.modelId(), out);
    out.writeLong(doc.contentHash());
    out.writeLong(doc.version());
    out.writeLong(doc.eventTime());
    AttributeMaps.write(doc.attributes(), out);
    float[] v = doc.vector();
    out.writeInt(v.length);
    writeFloats(v, out);
    // version 2
    out.writeInt(doc.chunkCount() - 1);
    for (int i = 1; i < doc.chunkCount(); i++) {
      float[] chunk = doc.chunkVectors()[i];
      if (chunk.length != v.length) {
        throw new IOException(
            "chunk " + i + " has " + chunk.length + " dimensions, the first has " + v.length);
      }
      writeFloats(chunk, out);
    }
    int[] ranges = doc.chunkRanges();
    out.writeBoolean(ranges != null);
    if (ranges != null) {
      for (int r : ranges) {
        out.writeInt(r);
      }
    }
  }

  private static void writeFloats(float[] v, DataOutputView out) throws IOException {
    for (float f : v) {
      out.writeFloat(f);
    }
  }

  private static float[] readFloats(int n, DataInputView in) throws IOException {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = in.readFloat();
    }
    return v;
  }

  @Override
  public StoredDocument deserialize(DataInputView in) throws IOException {
    byte format = readFormatVersion(in, "StoredDocument", FORMAT_V1, FORMAT_V2);
    String namespace = StringValue.readString(in);
    String modelId = StringValue.readString(in);
    long contentHash = in.readLong();
    long version = in.readLong();
    long eventTime = in.readLong();
    Map<String, String> attrs = AttributeMaps.read(in);
    float[] v = readFloats(in.readInt(), in);
    if (format == FORMAT_V1) {
      return new StoredDocument(namespace, attrs, v, modelId, contentHash, version, eventTime);
    }
    int more = in.readInt();
    if (more < 0) {
      throw new IOException("StoredDocument with " + more + " further chunks");
    }
    float[][] vectors = new float[more + 1][];
    vectors[0] = v;
    for (int i = 1; i < vectors.length; i++) {
      vectors[i] = readFloats(v.length, in);
    }
    int[] ranges = null;
    if (in.readBoolean()) {
      ranges = new int[2 * vectors.length];
      for (int i = 0; i < ranges.length; i++) {
        ranges[i] = in.readInt();
      }
    }
    return StoredDocument.chunked(
        namespace, attrs, vectors, ranges, modelId, contentHash, version, eventTime);
  }

  @Override
  public TypeSerializerSnapshot<StoredDocument> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Records the newest format written; old formats are read by each record's version byte. */
  public static final class Snapshot extends RecordFormatSnapshot<StoredDocument> {
    public Snapshot() {
      super(() -> INSTANCE, FORMAT_V2);
    }
  }
}
