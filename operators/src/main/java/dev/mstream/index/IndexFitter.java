package dev.mstream.index;

import java.io.Serializable;

/**
 * Fits an {@link IndexFit} on a sample of full vectors: the projection (PCA, or identity for native
 * Matryoshka models), then, for the inverted file, the 4-bit grid and k-means centroids on the
 * projected sample. A pure function of its inputs, safe to run on any thread: the operator runs it
 * on its fit executor, off the task thread.
 */
public interface IndexFitter extends Serializable {

  /**
   * @param sample full vectors, at least 2
   * @param documents how many documents the subtask holds (the number of lists follows it)
   */
  IndexFit fit(float[][] sample, long documents);

  /** The fitter for {@code settings}. */
  static IndexFitter of(IndexSettings settings) {
    return new KMeansFitter(settings);
  }

  /** The one fitter the product uses; tests wrap it (e.g. to make it slow). */
  final class KMeansFitter implements IndexFitter {
    private static final long serialVersionUID = 1L;

    /** Lloyd iterations after k-means++ seeding: centroids move little after a handful. */
    static final int ITERATIONS = 8;

    static final long SEED = 0x6d737472L;

    private final IndexSettings settings;

    KMeansFitter(IndexSettings settings) {
      this.settings = settings;
    }

    @Override
    public IndexFit fit(float[][] sample, long documents) {
      Projection projection =
          settings.rotate()
              ? Projection.fitPca(sample, settings.prefixDims())
              : Projection.identity(settings.dimension(), settings.prefixDims(), sample);
      if (settings.layout() == IndexLayout.FLAT) {
        return IndexFit.flat(projection, settings.encoding());
      }
      float[][] prefixes = new float[sample.length][];
      double captured = 0;
      for (int i = 0; i < sample.length; i++) {
        prefixes[i] = projection.project(sample[i]);
        captured += dev.mstream.index.vector.VectorUtil.dot(prefixes[i], prefixes[i]);
      }
      Int4Quantizer int4 =
          settings.encoding() == PrefixEncoding.INT4
              ? Int4Quantizer.fit(prefixes, settings.prefixDims())
              : null;
      Centroids centroids =
          Centroids.fit(
              prefixes,
              settings.centroidDims(),
              settings.listsFor(documents),
              ITERATIONS,
              SEED ^ documents);
      double distance = 0;
      for (float[] y : prefixes) {
        distance += centroids.squaredDistance(y, centroids.nearest(y));
      }
      return new IndexFit(
          projection,
          settings.encoding(),
          int4,
          centroids,
          documents,
          (float) (captured / sample.length),
          (float) (distance / sample.length));
    }
  }
}
