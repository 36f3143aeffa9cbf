package dev.mstream.jobs.eval;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mstream.schemas.ResultStatus;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A collection in which some documents are rightly dead-lettered (two have no text at all, as in
 * some public BEIR collections) is evaluated, not waited on: the run ends once every document is
 * indexed or dead-lettered, counts the dead letters by reason, scores what was indexed, and counts
 * a judged-relevant document that could not be indexed as a miss. Built from the demo corpus, so it
 * needs nothing outside the repository.
 */
class DeadLetteredDocumentsITCase {

  @TempDir Path dir;

  @Test
  void documentsWithoutTextAreCountedAndTheRestIsScored() throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<String> corpus = new ArrayList<>();
    List<String> queries = new ArrayList<>();
    List<String> qrels = new ArrayList<>(List.of("query-id\tcorpus-id\tscore"));
    try (InputStream in = getClass().getResourceAsStream("/demo/corpus.jsonl")) {
      for (String line : new String(in.readAllBytes(), UTF_8).split("\n")) {
        if (line.isBlank()) {
          continue;
        }
        corpus.add(line);
        JsonNode doc = json.readTree(line);
        if (queries.size() < 5) {
          // a document's title as the query, the document as its one relevant answer
          String qid = "q" + queries.size();
          queries.add(
              json.writeValueAsString(Map.of("_id", qid, "text", doc.get("title").asText())));
          qrels.add(qid + "\t" + doc.get("id").asText() + "\t1");
        }
      }
    }
    int indexable = corpus.size();
    corpus.add("{\"_id\": \"empty-1\", \"title\": \"\", \"text\": \"\"}");
    corpus.add("{\"_id\": \"empty-2\", \"title\": \"\", \"text\": \"\"}");
    queries.add("{\"_id\": \"q-empty\", \"text\": \"a document with nothing in it\"}");
    qrels.add("q-empty\tempty-1\t1");
    Files.write(dir.resolve("corpus.jsonl"), corpus, UTF_8);
    Files.write(dir.resolve("queries.jsonl"), queries, UTF_8);
    Files.createDirectories(dir.resolve("qrels"));
    Files.write(dir.resolve("qrels/test.tsv"), qrels, UTF_8);

    BeirDataset data = BeirDataset.load(dir, "test");
    // Before dead letters were counted, this waited for 42 documents in the index, stalled for
    // five minutes and threw a TimeoutException.
    BeirEvaluation.Result r =
        BeirEvaluation.run(data, new BeirEvaluation.Settings().parallelism(1).k(10), Progress.log())
            .get(0);

    assertThat(r.documents()).isEqualTo(indexable + 2);
    assertThat(r.indexed()).isEqualTo(indexable);
    assertThat(r.deadLettered()).containsExactlyEntriesOf(Map.of("EMPTY_TEXT", 2));
    assertThat(r.judgedDeadLettered()).isEqualTo(1);
    assertThat(r.statuses()).containsOnlyKeys(ResultStatus.OK);
    // Five title queries find their document; the sixth's only relevant document was rejected.
    assertThat(r.metrics().queries()).isEqualTo(6);
    assertThat(r.metrics().recall(10)).isCloseTo(5.0 / 6, within(1e-9));
  }
}
