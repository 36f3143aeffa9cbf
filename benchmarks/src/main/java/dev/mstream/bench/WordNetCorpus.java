package dev.mstream.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the WordNet glosses and examples ({@link WordNetTexts}) as a BEIR-shaped folder of JSON
 * Lines for the whole-job benchmarks ({@code bench-latency --corpus DIR --bulk DIR/bulk.jsonl}):
 * {@code corpus.jsonl} ({@code --docs} documents), {@code queries.jsonl} ({@code --queries}
 * held-back texts, disjoint from every document) and {@code bulk.jsonl} (the remaining texts, for
 * bulk loads). Shuffled with a fixed seed, so every run writes the same files.
 *
 * <pre>
 * benchmarks/run.sh WordNetCorpus [--docs 100000] [--queries 2000] [--out DIR]
 * </pre>
 *
 * The default folder is {@code wordnet-jsonl} in the benchmark cache ({@link BenchFiles#dir()}).
 */
public final class WordNetCorpus {

  private static final long SEED = 20261201L;
  private static final ObjectMapper JSON = new ObjectMapper();

  private WordNetCorpus() {}

  public static void main(String[] args) throws IOException {
    Bench.checkArgs(
        "WordNetCorpus", args, "--docs=N", "--queries=N", "--out=VALUE", "--wordnet=VALUE");
    int docs = Bench.intArg(args, "--docs", 100_000);
    int queries = Bench.intArg(args, "--queries", 2000);
    String outArg = Bench.arg(args, "--out");
    Path out = outArg == null ? BenchFiles.dir().resolve("wordnet-jsonl") : Path.of(outArg);
    String wordnetArg = Bench.arg(args, "--wordnet");
    Path wordnet = wordnetArg == null ? WordNetTexts.DEFAULT_DIR : Path.of(wordnetArg);
    List<String> texts = WordNetTexts.read(wordnet);
    if (docs + queries > texts.size()) {
      throw new IllegalArgumentException(
          "WordNet has "
              + texts.size()
              + " distinct texts, fewer than --docs "
              + docs
              + " + --queries "
              + queries);
    }
    WordNetTexts.Split split = WordNetTexts.split(texts, queries, Integer.MAX_VALUE, SEED);
    Files.createDirectories(out);
    write(out.resolve("corpus.jsonl"), "wn-", split.corpus().subList(0, docs));
    write(out.resolve("queries.jsonl"), "q-", split.queries());
    List<String> rest = split.corpus().subList(docs, split.corpus().size());
    write(out.resolve("bulk.jsonl"), "wnb-", rest);
    System.out.printf(
        "WordNet: %,d distinct texts -> %s: corpus.jsonl %,d, queries.jsonl %,d, bulk.jsonl %,d"
            + " (seed %d)%n",
        texts.size(), out, docs, split.queries().size(), rest.size(), SEED);
  }

  private static void write(Path file, String idPrefix, List<String> texts) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (int i = 0; i < texts.size(); i++) {
        ObjectNode node = JSON.createObjectNode();
        node.put("_id", idPrefix + i);
        node.put("text", texts.get(i));
        w.write(JSON.writeValueAsString(node));
        w.newLine();
      }
    }
  }
}
