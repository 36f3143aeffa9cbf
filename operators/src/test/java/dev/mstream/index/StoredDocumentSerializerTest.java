package dev.mstream.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.HexFormat;
import java.util.Map;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class StoredDocumentSerializerTest {

  private final StoredDocumentSerializer serializer = StoredDocumentSerializer.INSTANCE;

  /** The document of the version 2 fixture: three chunks with their ranges. */
  static final StoredDocument CHUNKED =
      StoredDocument.chunked(
          "news",
          Map.of("lang", "en"),
          new float[][] {{0.6f, 0.8f}, {1f, 0f}, {0f, -1f}},
          new int[] {0, 120, 100, 230, 210, 301},
          "all-minilm-l6-v2-q",
          StoredDocument.contentHash("long text"),
          2,
          1_700_000_000_001L);

  @Test
  void readsStateWrittenBeforeChunksAsADocumentOfOneChunkWithUnknownOffsets() throws Exception {
    StoredDocument old = serializer.deserialize(new DataInputDeserializer(fixture("v1")));
    assertThat(old)
        .isEqualTo(
            new StoredDocument(
                "news",
                Map.of("emoji", "\uD83E\uDE86", "lang", "en"),
                new float[] {0.6f, -0.8f, 0f, Float.MIN_VALUE},
                "all-minilm-l6-v2-q",
                StoredDocument.contentHash("Grüße 😀"),
                3,
                1_700_000_000_000L));
    assertThat(old.chunkCount()).isEqualTo(1);
    assertThat(old.chunkVectors()[0]).isSameAs(old.vector());
    assertThat(old.chunkRanges()).isNull();
    assertThat(old.chunkStart(0)).isEqualTo(-1);
  }

  @Test
  void writesAndReadsTheVersionTwoFixtureByteForByte() throws Exception {
    DataOutputSerializer out = new DataOutputSerializer(64);
    serializer.serialize(CHUNKED, out);
    assertThat(HexFormat.of().formatHex(out.getCopyOfBuffer()))
        .as("format version 2 must not change; add a version 3 instead")
        .isEqualTo(HexFormat.of().formatHex(fixture("v2")));
    StoredDocument read = serializer.deserialize(new DataInputDeserializer(fixture("v2")));
    assertThat(read).isEqualTo(CHUNKED);
    assertThat(read.chunkCount()).isEqualTo(3);
    assertThat(read.chunkEnd(2)).isEqualTo(301);
    assertThat(serializer.copy(CHUNKED)).isEqualTo(CHUNKED).isNotSameAs(CHUNKED);
  }

  @Test
  void rejectsChunksOfAnotherDimension() {
    StoredDocument bad =
        StoredDocument.chunked("n", Map.of(), new float[][] {{1f, 0f}, {1f}}, null, "m", 0, 1, 0);
    assertThatThrownBy(() -> serializer.serialize(bad, new DataOutputSerializer(64)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("chunk 1 has 1 dimensions");
  }

  static byte[] fixture(String version) throws IOException {
    return StateSerializerFixturesTest.read("StoredDocument-" + version + ".hex");
  }

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
