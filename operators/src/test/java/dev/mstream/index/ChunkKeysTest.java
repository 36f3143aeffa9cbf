package dev.mstream.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChunkKeysTest {

  @Test
  void chunkZeroIsTheIdItselfAndOtherChunksAreTaggedOnIt() {
    assertThat(ChunkKeys.key("doc-1", 0)).isEqualTo("doc-1");
    assertThat(ChunkKeys.key("doc-1", 12)).isEqualTo("doc-1\u000012");
    assertThat(ChunkKeys.documentOf("doc-1\u000012")).isEqualTo("doc-1");
    assertThat(ChunkKeys.chunkOf("doc-1\u000012")).isEqualTo(12);
    assertThat(ChunkKeys.chunkOf("doc-1")).isZero();
  }

  @Test
  void keysStayUnambiguousForIdsThatContainTheMark() {
    List<String> ids =
        List.of(
            "a", "a\u0000", "a\u00001", "\u0000", "\u0000\u0000", "a\u00001\u0000", "😀\u0000x");
    Set<String> keys = new HashSet<>();
    for (String id : ids) {
      for (int chunk = 0; chunk < 12; chunk++) {
        String key = ChunkKeys.key(id, chunk);
        assertThat(keys.add(key)).as("key of %s chunk %d is unique", id, chunk).isTrue();
        assertThat(ChunkKeys.documentOf(key)).isEqualTo(id);
        assertThat(ChunkKeys.chunkOf(key)).isEqualTo(chunk);
      }
    }
  }
}
