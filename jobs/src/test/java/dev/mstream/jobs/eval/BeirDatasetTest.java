package dev.mstream.jobs.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mstream.schemas.Document;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BeirDatasetTest {

  @TempDir Path dir;

  @BeforeEach
  void writeDataset() throws IOException {
    StringBuilder corpus = new StringBuilder();
    for (int i = 1; i <= 6; i++) {
      corpus.append(
          String.format(
              "{\"_id\": \"d%d\", \"title\": \"T%d\", \"text\": \"text %d\"}%n", i, i, i));
    }
    Files.writeString(dir.resolve("corpus.jsonl"), corpus);
    Files.writeString(
        dir.resolve("queries.jsonl"),
        "{\"_id\": \"q1\", \"text\": \"one\"}\n"
            + "{\"_id\": \"q2\", \"text\": \"two\"}\n"
            + "{\"_id\": \"q3\", \"text\": \"three\"}\n"
            + "{\"_id\": \"q9\", \"text\": \"not judged\"}\n");
    Files.createDirectories(dir.resolve("qrels"));
    Files.writeString(
        dir.resolve("qrels").resolve("test.tsv"),
        "query-id\tcorpus-id\tscore\nq2\td5\t1\nq1\td3\t2\nq1\td4\t1\nq3\td6\t1\n");
  }

  @Test
  void keepsJudgedQueriesInQrelsOrderWithGradedRelevance() throws IOException {
    BeirDataset data = BeirDataset.load(dir, "test");
    assertThat(data.queries().keySet()).containsExactly("q2", "q1", "q3");
    assertThat(data.qrels().get("q1")).isEqualTo(Map.of("d3", 2, "d4", 1));
    assertThat(data.corpus()).hasSize(6);
    Document d = data.corpus().get(0);
    assertThat(d.getId()).isEqualTo("d1");
    assertThat(d.getTitle()).isEqualTo("T1");
    assertThat(d.getText()).isEqualTo("text 1");
    assertThat(d.getNamespace()).isEqualTo("default");
  }

  @Test
  void concatenatedGroupsEveryDocumentOnceAndMovesJudgmentsToTheirLongDocument()
      throws IOException {
    BeirDataset data = BeirDataset.load(dir, "test");
    BeirDataset long1 = data.concatenated(2, 3, 7);
    assertThat(long1.corpus()).hasSizeBetween(2, 3);
    Map<String, String> container = new java.util.HashMap<>();
    for (Document d : long1.corpus()) {
      assertThat(d.getTitle()).isNull();
      String[] members = d.getText().split("\n\n");
      assertThat(members.length).isBetween(1, 3);
      for (String m : members) {
        String[] titleAndText = m.split("\n");
        assertThat(titleAndText[1]).isEqualTo("text " + titleAndText[0].substring(1));
        assertThat(container.put("d" + titleAndText[0].substring(1), d.getId())).isNull();
      }
    }
    assertThat(container).hasSize(6);
    // q1 judged d3 (2) and d4 (1): their long documents, at the highest grade of each.
    Map<String, Integer> q1 = new java.util.HashMap<>();
    q1.merge(container.get("d3"), 2, Math::max);
    q1.merge(container.get("d4"), 1, Math::max);
    assertThat(long1.qrels().get("q1")).isEqualTo(q1);
    assertThat(long1.qrels().get("q2")).isEqualTo(Map.of(container.get("d5"), 1));
    assertThat(long1.queries()).isEqualTo(data.queries());
    // Seeded: the same seed builds the same collection.
    assertThat(data.concatenated(2, 3, 7).corpus()).isEqualTo(long1.corpus());
    assertThatThrownBy(() -> data.concatenated(3, 2, 7))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void sliceTakesTheFirstQueriesTheirJudgedDocumentsAndTheFirstOthers() throws IOException {
    BeirDataset slice = BeirDataset.load(dir, "test").slice(2, 1);
    assertThat(slice.queries().keySet()).containsExactly("q2", "q1");
    List<String> ids = slice.corpus().stream().map(Document::getId).toList();
    // judged: d3, d4, d5; the first other one: d1; in corpus order
    assertThat(ids).containsExactly("d1", "d3", "d4", "d5");
    assertThat(BeirDataset.load(dir, "test").slice(-1, -1).corpus()).hasSize(6);
  }

  @Test
  void aMissingFileIsNamed() throws IOException {
    Files.delete(dir.resolve("qrels").resolve("test.tsv"));
    assertThatThrownBy(() -> BeirDataset.load(dir, "test"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("qrels")
        .hasMessageContaining("test.tsv");
  }
}
