package dev.mstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mstream.embed.ModelProfile;
import dev.mstream.embed.ModelProfiles;
import dev.mstream.index.IndexSettings;
import dev.mstream.index.PrefixEncoding;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/** Where a query that names no dims or candidates gets them: configuration, profile, fallback. */
class QueryDefaultsTest {

  private static final ModelProfile PLAIN = ModelProfiles.defaultProfile();

  private static final ModelProfile ADVISING =
      PLAIN.toBuilder().name("advising").queryDims(32).queryCandidates(250).build();

  @Test
  void fallbacksWhenNeitherConfigurationNorProfileSaysAnything() {
    IndexSettings s = MStreamPipeline.indexSettings(new Configuration(), PLAIN);
    // The default layout's PACKED codes are scored on their whole prefix; INT8 at DEFAULT_DIMS.
    assertThat(s.defaultDims()).isEqualTo(s.prefixDims()).isEqualTo(192);
    Configuration int8 = new Configuration();
    int8.set(MStreamOptions.PREFIX_ENCODING, PrefixEncoding.INT8);
    assertThat(MStreamPipeline.indexSettings(int8, PLAIN).defaultDims())
        .isEqualTo(IndexSettings.DEFAULT_DIMS)
        .isEqualTo(64);
    assertThat(s.defaultCandidates()).isEqualTo(IndexSettings.DEFAULT_CANDIDATES).isEqualTo(100);
  }

  @Test
  void theProfileAdvisesWhenTheConfigurationIsSilent() {
    IndexSettings s = MStreamPipeline.indexSettings(new Configuration(), ADVISING);
    assertThat(s.defaultDims()).isEqualTo(32);
    assertThat(s.defaultCandidates()).isEqualTo(250);
  }

  @Test
  void theConfigurationWinsOverTheProfile() {
    Configuration conf = new Configuration();
    conf.set(MStreamOptions.DEFAULT_DIMS, 128);
    conf.set(MStreamOptions.DEFAULT_CANDIDATES, 40);
    IndexSettings s = MStreamPipeline.indexSettings(conf, ADVISING);
    assertThat(s.defaultDims()).isEqualTo(128);
    assertThat(s.defaultCandidates()).isEqualTo(40);
  }

  @Test
  void profileAdviceBeyondTheArenaIsCappedAtItsPrefix() {
    ModelProfile wide = PLAIN.toBuilder().name("wide").queryDims(384).build();
    Configuration conf = new Configuration();
    conf.set(MStreamOptions.PREFIX_DIMS, 96);
    assertThat(MStreamPipeline.indexSettings(conf, wide).defaultDims()).isEqualTo(96);
  }

  @Test
  void aConfiguredDefaultOutsideTheArenaIsAnErrorNamingTheSetting() {
    Configuration conf = new Configuration();
    conf.set(MStreamOptions.DEFAULT_DIMS, 256);
    assertThatThrownBy(() -> MStreamPipeline.indexSettings(conf, PLAIN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mstream.query.default-dims");
  }
}
