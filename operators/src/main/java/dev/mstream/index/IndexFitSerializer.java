package dev.mstream.index;

import java.io.IOException;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Binary form of {@link IndexFit}, for operator state. First byte: format version; then the
 * projection in {@link ProjectionSerializer}'s form, the encoding, the grid of packed codes and the
 * centroids (each behind a presence flag), and the fit-time statistics.
 *
 * <p>Format 2 writes the grid's segment widths before its cells; format 1 (the first inverted-file
 * build, 4-bit codes only) had none, and reads as a grid of 4-bit segments, whose code layout is
 * the same (dimension {@code i} of a 64-dim segment in the low nibble of byte {@code i % 32} when
 * below 32, else the high one).
 */
@Internal
public final class IndexFitSerializer extends VersionedRecordSerializer<IndexFit> {

  public static final IndexFitSerializer INSTANCE = new IndexFitSerializer();

  static final byte FORMAT_V1 = 1;

  /** Format 2: the grid's segment widths (2 or 4 bits) before its cells. */
  static final byte FORMAT_V2 = 2;

  /**
   * Format 3 adds the budget measured at fit time ({@link IndexFit#fittedProbes()}, {@link
   * IndexFit#fittedCandidates()}).
   */
  static final byte FORMAT_V3 = 3;

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
    out.writeByte(FORMAT_V3);
    ProjectionSerializer.INSTANCE.serialize(fit.projection(), out);
    out.writeByte(fit.encoding().ordinal());
    out.writeBoolean(fit.grid() != null);
    if (fit.grid() != null) {
      int[] bits = fit.grid().segmentBits();
      out.writeInt(bits.length);
      for (int b : bits) {
        out.writeByte(b);
      }
      writeFloats(fit.grid().lo(), out);
      writeFloats(fit.grid().step(), out);
    }
    out.writeBoolean(fit.centroids() != null);
    if (fit.centroids() != null) {
      out.writeInt(fit.centroids().dims());
      writeFloats(fit.centroids().coordinates(), out);
    }
    out.writeLong(fit.fittedOn());
    out.writeFloat(fit.captured());
    out.writeFloat(fit.meanDistance());
    out.writeInt(fit.fittedProbes());
    out.writeInt(fit.fittedCandidates());
  }

  @Override
  public IndexFit deserialize(DataInputView in) throws IOException {
    byte format = readFormatVersion(in, "IndexFit", FORMAT_V1, FORMAT_V3);
    Projection projection = ProjectionSerializer.INSTANCE.deserialize(in);
    int ordinal = in.readByte();
    if (ordinal < 0 || ordinal >= PrefixEncoding.values().length) {
      throw new IOException("unknown prefix encoding " + ordinal + " in a stored fit");
    }
    PrefixEncoding encoding = PrefixEncoding.values()[ordinal];
    ScalarQuantizer grid = null;
    if (in.readBoolean()) {
      int[] bits = null;
      if (format >= FORMAT_V2) {
        int segments = in.readInt();
        if (segments < 0 || segments > 1 << 16) {
          throw new IOException("corrupt stored fit: " + segments + " segments");
        }
        bits = new int[segments];
        for (int s = 0; s < segments; s++) {
          bits[s] = in.readByte();
        }
      }
      try {
        float[] lo = readFloats(in);
        float[] step = readFloats(in);
        if (bits == null) {
          bits = ScalarQuantizer.segmentsFor(new int[] {4}, lo.length);
        }
        grid = new ScalarQuantizer(bits, lo, step);
      } catch (IllegalArgumentException e) {
        throw new IOException("corrupt stored fit: " + e.getMessage(), e);
      }
    }
    Centroids centroids = null;
    if (in.readBoolean()) {
      int dims = in.readInt();
      centroids = new Centroids(dims, readFloats(in));
    }
    long fittedOn = in.readLong();
    float captured = in.readFloat();
    float distance = in.readFloat();
    int fittedProbes = format >= FORMAT_V3 ? in.readInt() : 0;
    int fittedCandidates = format >= FORMAT_V3 ? in.readInt() : 0;
    try {
      return new IndexFit(
          projection,
          encoding,
          grid,
          centroids,
          fittedOn,
          captured,
          distance,
          fittedProbes,
          fittedCandidates);
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

  /** Records the newest format written; old formats are read by each record's version byte. */
  public static final class Snapshot extends RecordFormatSnapshot<IndexFit> {
    public Snapshot() {
      super(() -> INSTANCE, FORMAT_V3);
    }
  }
}
