package dev.mstream.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import me.tongfei.progressbar.ProgressBar;

/**
 * Writes a cached real collection ({@link RealVectors}) as a BEIR dataset folder whose judgements
 * are the <em>exact</em> top-10 of every held-back query over the written documents, so that {@code
 * mstream eval} on it reports, as recall@10, the recall of the job's query path against exact
 * search — on a corpus nobody tuned the defaults for. The exact top-10 is computed here on the
 * cached vectors (embedded with the job's default model; the job embeds the texts again, in other
 * batches, so its own exact search agrees up to the last bits: {@code eval --dims 0,384} shows
 * both).
 *
 * <pre>
 * benchmarks/run.sh ExactQrelsDataset --collection gcide --docs 50000 --queries 500 --out DIR
 * </pre>
 *
 * Documents are the collection's first {@code --docs} corpus texts (ids {@code d<row>}), queries
 * its first {@code --queries} held-back texts ({@code q<row>}), in {@code DIR/corpus.jsonl}, {@code
 * DIR/queries.jsonl} and {@code DIR/qrels/test.tsv} (one line per exact neighbour, score 1).
 */
public final class ExactQrelsDataset {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ExactQrelsDataset() {}

  public static void main(String[] args) throws Exception {
    Bench.checkArgs(
        "ExactQrelsDataset", args, "--collection=VALUE", "--docs=N", "--queries=N", "--out=VALUE");
    String collection = Bench.arg(args, "--collection");
    String out = Bench.arg(args, "--out");
    if (collection == null || out == null) {
      throw new IllegalArgumentException("--collection and --out are required");
    }
    RealVectors.Data data = RealVectors.load(collection);
    Path cache = BenchFiles.dir();
    List<String> corpusTexts = Files.readAllLines(cache.resolve(collection + "-corpus.txt"));
    List<String> queryTexts = Files.readAllLines(cache.resolve(collection + "-queries.txt"));
    int docs = Math.min(data.corpus().n(), Bench.intArg(args, "--docs", data.corpus().n()));
    int queries = Math.min(data.queries().n(), Bench.intArg(args, "--queries", 500));
    BenchFiles.Vectors corpus = data.corpus().head(docs);
    BenchFiles.Vectors q = data.queries().head(queries);
    int[][] truth;
    try (ProgressBar pb = Progress.bar("exact top-10", queries)) {
      truth = ExactSearch.topK(corpus, q, GroundTruth.K, 2, pb::step);
    }
    Path dir = Path.of(out);
    Files.createDirectories(dir.resolve("qrels"));
    try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("corpus.jsonl"))) {
      for (int i = 0; i < docs; i++) {
        ObjectNode doc = JSON.createObjectNode().put("_id", "d" + i).put("title", "");
        w.write(JSON.writeValueAsString(doc.put("text", corpusTexts.get(i))));
        w.newLine();
      }
    }
    try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("queries.jsonl"))) {
      for (int i = 0; i < queries; i++) {
        ObjectNode query = JSON.createObjectNode().put("_id", "q" + i);
        w.write(JSON.writeValueAsString(query.put("text", queryTexts.get(i))));
        w.newLine();
      }
    }
    try (BufferedWriter w =
        Files.newBufferedWriter(dir.resolve("qrels").resolve("test.tsv"), StandardCharsets.UTF_8)) {
      w.write("query-id\tcorpus-id\tscore");
      w.newLine();
      for (int i = 0; i < queries; i++) {
        for (int d : truth[i]) {
          w.write("q" + i + "\td" + d + "\t1");
          w.newLine();
        }
      }
    }
    System.out.printf(
        "%s: %,d documents, %,d queries with their exact top-%d as judgements -> %s%n",
        data.description(), docs, queries, GroundTruth.K, dir);
  }
}
