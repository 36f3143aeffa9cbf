package dev.mstream.embed;

import java.io.FileNotFoundException;
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

  private ModelFile(String location, String setting) {
    this.location = location;
    this.setting = setting;
  }

  static ModelFile onnxModel(ModelProfile profile) {
    return new ModelFile(profile.onnxModel(), "onnxModel");
  }

  static ModelFile tokenizer(ModelProfile profile) {
    return new ModelFile(profile.tokenizer(), "tokenizer");
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
   * @throws FileNotFoundException naming the setting and where it looked
   */
  InputStream open() throws IOException {
    Path p = path();
    if (p != null) {
      return Files.newInputStream(p);
    }
    URL url = resource();
    if (url == null) {
      throw new FileNotFoundException(
          "'"
              + setting
              + "' = '"
              + location
              + "' is neither a file (relative to "
              + Paths.get("").toAbsolutePath()
              + ") nor a classpath resource");
    }
    return url.openStream();
  }

  /** Null when the file or resource is there; else what is wrong, naming the setting. */
  String missing() {
    if (path() != null || resource() != null) {
      return null;
    }
    return "'"
        + setting
        + "' = '"
        + location
        + "' is neither a file (relative to "
        + Paths.get("").toAbsolutePath()
        + ") nor a classpath resource";
  }

  byte[] readAll() throws IOException {
    try (InputStream in = open()) {
      return in.readAllBytes();
    }
  }

  /** Flink loads user code in its own class loader, which is the context loader in open(). */
  private URL resource() {
    String name = location.startsWith("/") ? location.substring(1) : location;
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    URL url = context == null ? null : context.getResource(name);
    return url != null ? url : ModelFile.class.getClassLoader().getResource(name);
  }
}
