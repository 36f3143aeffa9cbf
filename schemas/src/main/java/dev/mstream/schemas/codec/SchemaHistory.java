package dev.mstream.schemas.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/**
 * Earlier versions of a record's schema, shipped as {@code /avro/history/<Name>.v<N>.avsc} (N = 1,
 * 2, ... without gaps; the current schema is {@code /avro/<Name>.avsc}). Every one is a schema that
 * producers may still write with: records in it are read into the current schema by Avro's schema
 * resolution (fields added since get their defaults), so a schema can grow without turning older
 * producers' records into dead letters. Never edit or delete a history file.
 */
final class SchemaHistory {

  static final String PREFIX = "/avro/history/";

  private SchemaHistory() {}

  /** The earlier schemas of record {@code name}, oldest first, from {@code type}'s class loader. */
  static List<Schema> of(Class<?> type, String name) {
    List<Schema> schemas = new ArrayList<>();
    for (int version = 1; ; version++) {
      String resource = PREFIX + name + ".v" + version + ".avsc";
      try (InputStream in = type.getResourceAsStream(resource)) {
        if (in == null) {
          return schemas;
        }
        schemas.add(new Schema.Parser().parse(in));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + resource, e);
      }
    }
  }
}
