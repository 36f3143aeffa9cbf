package dev.mstream.schemas.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/**
 * Earlier versions of a record's schema, shipped as {@code avro/history/<Name>.v1.avsc}, {@code
 * .v2.avsc}, … (from {@code schemas/src/main/avro-history}). A producer that still writes with an
 * old version keeps working: its records carry the old fingerprint, and the reader resolves them to
 * the current schema (fields added since then take their defaults).
 *
 * <p>When a change to a {@code .avsc} is released, the version before it is added here with the
 * next number; {@code SchemaHistoryTest} checks that every version can be read by the current one.
 */
final class SchemaHistory {

  static final String RESOURCE_DIR = "avro/history/";

  private SchemaHistory() {}

  /** Earlier versions of {@code current}, oldest first; none for a schema that never changed. */
  static List<Schema> of(Schema current, ClassLoader loader) {
    List<Schema> versions = new ArrayList<>();
    for (int v = 1; ; v++) {
      String resource = RESOURCE_DIR + current.getName() + ".v" + v + ".avsc";
      try (InputStream in = loader.getResourceAsStream(resource)) {
        if (in == null) {
          return versions;
        }
        Schema old = new Schema.Parser().parse(in);
        if (!old.getFullName().equals(current.getFullName())) {
          throw new IllegalStateException(
              resource + " holds " + old.getFullName() + ", not " + current.getFullName());
        }
        versions.add(old);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + resource, e);
      }
    }
  }
}
