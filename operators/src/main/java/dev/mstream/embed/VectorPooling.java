package dev.mstream.embed;

import java.nio.FloatBuffer;

/** Turns one text's rows of a [batch, tokens, hidden] output into one vector. */
final class VectorPooling {
  private VectorPooling() {}

  /**
   * @param hidden the whole batch output, row-major [batch, tokens, dim]
   * @param mask attention mask of the whole batch, row-major [batch, tokens]; 0 marks padding
   */
  static float[] pool(
      FloatBuffer hidden,
      long[] mask,
      int text,
      int tokens,
      int dim,
      Pooling pooling,
      boolean normalize) {
    float[] v = new float[dim];
    int textBase = text * tokens;
    if (pooling == Pooling.CLS) {
      hidden.get(textBase * dim, v, 0, dim);
    } else {
      double[] sum = new double[dim];
      long count = 0;
      for (int t = 0; t < tokens; t++) {
        if (mask[textBase + t] == 0) {
          continue;
        }
        count++;
        int row = (textBase + t) * dim;
        for (int h = 0; h < dim; h++) {
          sum[h] += hidden.get(row + h);
        }
      }
      double scale = 1.0 / Math.max(count, 1);
      for (int h = 0; h < dim; h++) {
        v[h] = (float) (sum[h] * scale);
      }
    }
    return normalize ? l2Normalize(v) : v;
  }

  /** Scales v to unit length in place; a zero vector stays zero rather than becoming NaN. */
  static float[] l2Normalize(float[] v) {
    double sq = 0;
    for (float x : v) {
      sq += (double) x * x;
    }
    double norm = Math.sqrt(sq);
    if (norm > 1e-12) {
      float inv = (float) (1.0 / norm);
      for (int i = 0; i < v.length; i++) {
        v[i] *= inv;
      }
    }
    return v;
  }
}
