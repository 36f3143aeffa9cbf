package dev.mstream.index;

import java.io.IOException;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Binary form of {@link Projection}, for operator state and for projection files written by {@code
 * fit-projection}. First byte: format version.
 */
@Internal
public final class ProjectionSerializer extends VersionedRecordSerializer<Projection> {

  public static final ProjectionSerializer INSTANCE = new ProjectionSerializer();

  static final byte FORMAT_V1 = 1;

  private static final long serialVersionUID = 1L;

  /** A projection never changes once built (its arrays stay inside this package): share it. */
  @Override
  public boolean isImmutableType() {
    return true;
  }

  @Override
  public Projection copy(Projection from) {
    return from;
  }

  @Override
  public void serialize(Projection p, DataOutputView out) throws IOException {
    out.writeByte(FORMAT_V1);
    out.writeInt(p.dimension());
    out.writeInt(p.prefixDims());
    out.writeBoolean(p.isIdentity());
    for (float f : p.rows()) {
      out.writeFloat(f);
    }
    for (float f : p.scales()) {
      out.writeFloat(f);
    }
  }

  @Override
  public Projection deserialize(DataInputView in) throws IOException {
    readFormatVersion(in, "Projection", FORMAT_V1);
    int d = in.readInt();
    int p = in.readInt();
    if (d <= 0 || p <= 0 || p > d || (long) d * p > 16L * 1024 * 1024) {
      throw new IOException("corrupt projection header: dimension " + d + ", prefix " + p);
    }
    boolean identity = in.readBoolean();
    float[] rows = new float[d * p];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = in.readFloat();
    }
    float[] scales = new float[p];
    for (int i = 0; i < p; i++) {
      scales[i] = in.readFloat();
    }
    return new Projection(d, p, rows, scales, identity);
  }

  @Override
  public TypeSerializerSnapshot<Projection> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Records the newest format written; old formats are read by each record's version byte. */
  public static final class Snapshot extends RecordFormatSnapshot<Projection> {
    public Snapshot() {
      super(() -> INSTANCE, FORMAT_V1);
    }
  }
}
