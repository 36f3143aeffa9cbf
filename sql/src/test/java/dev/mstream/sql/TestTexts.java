package dev.mstream.sql;

import dev.mstream.jobs.client.CorpusReader;
import dev.mstream.jobs.eval.BeirDataset;
import dev.mstream.records.DocumentChange;
import dev.mstream.schemas.Document;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Texts for the SQL tests: the demo corpus that ships in the job jar (always there), and a SciFact
 * slice when {@code ../shared/datasets/scifact} is present.
 */
public final class TestTexts {

  private TestTexts() {}

  /** The 40 documents of {@code local --demo}. */
  public static List<Document> demoCorpus() {
    List<Document> docs = new ArrayList<>();
    try (InputStream in = TestTexts.class.getResourceAsStream("/demo/corpus.jsonl")) {
      if (in == null) {
        throw new IllegalStateException("demo/corpus.jsonl is not on the class path");
      }
      new CorpusReader("default")
          .read(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)), docs::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return docs;
  }

  /**
   * At least 100 search texts about the demo corpus, id → text: its example queries, every title,
   * and the first and the last words of every text.
   */
  public static Map<String, String> demoQueries() {
    Map<String, String> q = new LinkedHashMap<>();
    try (InputStream in = TestTexts.class.getResourceAsStream("/demo/queries.txt")) {
      String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
      for (String line : lines) {
        if (!line.isBlank()) {
          q.put("demo-" + q.size(), line.trim());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (Document d : demoCorpus()) {
      String[] words = d.getText().split(" ");
      int half = words.length / 2;
      q.put("title-" + d.getId(), d.getTitle());
      q.put("head-" + d.getId(), String.join(" ", List.of(words).subList(0, half)));
      q.put("tail-" + d.getId(), String.join(" ", List.of(words).subList(half, words.length)));
    }
    return q;
  }

  /** What the job embeds for a document: its decoder's title + " " + text. */
  public static String embeddedText(Document d) {
    return DocumentChange.upsert(d.getId(), "default", d.getTitle(), d.getText(), Map.of(), 0).text;
  }

  /**
   * The first {@code queries} judged SciFact test queries with their judged documents and {@code
   * extra} others, or empty (the caller skips) when the dataset is absent.
   */
  public static Optional<BeirDataset> sciFact(int queries, int extra) throws IOException {
    Path dir = Paths.get(System.getProperty("mstream.shared.dir", "../../shared"), "datasets");
    Path scifact = dir.resolve("scifact");
    if (!Files.isRegularFile(scifact.resolve("corpus.jsonl"))) {
      return Optional.empty();
    }
    return Optional.of(BeirDataset.load(scifact, "test").slice(queries, extra));
  }

  /** The skip message for {@link #sciFact} being empty. */
  public static String noSciFact() {
    return "SciFact not found under "
        + Paths.get(System.getProperty("mstream.shared.dir", "../../shared"), "datasets")
            .toAbsolutePath()
        + " (set -Dmstream.shared.dir to the folder holding datasets/); skipping the SciFact part";
  }
}
