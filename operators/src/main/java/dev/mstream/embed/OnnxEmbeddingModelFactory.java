package dev.mstream.embed;

import static org.apache.flink.util.Preconditions.checkNotNull;

/**
 * Serializable recipe for an {@link OnnxEmbeddingModel}: operators carry it to the task managers
 * and call {@link #create()} in {@code open()}, where the native libraries and model files live.
 */
public final class OnnxEmbeddingModelFactory implements EmbeddingModelFactory {
  private static final long serialVersionUID = 1L;

  private final ModelProfile profile;
  private final EmbedderOptions options;

  public OnnxEmbeddingModelFactory(ModelProfile profile, EmbedderOptions options) {
    this.profile = checkNotNull(profile, "profile");
    this.options = checkNotNull(options, "options");
  }

  /** The default built-in profile with default options. */
  public static OnnxEmbeddingModelFactory defaults() {
    return new OnnxEmbeddingModelFactory(
        ModelProfiles.defaultProfile(), EmbedderOptions.defaults());
  }

  public ModelProfile profile() {
    return profile;
  }

  public EmbedderOptions options() {
    return options;
  }

  @Override
  public OnnxEmbeddingModel create() {
    return OnnxEmbeddingModel.open(profile, options);
  }

  @Override
  public String toString() {
    return "OnnxEmbeddingModelFactory{profile=" + profile.name() + ", options=" + options + '}';
  }
}
