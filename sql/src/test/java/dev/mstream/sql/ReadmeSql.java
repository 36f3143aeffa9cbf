package dev.mstream.sql;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * The SQL the README shows, so tests run exactly what a reader copies: the {@code ```sql} block
 * after a {@code <!-- sql:NAME -->} marker, as statements (comment lines dropped, split at a {@code
 * ;} that ends a line).
 */
public final class ReadmeSql {

  private ReadmeSql() {}

  public static Path readme() {
    return Paths.get(System.getProperty("mstream.repo.dir", "..")).resolve("README.md");
  }

  public static List<String> statements(String name) {
    List<String> lines;
    try {
      lines = Files.readAllLines(readme(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String marker = "<!-- sql:" + name + " -->";
    int at = lines.indexOf(marker);
    if (at < 0 || at + 1 >= lines.size() || !lines.get(at + 1).equals("```sql")) {
      throw new AssertionError(readme() + " has no ```sql block right after " + marker);
    }
    List<String> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (int i = at + 2; i < lines.size() && !lines.get(i).equals("```"); i++) {
      String line = lines.get(i);
      if (line.isBlank() || line.trim().startsWith("--")) {
        continue;
      }
      current.append(line).append('\n');
      if (line.trim().endsWith(";")) {
        String s = current.toString().trim();
        statements.add(s.substring(0, s.length() - 1));
        current.setLength(0);
      }
    }
    if (!current.toString().isBlank()) {
      throw new AssertionError(marker + ": the last statement has no ';': " + current);
    }
    return statements;
  }
}
