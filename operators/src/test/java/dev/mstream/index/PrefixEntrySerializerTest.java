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
          new PrefixEntry("news", Map.of(), 7L, new byte[] {3, 4}, 1234)
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
    assertThat(e.list()).isEqualTo(-1);
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
