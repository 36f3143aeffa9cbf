package dev.mstream.index;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which restored fit a subtask rebuilds with. After a rescale a subtask sees the fits of every
 * former subtask (union state) and holds documents encoded under some of them: it takes the fit
 * that most of a sample of its prefix entries were encoded with, so that as few documents as
 * possible are re-encoded from their full vectors. Fits made for other settings are not used.
 */
final class FitChoice {

  /** Prefix entries looked at to choose. */
  static final int SAMPLE = 256;

  private FitChoice() {}

  /** Whether {@code fit} can serve an index with {@code settings}. */
  static boolean compatible(IndexFit fit, IndexSettings settings) {
    Projection p = fit.projection();
    if (p.dimension() != settings.dimension()
        || p.prefixDims() != settings.prefixDims()
        || fit.encoding() != settings.encoding()
        || p.isIdentity() == settings.rotate()) {
      return false;
    }
    if (fit.grid() != null
        && !java.util.Arrays.equals(
            fit.grid().segmentBits(),
            ScalarQuantizer.segmentsFor(settings.packedBits(), settings.prefixDims()))) {
      return false;
    }
    if (settings.layout() == IndexLayout.FLAT) {
      return !fit.isInvertedFile();
    }
    return fit.isInvertedFile() && fit.centroids().dims() == settings.centroidDims();
  }

  /** The fit most sampled entries were encoded with; the first one if none; null if no fits. */
  static IndexFit choose(List<IndexFit> fits, DocumentState state) throws Exception {
    if (fits.isEmpty()) {
      return null;
    }
    if (fits.size() == 1) {
      return fits.get(0);
    }
    Map<Long, Integer> votes = new HashMap<>();
    state.forSomePrefixes(SAMPLE, e -> votes.merge(e.projectionVersion(), 1, Integer::sum));
    IndexFit best = fits.get(0);
    int bestVotes = -1;
    for (IndexFit f : fits) {
      int v = votes.getOrDefault(f.version(), 0);
      if (v > bestVotes) {
        best = f;
        bestVotes = v;
      }
    }
    return best;
  }
}
