package dev.mstream.index;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Binary form of {@link IndexFit}, for operator state. First byte: format version; then the
 * projection in {@link ProjectionSerializer}'s form, the encoding, the 4-bit grid and the centroids
 * (each behind a presence flag), and the fit-time statistics.
 */
public final class IndexFitSerializer extends VersionedRecordSerializer<IndexFit> {

  public static final IndexFitSerializer INSTANCE = new IndexFitSerializer();

  static final byte FORMAT_V1 = 1;

  private static final long serialVersionUID = 1L;

  /** Fits never change once built: share them. */
  @Override
  public boolean isImmutableType() {
    return true;
  }

  @Override
  public IndexFit copy(IndexFit from) {
    return from;
  }

  @Override
  public void serialize(IndexFit fit, DataOutputView out) throws IOException {
    out.writeByte(FORMAT_V1);
    ProjectionSerializer.INSTANCE.serialize(fit.projection(), out);
    out.writeByte(fit.encoding().ordinal());
    out.writeBoolean(fit.int4() != null);
    if (fit.int4() != null) {
      writeFloats(fit.int4().lo(), out);
      writeFloats(fit.int4().step(), out);
    }
    out.writeBoolean(fit.centroids() != null);
    if (fit.centroids() != null) {
      out.writeInt(fit.centroids().dims());
      writeFloats(fit.centroids().coordinates(), out);
    }
    out.writeLong(fit.fittedOn());
    out.writeFloat(fit.captured());
    out.writeFloat(fit.meanDistance());
  }

  @Override
  public IndexFit deserialize(DataInputView in) throws IOException {
    readFormatVersion(in, "IndexFit", FORMAT_V1);
    Projection projection = ProjectionSerializer.INSTANCE.deserialize(in);
    int ordinal = in.readByte();
    if (ordinal < 0 || ordinal >= PrefixEncoding.values().length) {
      throw new IOException("unknown prefix encoding " + ordinal + " in a stored fit");
    }
    PrefixEncoding encoding = PrefixEncoding.values()[ordinal];
    Int4Quantizer int4 = null;
    if (in.readBoolean()) {
      int4 = new Int4Quantizer(readFloats(in), readFloats(in));
    }
    Centroids centroids = null;
    if (in.readBoolean()) {
      int dims = in.readInt();
      centroids = new Centroids(dims, readFloats(in));
    }
    long fittedOn = in.readLong();
    float captured = in.readFloat();
    float distance = in.readFloat();
    try {
      return new IndexFit(projection, encoding, int4, centroids, fittedOn, captured, distance);
    } catch (IllegalArgumentException e) {
      throw new IOException("corrupt stored fit: " + e.getMessage(), e);
    }
  }

  private static void writeFloats(float[] values, DataOutputView out) throws IOException {
    out.writeInt(values.length);
    for (float f : values) {
      out.writeFloat(f);
    }
  }

  private static float[] readFloats(DataInputView in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > 64 * 1024 * 1024) {
      throw new IOException("corrupt stored fit: array of " + n + " floats");
    }
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = in.readFloat();
    }
    return values;
  }

  @Override
  public TypeSerializerSnapshot<IndexFit> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Format evolution is handled by the version byte. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<IndexFit> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
