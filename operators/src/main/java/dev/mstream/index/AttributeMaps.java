package dev.mstream.index;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * The binary form of a document's attributes inside the index state records ({@link
 * StoredDocumentSerializer}, {@link PrefixEntrySerializer}): an int count, then each key and value
 * as a Flink {@link StringValue} string (no 64 KiB limit, unlike {@code writeUTF}). Part of every
 * record format that holds attributes, so it never changes.
 */
final class AttributeMaps {

  private AttributeMaps() {}

  static void write(Map<String, String> attributes, DataOutputView out) throws IOException {
    out.writeInt(attributes.size());
    for (Map.Entry<String, String> e : attributes.entrySet()) {
      StringValue.writeString(e.getKey(), out);
      StringValue.writeString(e.getValue(), out);
    }
  }

  /** A new map; the shared, immutable empty map when there are none (most arena entries). */
  static Map<String, String> read(DataInputView in) throws IOException {
    int n = in.readInt();
    if (n == 0) {
      return Map.of();
    }
    Map<String, String> attributes = new HashMap<>(Math.max(4, n * 2));
    for (int i = 0; i < n; i++) {
      attributes.put(StringValue.readString(in), StringValue.readString(in));
    }
    return attributes;
  }
}
