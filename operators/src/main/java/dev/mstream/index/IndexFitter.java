package dev.mstream.index;

import java.io.Serializable;
import org.apache.flink.annotation.Internal;

/**
 * Fits an {@link IndexFit} on a sample of full vectors: the projection (PCA, or identity for native
 * Matryoshka models), then, for the inverted file, the 4-bit grid and k-means centroids on the
 * projected sample. A pure function of its inputs, safe to run on any thread: the operator runs it
 * on its fit executor, off the task thread.
 */
@Internal
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
      // Every fifth vector is held out: the drift baselines are measured on documents the fit
      // did not see, as every later document will be (on the fitted ones the distance to the
      // centroids is lower, and new documents would look drifted from the start).
      float[][] train = sample.length >= 10 ? holdOut(sample, false) : sample;
      float[][] held = sample.length >= 10 ? holdOut(sample, true) : sample;
      Projection projection =
          settings.rotate()
              ? Projection.fitPca(train, settings.prefixDims())
              : Projection.identity(settings.dimension(), settings.prefixDims(), train);
      float[][] prefixes = new float[train.length][];
      for (int i = 0; i < train.length; i++) {
        prefixes[i] = projection.project(train[i]);
      }
      if (settings.layout() == IndexLayout.FLAT) {
        BudgetCalibration.Budget budget =
            BudgetCalibration.measure(
                train, prefixes, held, projection, null, null, documents, settings.targetRecall());
        return new IndexFit(
            projection,
            settings.encoding(),
            null,
            null,
            documents,
            captured(projection, held),
            0f,
            0,
            budget.candidates());
      }
      ScalarQuantizer grid =
          settings.encoding().packed()
              ? ScalarQuantizer.fit(settings.packedBits(), prefixes, settings.prefixDims())
              : null;
      Centroids centroids =
          Centroids.fit(
              prefixes,
              settings.centroidDims(),
              settings.listsFor(documents),
              ITERATIONS,
              SEED ^ documents);
      double distance = 0;
      for (float[] v : held) {
        float[] y = projection.project(v);
        distance += centroids.squaredDistance(y, centroids.nearest(y));
      }
      BudgetCalibration.Budget budget =
          BudgetCalibration.measure(
              train,
              prefixes,
              held,
              projection,
              grid,
              centroids,
              documents,
              settings.targetRecall());
      return new IndexFit(
          projection,
          settings.encoding(),
          grid,
          centroids,
          documents,
          captured(projection, held),
          (float) (distance / held.length),
          budget.probes(),
          budget.candidates());
    }

    private static float[][] holdOut(float[][] sample, boolean held) {
      java.util.List<float[]> out = new java.util.ArrayList<>();
      for (int i = 0; i < sample.length; i++) {
        if ((i % 5 == 4) == held) {
          out.add(sample[i]);
        }
      }
      return out.toArray(new float[0][]);
    }

    /** Mean squared norm of the projected prefix: the energy share it captures of unit vectors. */
    private static float captured(Projection projection, float[][] vectors) {
      double sum = 0;
      for (float[] v : vectors) {
        float[] y = projection.project(v);
        sum += dev.mstream.index.vector.VectorUtil.dot(y, y);
      }
      return (float) (sum / vectors.length);
    }
  }
}
