package dev.mstream.schemas.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/**
 * The earlier versions of a record's schema, so that records written with them still decode:
 * resources {@code <namespace as folders>/history/<Name>-<n>.avsc}, {@code n} = 1, 2, ... in the
 * order they were replaced. Before a schema file in {@code src/main/avro} changes, its current text
 * is copied there as the next version (an evolution must stay readable by Avro's schema resolution:
 * new fields with defaults, as the schemas' own rules say).
 */
final class SchemaHistory {

  private SchemaHistory() {}

  /** Every earlier version of {@code current}, oldest first; empty when it never changed. */
  static List<Schema> of(Schema current, ClassLoader loader) {
    String folder =
        current.getNamespace() == null ? "" : current.getNamespace().replace('.', '/') + "/";
    List<Schema> versions = new ArrayList<>();
    for (int n = 1; ; n++) {
      String path = folder + "history/" + current.getName() + "-" + n + ".avsc";
      URL url = loader == null ? ClassLoader.getSystemResource(path) : loader.getResource(path);
      if (url == null) {
        return versions;
      }
      try (InputStream in = url.openStream()) {
        // A parser of its own: the old schema defines the same names as the current one.
        Schema old = new Schema.Parser().parse(in);
        if (!old.getFullName().equals(current.getFullName())) {
          throw new IllegalStateException(
              path + " defines " + old.getFullName() + ", not " + current.getFullName());
        }
        versions.add(old);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + path, e);
      }
    }
  }
}
