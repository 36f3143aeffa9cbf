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
}
