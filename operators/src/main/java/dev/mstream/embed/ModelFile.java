package dev.mstream.embed;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * A file a model profile names: a path on disk, or else a classpath resource (the bundled models
 * sit at the root of their jars). A file that exists wins, so a user can override a bundled name
 * with a local copy.
 */
final class ModelFile {
  private final String location;
  private final String setting;
  private final String profileName;

  private ModelFile(String location, String setting, String profileName) {
    this.location = location;
    this.setting = setting;
    this.profileName = profileName;
  }

  static ModelFile onnxModel(ModelProfile profile) {
    return new ModelFile(profile.onnxModel(), "onnxModel", profile.name());
  }

  static ModelFile tokenizer(ModelProfile profile) {
    return new ModelFile(profile.tokenizer(), "tokenizer", profile.name());
  }

  /** The file on disk, or null when the location is meant as a classpath resource. */
  Path path() {
    try {
      Path p = Paths.get(location);
      return Files.isRegularFile(p) ? p : null;
    } catch (RuntimeException e) {
      return null; // not a valid path on this platform: can only be a resource name
    }
  }

  /**
   * @throws IOException naming the profile, the setting and where it looked
   */
  InputStream open() throws IOException {
    Path p = path();
    if (p != null) {
      return Files.newInputStream(p);
    }
    URL url = resource();
    if (url == null) {
      throw new IOException(
          "model profile '"
              + profileName
              + "': '"
              + setting
              + "' = '"
              + location
              + "' is neither a file (looked in "
              + Paths.get("").toAbsolutePath()
              + " for relative paths) nor a resource on the classpath");
    }
    return url.openStream();
  }

  byte[] readAll() throws IOException {
    try (InputStream in = open()) {
      return in.readAllBytes();
    }
  }

  String describe() {
    Path p = path();
    return p != null ? "file " + p.toAbsolutePath() : "classpath resource " + location;
  }

  /** Flink loads user code in its own class loader, which is the context loader in open(). */
  private URL resource() {
    String name = location.startsWith("/") ? location.substring(1) : location;
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    URL url = context == null ? null : context.getResource(name);
    return url != null ? url : ModelFile.class.getClassLoader().getResource(name);
  }
}
