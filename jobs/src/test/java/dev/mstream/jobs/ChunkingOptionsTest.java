package dev.mstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mstream.chunk.ChunkingSettings;
import dev.mstream.chunk.OverChunkLimit;
import dev.mstream.embed.HuggingFaceTextTokenizer;
import dev.mstream.embed.ModelProfile;
import dev.mstream.embed.ModelProfiles;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/** Where the chunk window and overlap come from: configuration, then profile, then defaults. */
class ChunkingOptionsTest {

  private static final ModelProfile PLAIN = ModelProfiles.defaultProfile();

  private static final ModelProfile ADVISING =
      PLAIN.toBuilder().name("advising").chunkTokens(128).chunkOverlapTokens(16).build();

  @Test
  void defaultsChunkAtTheModelsMaxTokensWithOverlap() {
    ChunkingSettings s = MStreamPipeline.chunkingSettings(new Configuration(), PLAIN);
    assertThat(s.enabled()).isTrue();
    assertThat(s.windowFor(PLAIN.maxTokens())).isEqualTo(256);
    assertThat(s.overlapTokens()).isEqualTo(32);
    assertThat(s.maxChunks()).isEqualTo(256);
    assertThat(s.overLimit()).isEqualTo(OverChunkLimit.TRUNCATE);
  }

  @Test
  void theProfileAdvisesAndTheConfigurationWins() {
    ChunkingSettings advised = MStreamPipeline.chunkingSettings(new Configuration(), ADVISING);
    assertThat(advised.windowFor(ADVISING.maxTokens())).isEqualTo(128);
    assertThat(advised.overlapTokens()).isEqualTo(16);
    Configuration conf = new Configuration();
    conf.set(MStreamOptions.CHUNK_MAX_TOKENS, 64);
    conf.set(MStreamOptions.CHUNK_OVERLAP_TOKENS, 0);
    ChunkingSettings configured = MStreamPipeline.chunkingSettings(conf, ADVISING);
    assertThat(configured.windowFor(ADVISING.maxTokens())).isEqualTo(64);
    assertThat(configured.overlapTokens()).isZero();
  }

  @Test
  void aWindowAboveTheModelsMaxTokensIsCappedAndABadOverlapNamesTheOption() {
    Configuration conf = new Configuration();
    conf.set(MStreamOptions.CHUNK_MAX_TOKENS, 4096);
    assertThat(MStreamPipeline.chunkingSettings(conf, PLAIN).windowFor(256)).isEqualTo(256);
    conf.set(MStreamOptions.CHUNK_OVERLAP_TOKENS, 200);
    assertThatThrownBy(
            () -> MStreamPipeline.chunker(conf, PLAIN, HuggingFaceTextTokenizer.factory(PLAIN)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mstream.chunk.overlap-tokens=200");
  }

  @Test
  void disabledChunkingBuildsNoChunker() {
    Configuration conf = new Configuration();
    conf.set(MStreamOptions.CHUNK_ENABLED, false);
    assertThat(MStreamPipeline.chunker(conf, PLAIN, HuggingFaceTextTokenizer.factory(PLAIN)))
        .isNull();
  }
}
