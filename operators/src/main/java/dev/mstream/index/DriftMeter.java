package dev.mstream.index;

/**
 * How far the documents arriving now have drifted from those the current fit was made on: an
 * exponentially weighted mean, over added documents, of the share of their energy the prefix
 * captures and of their squared distance to their centroid, each against its value on the fit
 * sample. The measure is the larger relative degradation: {@code max(1 - captured / captured₀,
 * distance / distance₀ - 1)}, 0 while nothing changed. Both samples come free with every encode.
 *
 * <p>Not checkpointed: after a restore it starts again from the fit's baseline.
 */
final class DriftMeter {

  /** About the last thousand documents count. */
  private static final double WEIGHT = 1.0 / 1024;

  private final double capturedAtFit;
  private final double distanceAtFit;
  private double captured;
  private double distance;
  private long samples;

  DriftMeter(IndexFit fit) {
    this.capturedAtFit = fit.captured();
    this.distanceAtFit = fit.meanDistance();
    this.captured = capturedAtFit;
    this.distance = distanceAtFit;
  }

  void add(PrefixIndex.Encoded e) {
    captured += WEIGHT * (e.captured() - captured);
    distance += WEIGHT * (e.distance() - distance);
    samples++;
  }

  /** Documents measured since the fit. */
  long samples() {
    return samples;
  }

  double value() {
    double lost = capturedAtFit > 0 ? 1 - captured / capturedAtFit : 0;
    double spread = distanceAtFit > 0 ? distance / distanceAtFit - 1 : 0;
    return Math.max(0, Math.max(lost, spread));
  }
}
