package dev.mstream.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.HexFormat;
import java.util.Map;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class PrefixEntrySerializerTest {

  @Test
  void roundTrips() throws IOException {
    for (PrefixEntry e :
        new PrefixEntry[] {
          new PrefixEntry("news", Map.of("lang", "en"), 42L, new byte[] {1, -127, 127}),
          new PrefixEntry("", Map.of(), 0, null),
          new PrefixEntry("news", Map.of(), 7L, new byte[] {3, 4}, new int[] {1234}),
          new PrefixEntry("news", Map.of(), 7L, new byte[] {3, 4, 5, 6, 7, 8}, new int[] {1, 0, 9})
        }) {
      DataOutputSerializer out = new DataOutputSerializer(32);
      PrefixEntrySerializer.INSTANCE.serialize(e, out);
      PrefixEntry back =
          PrefixEntrySerializer.INSTANCE.deserialize(
              new DataInputDeserializer(out.getCopyOfBuffer()));
      assertThat(back).isEqualTo(e);
      assertThat(PrefixEntrySerializer.INSTANCE.copy(e)).isEqualTo(e);
    }
  }

  /**
   * Written by the build before entries had lists (format 1): news, lang=en, version
   * 0x1122334455667788, codes 01 81 7f. Keep the bytes as they are.
   */
  static final String V1 = "01056e657773112233445566778800000001056c616e6703656e0000000301817f";

  @Test
  void readsEntriesWrittenBeforeListsExisted() throws IOException {
    PrefixEntry e =
        PrefixEntrySerializer.INSTANCE.deserialize(
            new DataInputDeserializer(HexFormat.of().parseHex(V1)));
    assertThat(e)
        .isEqualTo(
            new PrefixEntry(
                "news", Map.of("lang", "en"), 0x1122334455667788L, new byte[] {1, -127, 127}));
    assertThat(e.lists()).isEmpty();
  }

  /**
   * Format 1 as the chunking build wrote it (before lists): a document of two chunks, their codes
   * one after another (01 81 7f, then 02 03 04), no attributes. Read with no lists (recomputed from
   * the codes on restore).
   */
  static final String V1_CHUNKED = "01056e65777311223344556677880000000000000006" + "01817f020304";

  @Test
  void readsChunkedEntriesWrittenBeforeListsExisted() throws IOException {
    PrefixEntry e =
        PrefixEntrySerializer.INSTANCE.deserialize(
            new DataInputDeserializer(HexFormat.of().parseHex(V1_CHUNKED)));
    assertThat(e.codes()).containsExactly(1, -127, 127, 2, 3, 4);
    assertThat(e.lists()).isEmpty();
    assertThat(e.chunks(3)).isEqualTo(2);
    assertThat(e.codeOf(1, 3)).containsExactly(2, 3, 4);
    assertThat(e.listOf(1)).isEqualTo(-1);
  }

  /**
   * Format 2 as the inverted file's build wrote it before chunking (one code, then one list: 1234);
   * bytes laid out by that build's serializer (byte 2, the format-1 fields, the list as an int).
   */
  static final String V2 =
      "02056e657773112233445566778800000001056c616e6703656e0000000301817f000004d2";

  @Test
  void readsSingleListEntriesOfTheInvertedFileBeforeChunking() throws IOException {
    PrefixEntry e =
        PrefixEntrySerializer.INSTANCE.deserialize(
            new DataInputDeserializer(HexFormat.of().parseHex(V2)));
    assertThat(e)
        .isEqualTo(
            new PrefixEntry(
                "news",
                Map.of("lang", "en"),
                0x1122334455667788L,
                new byte[] {1, -127, 127},
                new int[] {1234}));
    assertThat(e.chunks(3)).isEqualTo(1);
  }

  @Test
  void aListOfMinusOneInFormat2ReadsAsNoList() throws IOException {
    byte[] bytes = HexFormat.of().parseHex(V2);
    for (int i = bytes.length - 4; i < bytes.length; i++) {
      bytes[i] = -1;
    }
    PrefixEntry e = PrefixEntrySerializer.INSTANCE.deserialize(new DataInputDeserializer(bytes));
    assertThat(e.lists()).isEmpty();
    assertThat(e.listOf(0)).isEqualTo(-1);
  }

  /**
   * Format 3 (this build): codes of every chunk, then one list per chunk — a document of two chunks
   * (01 81 7f in list 7, 02 03 04 in list 0). Keep the bytes as they are.
   */
  static final String V3 =
      "03056e657773112233445566778800000001056c616e6703656e0000000601817f020304"
          + "000000020000000700000000";

  @Test
  void writesAndReadsFormat3WithOneListPerChunk() throws IOException {
    PrefixEntry e =
        new PrefixEntry(
            "news",
            Map.of("lang", "en"),
            0x1122334455667788L,
            new byte[] {1, -127, 127, 2, 3, 4},
            new int[] {7, 0});
    DataOutputSerializer out = new DataOutputSerializer(64);
    PrefixEntrySerializer.INSTANCE.serialize(e, out);
    assertThat(HexFormat.of().formatHex(out.getCopyOfBuffer())).isEqualTo(V3);
    PrefixEntry back =
        PrefixEntrySerializer.INSTANCE.deserialize(
            new DataInputDeserializer(HexFormat.of().parseHex(V3)));
    assertThat(back).isEqualTo(e);
    assertThat(back.chunks(3)).isEqualTo(2);
    assertThat(back.listOf(0)).isEqualTo(7);
    assertThat(back.listOf(1)).isEqualTo(0);
    assertThat(back.chunks(2)).isEqualTo(-1); // codes of another size: re-encoded on restore
  }

  @Test
  void listsThatDoNotMatchTheCodesMakeTheEntryStale() {
    PrefixEntry e = new PrefixEntry("n", Map.of(), 1, new byte[] {1, 2, 3, 4}, new int[] {5});
    assertThat(e.chunks(2)).isEqualTo(-1);
    assertThat(e.chunks(4)).isEqualTo(1);
  }

  @Test
  void rejectsAFormatFromTheFuture() {
    byte[] bytes = HexFormat.of().parseHex(V1);
    bytes[0] = 9;
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> PrefixEntrySerializer.INSTANCE.deserialize(new DataInputDeserializer(bytes)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("format version 9");
  }
}
