package dev.mstream.jobs.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mstream.jobs.client.CorpusReader;
import dev.mstream.schemas.Document;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A BEIR-style retrieval dataset folder: {@code corpus.jsonl} ({@code _id}, {@code title}, {@code
 * text}), {@code queries.jsonl} ({@code _id}, {@code text}) and {@code qrels/<split>.tsv} (header,
 * then {@code query-id corpus-id score}, tab-separated, graded relevance).
 *
 * <p>Only the queries that have judgments in the split are kept, in the order of their first
 * judgment in the qrels file; this order makes {@link #slice} deterministic.
 */
public final class BeirDataset {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String name;
  private final List<Document> corpus;
  private final Map<String, String> queries;
  private final Map<String, Map<String, Integer>> qrels;

  BeirDataset(
      String name,
      List<Document> corpus,
      Map<String, String> queries,
      Map<String, Map<String, Integer>> qrels) {
    this.name = name;
    this.corpus = Collections.unmodifiableList(corpus);
    this.queries = Collections.unmodifiableMap(queries);
    this.qrels = Collections.unmodifiableMap(qrels);
  }

  /**
   * @param split the qrels file name without {@code .tsv}, e.g. {@code test}
   * @throws IOException naming the file and line of anything malformed or missing
   */
  public static BeirDataset load(Path dir, String split) throws IOException {
    Path corpusFile = dir.resolve("corpus.jsonl");
    Path queriesFile = dir.resolve("queries.jsonl");
    Path qrelsFile = dir.resolve("qrels").resolve(split + ".tsv");
    for (Path p : List.of(corpusFile, queriesFile, qrelsFile)) {
      if (!Files.isRegularFile(p)) {
        throw new IOException(
            "not a BEIR dataset folder: "
                + p.toAbsolutePath()
                + " is missing (expected corpus.jsonl, queries.jsonl, qrels/"
                + split
                + ".tsv)");
      }
    }
    Map<String, Map<String, Integer>> qrels = readQrels(qrelsFile);

    Map<String, String> allQueries = new LinkedHashMap<>();
    long lineNo = 0;
    for (String line : Files.readAllLines(queriesFile, StandardCharsets.UTF_8)) {
      lineNo++;
      if (line.isBlank()) {
        continue;
      }
      JsonNode node = JSON.readTree(line);
      JsonNode id = node.get("_id");
      JsonNode text = node.get("text");
      if (id == null || text == null) {
        throw new IOException(queriesFile + " line " + lineNo + ": needs \"_id\" and \"text\"");
      }
      allQueries.put(id.asText(), text.asText());
    }
    Map<String, String> queries = new LinkedHashMap<>();
    for (String qid : qrels.keySet()) {
      String text = allQueries.get(qid);
      if (text == null) {
        throw new IOException(qrelsFile + ": query " + qid + " is not in " + queriesFile);
      }
      queries.put(qid, text);
    }

    List<Document> corpus = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(corpusFile, StandardCharsets.UTF_8)) {
      new CorpusReader("default").read(in, corpus::add);
    } catch (IOException e) {
      throw new IOException(corpusFile + ": " + e.getMessage(), e);
    }
    return new BeirDataset(dir.getFileName().toString(), corpus, queries, qrels);
  }

  private static Map<String, Map<String, Integer>> readQrels(Path file) throws IOException {
    Map<String, Map<String, Integer>> qrels = new LinkedHashMap<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) {
        continue;
      }
      String[] cols = line.split("\t");
      if (cols.length < 3) {
        throw new IOException(file + " line " + (i + 1) + ": expected query-id, corpus-id, score");
      }
      int score;
      try {
        score = Integer.parseInt(cols[2].trim());
      } catch (NumberFormatException e) {
        if (i == 0) {
          continue; // the header: query-id corpus-id score
        }
        throw new IOException(file + " line " + (i + 1) + ": score '" + cols[2] + "'", e);
      }
      qrels.computeIfAbsent(cols[0].trim(), k -> new LinkedHashMap<>()).put(cols[1].trim(), score);
    }
    return qrels;
  }

  /**
   * A deterministic subset: the first {@code maxQueries} judged queries (all when negative), and
   * the documents they judged plus the first {@code extraDocuments} other documents of the corpus,
   * in corpus order (the whole corpus when {@code extraDocuments} is negative).
   */
  public BeirDataset slice(int maxQueries, int extraDocuments) {
    Map<String, String> q = new LinkedHashMap<>();
    Map<String, Map<String, Integer>> r = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : queries.entrySet()) {
      if (maxQueries >= 0 && q.size() >= maxQueries) {
        break;
      }
      q.put(e.getKey(), e.getValue());
      r.put(e.getKey(), qrels.get(e.getKey()));
    }
    List<Document> docs = corpus;
    if (extraDocuments >= 0) {
      Set<String> judged = new HashSet<>();
      r.values().forEach(m -> judged.addAll(m.keySet()));
      docs = new ArrayList<>();
      int extra = 0;
      for (Document d : corpus) {
        if (judged.contains(d.getId())) {
          docs.add(d);
        } else if (extra < extraDocuments) {
          docs.add(d);
          extra++;
        }
      }
    }
    String sliceName =
        name
            + (maxQueries >= 0 || extraDocuments >= 0
                ? " (slice: " + q.size() + " queries, " + docs.size() + " documents)"
                : "");
    return new BeirDataset(sliceName, docs, q, r);
  }

  /** A corpus without queries or judgments (for benchmarks that only index). */
  public static BeirDataset of(String name, List<Document> corpus) {
    return new BeirDataset(name, new ArrayList<>(corpus), Map.of(), Map.of());
  }

  /**
   * This collection as long documents: groups of {@code min} to {@code max} documents concatenated
   * into one (seeded), judgments mapped to the document holding the judged one ({@link
   * ConcatenatedCorpus}).
   */
  public BeirDataset concatenated(int min, int max, long seed) {
    return ConcatenatedCorpus.of(this, min, max, seed);
  }

  public String name() {
    return name;
  }

  /** Documents in file order, namespace {@code default}. */
  public List<Document> corpus() {
    return corpus;
  }

  /** Judged queries: id → text, in qrels order. */
  public Map<String, String> queries() {
    return queries;
  }

  /** Query id → (document id → graded relevance). */
  public Map<String, Map<String, Integer>> qrels() {
    return qrels;
  }
}
