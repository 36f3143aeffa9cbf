package dev.mstream.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Map;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class StoredDocumentSerializerTest {

  private final StoredDocumentSerializer serializer = StoredDocumentSerializer.INSTANCE;

  @Test
  void roundTrips() throws IOException {
    StoredDocument doc =
        new StoredDocument(
            "news",
            Map.of("lang", "en", "long", "x".repeat(70_000)),
            new float[] {0.6f, -0.8f, 0f, Float.MIN_VALUE},
            "all-minilm-l6-v2-q",
            StoredDocument.contentHash("hello"),
            3,
            1_700_000_000_000L);
    assertThat(roundTrip(doc)).isEqualTo(doc);
    assertThat(serializer.copy(doc)).isEqualTo(doc).isNotSameAs(doc);
  }

  @Test
  void emptyAttributesRoundTrip() throws IOException {
    StoredDocument doc = new StoredDocument("", Map.of(), new float[384], "m", 0, 1, 0);
    assertThat(roundTrip(doc)).isEqualTo(doc);
  }

  @Test
  void rejectsUnknownFormatVersion() throws IOException {
    DataOutputSerializer out = new DataOutputSerializer(64);
    serializer.serialize(new StoredDocument("n", Map.of(), new float[2], "m", 0, 1, 0), out);
    byte[] bytes = out.getCopyOfBuffer();
    bytes[0] = 99;
    assertThatThrownBy(() -> serializer.deserialize(new DataInputDeserializer(bytes)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("format version 99");
  }

  @Test
  void snapshotRestoresTheSameSerializer() {
    assertThat(serializer.snapshotConfiguration().restoreSerializer()).isSameAs(serializer);
  }

  private StoredDocument roundTrip(StoredDocument doc) throws IOException {
    DataOutputSerializer out = new DataOutputSerializer(64);
    serializer.serialize(doc, out);
    return serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
  }
}
