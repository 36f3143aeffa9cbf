package dev.mstream.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * Real texts of a second kind: the definitions of the GNU Collaborative International Dictionary of
 * English (GCIDE 0.48, mostly Webster's Revised Unabridged Dictionary of 1913), as shipped in the
 * Debian package {@code dict-gcide} ({@code /usr/share/dictd/gcide.dict.dz}: dictd format, dictzip,
 * which any gzip reader decompresses as one stream).
 *
 * <p>An entry starts with its headword at column 0 ({@code Affect \Af*fect"\, v. t. [etymology]}),
 * the header may run over several lines until its brackets close; senses follow, numbered ({@code
 * 1.}) or not, each paragraph closed by a source tag ({@code [1913 Webster]}). Kept: the sense
 * texts of Webster-sourced senses, without sense numbers, usage labels ({@code [Obs.]}), citations
 * ({@code --Milton.}), cross-reference braces and character markup. Dropped: quotations (indented
 * paragraphs), synonym lists, notes, senses taken from WordNet (GCIDE copies WordNet 1.5 glosses,
 * which the WordNet source already has), texts of fewer than {@link #MIN_WORDS} words, and
 * duplicates (compared lower-cased, letters and digits only).
 */
public final class GcideTexts {

  public static final Path DEFAULT_FILE = Path.of("/usr/share/dictd/gcide.dict.dz");
  static final int MIN_WORDS = 4;

  private static final Pattern SENSE_NUMBER = Pattern.compile("^(\\d+\\.|\\([a-z]\\))\\s+");

  /** A variant spelling inside an entry: {@code \\Um*brat"ic*al\\ (um*brat"i*kal), a.}. */
  private static final Pattern VARIANT_HEADER =
      Pattern.compile("^\\\\[^\\\\]*\\\\\\s*(\\([^)]*\\))?,?\\s*((?:[a-z]{1,4}\\.|&)\\s*)*");

  private static final Pattern CITATION = Pattern.compile("--\\s?[A-Z][^\"]*$");
  private static final Pattern LABEL = Pattern.compile("\\[[^\\]]*\\]");

  /** Accented letters: {@code ['e]}, {@code [=a]}, {@code [i^]}, {@code [ae]}, {@code [imac]}. */
  private static final Pattern ACCENT_BEFORE =
      Pattern.compile("\\[[=~^`'\".,*-]([A-Za-z]{1,2})\\]");

  private static final Pattern ACCENT_AFTER = Pattern.compile("\\[([A-Za-z]{1,2})\\^\\]");
  private static final Pattern LIGATURE = Pattern.compile("\\[(ae|AE|oe|OE)\\]");
  private static final Pattern MACRON_OR_UMLAUT = Pattern.compile("\\[([a-z])(mac|um)\\]");
  private static final Pattern SOURCE_TAG = Pattern.compile("^\\s*\\[[^\\]]*\\]\\s*$");
  private static final Pattern SPACES = Pattern.compile("\\s+");

  private GcideTexts() {}

  /**
   * Distinct definitions in file order, none of which equals (after normalisation) one of {@code
   * exclude}.
   */
  public static List<String> read(Path dictDz, Collection<String> exclude) throws IOException {
    if (!Files.exists(dictDz)) {
      throw new IOException(
          dictDz
              + " is missing: install the Debian package dict-gcide (apt-get install -y dict-gcide)");
    }
    String text;
    try (InputStream in = new GZIPInputStream(Files.newInputStream(dictDz), 1 << 16)) {
      // GCIDE's dictd file is UTF-8 (a few characters the converter could not map are '?').
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    return parse(text, exclude);
  }

  /** Parses the decompressed dictionary text. */
  static List<String> parse(String text, Collection<String> exclude) {
    Set<String> seen = new HashSet<>();
    for (String e : exclude) {
      seen.add(normalise(e));
    }
    Set<String> out = new LinkedHashSet<>();
    List<String> entry = new ArrayList<>();
    for (String line : text.split("\n", -1)) {
      if (!line.isEmpty() && !Character.isWhitespace(line.charAt(0)) && line.contains(" \\")) {
        parseEntry(entry, seen, out);
        entry.clear();
      }
      entry.add(line);
    }
    parseEntry(entry, seen, out);
    return new ArrayList<>(out);
  }

  /** Adds the definitions of one entry (its lines, headword line first). */
  static void parseEntry(List<String> lines, Set<String> seen, Set<String> out) {
    if (lines.isEmpty() || !lines.get(0).contains(" \\")) {
      return; // the preamble before the first entry
    }
    int i = skipHeader(lines);
    List<String> paragraph = new ArrayList<>();
    for (; i <= lines.size(); i++) {
      String line = i < lines.size() ? lines.get(i) : "";
      if (line.isBlank()) {
        addSense(paragraph, seen, out);
        paragraph.clear();
      } else {
        paragraph.add(line);
      }
    }
  }

  /** Index of the first line after the header (where the brackets the header opened close). */
  private static int skipHeader(List<String> lines) {
    int depth = 0;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      // The pronunciation between backslashes may hold markup brackets; count outside it.
      int from = i == 0 ? Math.max(0, line.indexOf('\\', line.indexOf('\\') + 1)) : 0;
      for (int c = from; c < line.length(); c++) {
        char ch = line.charAt(c);
        if (ch == '[') {
          depth++;
        } else if (ch == ']') {
          depth = Math.max(0, depth - 1);
        }
      }
      if (depth == 0) {
        return i + 1;
      }
    }
    return lines.size();
  }

  /** One paragraph of an entry: a sense (kept), or a quotation, synonyms, a note (dropped). */
  private static void addSense(List<String> paragraph, Set<String> seen, Set<String> out) {
    if (paragraph.isEmpty()) {
      return;
    }
    String first = paragraph.get(0);
    int indent = first.length() - first.stripLeading().length();
    String head = first.strip();
    if (indent >= 8
        || head.startsWith("Syn:")
        || head.startsWith("Note:")
        || head.startsWith("Usage:")) {
      return; // quotation, synonym list, usage note
    }
    StringBuilder sense = new StringBuilder();
    boolean fromWordNet = false;
    for (String line : paragraph) {
      if (SOURCE_TAG.matcher(line).matches()) {
        fromWordNet |= line.contains("WordNet");
        continue;
      }
      String l = CITATION.matcher(line.strip()).replaceAll("");
      sense.append(l).append(' ');
    }
    if (fromWordNet) {
      return;
    }
    String s = clean(sense.toString());
    if (s.isEmpty() || SPACES.split(s).length < MIN_WORDS) {
      return;
    }
    if (seen.add(normalise(s))) {
      out.add(s);
    }
  }

  /** Strips sense numbers, character markup, labels and braces, and squeezes spaces. */
  static String clean(String raw) {
    String s = SPACES.matcher(raw).replaceAll(" ").strip();
    s = VARIANT_HEADER.matcher(s).replaceFirst("");
    s = SENSE_NUMBER.matcher(s).replaceFirst("");
    s = ACCENT_BEFORE.matcher(s).replaceAll("$1");
    s = ACCENT_AFTER.matcher(s).replaceAll("$1");
    s = LIGATURE.matcher(s).replaceAll("$1");
    s = MACRON_OR_UMLAUT.matcher(s).replaceAll("$1");
    s = s.replace("[eth]", "th").replace("[thorn]", "th").replace("[deg]", "\u00b0");
    s = LABEL.matcher(s).replaceAll("");
    s = s.replace("{", "").replace("}", "");
    s = s.replace(" ;", ";").replace(" ,", ",").replace(" .", ".");
    s = SPACES.matcher(s).replaceAll(" ").strip();
    while (s.endsWith(";") || s.endsWith(":") || s.endsWith(",") || s.endsWith("--")) {
      s = s.substring(0, s.length() - (s.endsWith("--") ? 2 : 1)).strip();
    }
    return s;
  }

  /** The comparison key for duplicates: lower case, letters and digits only. */
  static String normalise(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toLowerCase(Locale.ROOT).toCharArray()) {
      if (Character.isLetterOrDigit(c)) {
        b.append(c);
      }
    }
    return b.toString();
  }
}
