package dev.mstream.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Real texts nobody here wrote: the glosses (definitions) and example sentences of WordNet 3.0, as
 * shipped in the Debian package {@code wordnet-base} ({@code /usr/share/wordnet/data.*}). In a data
 * line the gloss follows {@code " | "}; examples are the double-quoted parts of the gloss.
 */
public final class WordNetTexts {

  public static final Path DEFAULT_DIR = Path.of("/usr/share/wordnet");
  private static final String[] FILES = {"data.noun", "data.verb", "data.adj", "data.adv"};
  private static final Pattern QUOTED = Pattern.compile("\"([^\"]+)\"");

  private WordNetTexts() {}

  /** Distinct glosses and examples, in file order (definitions before their examples). */
  public static List<String> read(Path dir) throws IOException {
    Set<String> texts = new LinkedHashSet<>();
    for (String name : FILES) {
      Path file = dir.resolve(name);
      if (!Files.exists(file)) {
        throw new IOException(
            file
                + " is missing: install the Debian package wordnet-base"
                + " (apt-get install -y wordnet-base)");
      }
      // WordNet 3.0 data files are ASCII with a few Latin-1 bytes.
      try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
        String line;
        while ((line = in.readLine()) != null) {
          parseLine(line, texts);
        }
      }
    }
    return new ArrayList<>(texts);
  }

  /** Adds the definition and the examples of one data line (license header lines are skipped). */
  static void parseLine(String line, Set<String> out) {
    if (line.startsWith("  ")) {
      return; // license header
    }
    int bar = line.indexOf(" | ");
    if (bar < 0) {
      return;
    }
    String gloss = line.substring(bar + 3).trim();
    Matcher m = QUOTED.matcher(gloss);
    int firstQuote = gloss.indexOf('"');
    String definition = firstQuote < 0 ? gloss : gloss.substring(0, firstQuote);
    definition = stripSeparators(definition);
    if (definition.length() >= 3) {
      out.add(definition);
    }
    while (m.find()) {
      String example = m.group(1).trim();
      if (example.length() >= 3) {
        out.add(example);
      }
    }
  }

  private static String stripSeparators(String s) {
    String t = s.trim();
    while (t.endsWith(";") || t.endsWith(":") || t.endsWith(",")) {
      t = t.substring(0, t.length() - 1).trim();
    }
    return t;
  }

  /** A corpus and held-back queries, disjoint as texts. */
  public record Split(List<String> corpus, List<String> queries) {}

  /** Shuffles with {@code seed} and holds back the first {@code queries} texts as queries. */
  public static Split split(List<String> texts, int queries, int maxCorpus, long seed) {
    List<String> shuffled = new ArrayList<>(texts);
    Collections.shuffle(shuffled, new Random(seed));
    List<String> q = new ArrayList<>(shuffled.subList(0, queries));
    int end = (int) Math.min(shuffled.size(), (long) queries + maxCorpus);
    List<String> c = new ArrayList<>(shuffled.subList(queries, end));
    return new Split(c, q);
  }
}
