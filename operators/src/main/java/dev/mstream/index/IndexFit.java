package dev.mstream.index;

import static org.apache.flink.util.Preconditions.checkArgument;

import java.util.Objects;
import org.apache.flink.annotation.Internal;

/**
 * Everything a subtask fits on a sample of its documents and keeps in checkpointed operator state:
 * the {@link Projection}, the code the arena stores, and for the inverted file the {@link
 * Centroids} and the 4-bit grid. Immutable; fitted off the task thread ({@link IndexFitter}).
 *
 * <p>{@link #version()} tags every stored {@link PrefixEntry}: a code (and list) made under another
 * version is re-encoded from the document's full vector. For a flat arena it is the projection's
 * own version, so prefix entries written before fits had centroids stay valid.
 *
 * @param grid the grid of {@link PrefixEncoding#PACKED} codes, else null
 * @param centroids the inverted file's coarse quantizer; null for a flat arena
 * @param fittedOn documents the subtask held when this was fitted (the refit policy compares)
 * @param captured share of the sample's squared norm inside the prefix, at fit time
 * @param meanDistance mean squared distance of the sample to its nearest centroid, at fit time
 * @param fittedProbes probes that reached the recall target on held-out documents at fit time
 *     ({@link BudgetCalibration}); 0 when not measured
 * @param fittedCandidates candidates the shortlist needed for the target at fit time; 0 when not
 *     measured
 */
@Internal
public record IndexFit(
    Projection projection,
    PrefixEncoding encoding,
    ScalarQuantizer grid,
    Centroids centroids,
    long fittedOn,
    float captured,
    float meanDistance,
    int fittedProbes,
    int fittedCandidates)
    implements java.io.Serializable {

  public IndexFit {
    Objects.requireNonNull(projection, "projection");
    Objects.requireNonNull(encoding, "encoding");
    checkArgument(
        encoding.packed() == (grid != null),
        "a PACKED fit needs its grid, and only a PACKED one has one (%s)",
        encoding);
    checkArgument(
        grid == null || grid.dims() == projection.prefixDims(),
        "the grid does not match the projection's prefix");
    checkArgument(fittedProbes >= 0, "fitted probes must be >= 0, was %s", fittedProbes);
    checkArgument(
        fittedCandidates >= 0, "fitted candidates must be >= 0, was %s", fittedCandidates);
    checkArgument(
        centroids == null || centroids.dims() <= projection.prefixDims(),
        "centroid dims exceed the projection's prefix");
  }

  /** A fit for the flat arena: the projection and its encoding, nothing else. */
  public static IndexFit flat(Projection projection, PrefixEncoding encoding) {
    return new IndexFit(projection, encoding, null, null, 0, 0f, 0f, 0, 0);
  }

  public boolean isInvertedFile() {
    return centroids != null;
  }

  /** Tags the codes and lists made under this fit (see the class comment). */
  public long version() {
    if (centroids == null) {
      return projection.version();
    }
    long h = projection.version();
    h = (h ^ encoding.ordinal()) * 1099511628211L;
    h = (h ^ (grid == null ? 0 : grid.hashCode())) * 1099511628211L;
    h = (h ^ centroids.version()) * 1099511628211L;
    return h == 0 ? 1 : h; // 0 means "no codes yet" in a prefix entry
  }

  /**
   * The stored form of a full vector under this fit: its code, its list (-1 without centroids), and
   * the drift samples. The one place codes are made, so the index and every check of it agree.
   */
  public PrefixIndex.Encoded encode(float[] fullVector) {
    float[] prefix = projection.project(fullVector);
    byte[] code =
        switch (encoding) {
          case PACKED -> grid.encode(prefix);
          case INT8 -> projection.encodeInt8(prefix);
          case FLOAT16 -> {
            byte[] out = new byte[2 * prefix.length];
            for (int j = 0; j < prefix.length; j++) {
              short h = Half.fromFloat(prefix[j]);
              out[2 * j] = (byte) h;
              out[2 * j + 1] = (byte) (h >>> 8);
            }
            yield out;
          }
        };
    float captured = dev.mstream.index.vector.VectorUtil.dot(prefix, prefix);
    if (centroids == null) {
      return new PrefixIndex.Encoded(code, -1, captured, 0f);
    }
    int centroid = centroids.nearest(prefix);
    return new PrefixIndex.Encoded(
        code, centroid, captured, centroids.squaredDistance(prefix, centroid));
  }

  /** Bytes of one document's code. */
  public int codeBytes() {
    int dims = projection.prefixDims();
    return grid != null ? grid.codeBytes() : dims * encoding.bytesPerDim();
  }

  @Override
  public String toString() {
    return projection
        + ", "
        + encoding
        + (centroids == null ? "" : ", " + centroids)
        + " v"
        + Long.toHexString(version());
  }
}
