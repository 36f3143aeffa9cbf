package dev.mstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code docs/configuration.md} is exactly what {@link ConfigurationDocs} generates. */
class ConfigurationDocsTest {

  static final String REGENERATE =
      "mvn -B -o -pl jobs -am test -Dtest=ConfigurationDocsTest"
          + " -Dsurefire.failIfNoSpecifiedTests=false -Dmstream.docs.regenerate=true"
          + "  (or, after `mvn package`: java -cp jobs/target/mstream.jar"
          + " dev.mstream.jobs.ConfigurationDocs docs/configuration.md)";

  @Test
  void committedFileMatchesTheOptions() throws Exception {
    Path file = RepoDir.path().resolve(ConfigurationDocs.DOCS_FILE);
    String generated = ConfigurationDocs.generate();
    if (Boolean.getBoolean("mstream.docs.regenerate")) {
      Files.createDirectories(file.getParent());
      Files.writeString(file, generated, StandardCharsets.UTF_8);
    }
    assertThat(file)
        .as("%s is missing; generate it with: %s", ConfigurationDocs.DOCS_FILE, REGENERATE)
        .exists();
    assertThat(Files.readString(file, StandardCharsets.UTF_8))
        .as(
            "%s is out of date with MStreamOptions; regenerate it with: %s",
            ConfigurationDocs.DOCS_FILE, REGENERATE)
        .isEqualTo(generated);
  }

  @Test
  void everyOptionIsDocumentedWithTypeAndDescription() {
    var docs = ConfigurationDocs.options();
    assertThat(docs).extracting(ConfigurationDocs.OptionDoc::key).doesNotHaveDuplicates();
    assertThat(docs)
        .extracting(ConfigurationDocs.OptionDoc::key)
        .contains(
            MStreamOptions.BOOTSTRAP_SERVERS.key(),
            MStreamOptions.CHECKPOINT_DIR.key(),
            MStreamOptions.RESULTS_DELIVERY.key())
        .allMatch(k -> k.startsWith("mstream."));
    assertThat(docs).allSatisfy(d -> assertThat(d.description()).as(d.key()).isNotBlank());
    var delivery =
        docs.stream()
            .filter(d -> d.key().equals(MStreamOptions.RESULTS_DELIVERY.key()))
            .findFirst()
            .orElseThrow();
    assertThat(delivery.type()).isEqualTo("Enum: EXACTLY_ONCE, AT_LEAST_ONCE, NONE");
    assertThat(delivery.defaultValue()).isEqualTo("AT_LEAST_ONCE");
    var interval =
        docs.stream()
            .filter(d -> d.key().equals(MStreamOptions.CHECKPOINT_INTERVAL.key()))
            .findFirst()
            .orElseThrow();
    assertThat(interval.type()).isEqualTo("Duration");
    assertThat(interval.defaultValue()).isEqualTo("10 s");
  }
}
