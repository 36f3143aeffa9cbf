package dev.mstream.index;

/**
 * Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations. Slow for large n (O(n³) per
 * sweep) but exact, dependency-free and stable; for the 384×384 covariance of an embedding model it
 * takes about a second, once per projection fit.
 */
final class SymmetricEigen {

  private SymmetricEigen() {}

  /**
   * @param a symmetric n×n matrix, row-major; destroyed
   * @param n size
   * @return eigenvectors as rows, sorted by descending eigenvalue; {@code values} receives the
   *     eigenvalues in the same order
   */
  static double[][] decompose(double[][] a, int n, double[] values) {
    double[][] v = new double[n][n];
    for (int i = 0; i < n; i++) {
      v[i][i] = 1;
    }
    for (int sweep = 0; sweep < 100; sweep++) {
      double off = 0;
      double diag = 0;
      for (int p = 0; p < n; p++) {
        diag += a[p][p] * a[p][p];
        for (int q = p + 1; q < n; q++) {
          off += a[p][q] * a[p][q];
        }
      }
      if (off <= 1e-22 * Math.max(diag, 1e-300)) {
        break;
      }
      for (int p = 0; p < n; p++) {
        for (int q = p + 1; q < n; q++) {
          double apq = a[p][q];
          if (Math.abs(apq) < 1e-300) {
            continue;
          }
          double theta = (a[q][q] - a[p][p]) / (2 * apq);
          double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
          if (theta == 0) {
            t = 1;
          }
          double c = 1 / Math.sqrt(t * t + 1);
          double s = t * c;
          for (int k = 0; k < n; k++) {
            double akp = a[k][p];
            double akq = a[k][q];
            a[k][p] = c * akp - s * akq;
            a[k][q] = s * akp + c * akq;
          }
          for (int k = 0; k < n; k++) {
            double apk = a[p][k];
            double aqk = a[q][k];
            a[p][k] = c * apk - s * aqk;
            a[q][k] = s * apk + c * aqk;
          }
          for (int k = 0; k < n; k++) {
            double vkp = v[k][p];
            double vkq = v[k][q];
            v[k][p] = c * vkp - s * vkq;
            v[k][q] = s * vkp + c * vkq;
          }
        }
      }
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (x, y) -> Double.compare(a[y][y], a[x][x]));
    double[][] rows = new double[n][n];
    for (int r = 0; r < n; r++) {
      int col = order[r];
      values[r] = a[col][col];
      for (int k = 0; k < n; k++) {
        rows[r][k] = v[k][col];
      }
    }
    return rows;
  }
}
