package dev.mstream.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
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
          new PrefixEntry("", Map.of(), 0, null)
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
}
