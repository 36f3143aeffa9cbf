package dev.mstream.jobs;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository root, for tests that check files outside the module (docs/, infra/). */
public final class RepoDir {

  private RepoDir() {}

  /** {@code mstream.repo.dir} (set by the build), else found by walking up to {@code infra/}. */
  public static Path path() {
    String configured = System.getProperty("mstream.repo.dir");
    if (configured != null) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      if (Files.isDirectory(dir.resolve("infra")) && Files.exists(dir.resolve("pom.xml"))) {
        return dir;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException("cannot find the repository root (set -Dmstream.repo.dir)");
  }
}
