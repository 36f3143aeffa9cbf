package dev.mstream.index;

import java.util.Random;

/** Unit vectors with uneven variance across dimensions, like real embeddings. */
final class TestVectors {

  private TestVectors() {}

  static float[][] correlated(Random rnd, int n, int dim) {
    // A random mixing matrix with decaying column weights gives correlated, anisotropic data.
    float[][] mix = new float[dim][dim];
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j < dim; j++) {
        mix[i][j] = (float) (rnd.nextGaussian() / (1 + j));
      }
    }
    float[][] out = new float[n][];
    for (int k = 0; k < n; k++) {
      float[] z = new float[dim];
      for (int j = 0; j < dim; j++) {
        z[j] = (float) rnd.nextGaussian();
      }
      float[] v = new float[dim];
      double norm = 0;
      for (int i = 0; i < dim; i++) {
        float s = 0;
        for (int j = 0; j < dim; j++) {
          s += mix[i][j] * z[j];
        }
        v[i] = s;
        norm += s * s;
      }
      for (int i = 0; i < dim; i++) {
        v[i] /= (float) Math.sqrt(norm);
      }
      out[k] = v;
    }
    return out;
  }

  /** Gaussian points whose spread shrinks with the dimension. */
  static float[][] gaussian(Random rnd, int n, int dims) {
    float[][] out = new float[n][dims];
    for (float[] v : out) {
      for (int j = 0; j < dims; j++) {
        v[j] = (float) (rnd.nextGaussian() / (1 + j * 0.05));
      }
    }
    return out;
  }

  /**
   * Unit vectors around {@code clusters} random centres, like topics in real embeddings: a
   * document's nearest neighbours are mostly of its own cluster (where correlated Gaussian vectors
   * have no such neighbourhoods, and any inverted file needs most of its lists).
   */
  static float[][] clustered(Random rnd, int n, int dim, int clusters, float spread) {
    float[][] centres = correlated(rnd, clusters, dim);
    float[][] out = new float[n][];
    for (int k = 0; k < n; k++) {
      float[] c = centres[rnd.nextInt(clusters)];
      float[] v = new float[dim];
      double norm = 0;
      for (int i = 0; i < dim; i++) {
        v[i] = c[i] + (float) (rnd.nextGaussian() * spread / Math.sqrt(dim));
        norm += v[i] * v[i];
      }
      for (int i = 0; i < dim; i++) {
        v[i] /= (float) Math.sqrt(norm);
      }
      out[k] = v;
    }
    return out;
  }
}
