package dev.mstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mstream.jobs.client.DocumentPublisher;
import dev.mstream.jobs.client.QueryClient;
import dev.mstream.schemas.Document;
import dev.mstream.schemas.Operation;
import dev.mstream.schemas.Query;
import dev.mstream.schemas.QueryResult;
import dev.mstream.schemas.ResultStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;

/**
 * A small, complete workload for a running job: documents (with an update and a delete), a few bad
 * records, then queries — one per document it expects first, plus an invalid one.
 */
public final class TestTraffic {

  private final String bootstrap;
  private final Configuration options;
  private final Map<String, String> live = new LinkedHashMap<>();

  public TestTraffic(String bootstrap, Configuration options) {
    this.bootstrap = bootstrap;
    this.options = options;
  }

  /** Publishes {@code count} documents, updates one, deletes one, and sends bad records. */
  public void publishDocuments(int count) {
    try (DocumentPublisher publisher =
        new DocumentPublisher(
            bootstrap,
            options.get(MStreamOptions.DOCUMENTS_TOPIC),
            options.get(MStreamOptions.ENCODING),
            new Properties())) {
      for (int i = 0; i < count; i++) {
        String id = "doc-" + i;
        publisher.publish(document(id, Sentences.sentence(i), Operation.UPSERT));
        live.put(id, Sentences.sentence(i));
      }
      publisher.publish(document("doc-0", Sentences.sentence(count), Operation.UPSERT));
      live.put("doc-0", Sentences.sentence(count));
      publisher.publish(document("doc-1", null, Operation.DELETE));
      live.remove("doc-1");
      // Dead letters: undecodable bytes, a document without text, a key that is not the id.
      publisher.send("bad-1", "\u0000 this is not a document".getBytes(StandardCharsets.UTF_8));
      publisher.publish(document("bad-2", "", Operation.UPSERT));
      publisher.send(
          "not-the-id",
          options.get(MStreamOptions.ENCODING) == dev.mstream.schemas.codec.Encoding.JSON
              ? "{\"id\":\"bad-3\",\"text\":\"key differs\"}".getBytes(StandardCharsets.UTF_8)
              : "\u0000".getBytes(StandardCharsets.UTF_8));
      publisher.flush();
    }
  }

  /**
   * Sends one query per live document (its own text, so it must come first) and one with an invalid
   * k; waits for all answers and checks them.
   */
  public Map<String, QueryResult> queryAndCheck(int queries, int subtasks, Duration timeout) {
    Map<String, String> expectedFirst = new LinkedHashMap<>();
    List<Query> sent = new ArrayList<>();
    List<String> ids = new ArrayList<>(live.keySet());
    for (int i = 0; i < Math.min(queries, ids.size()); i++) {
      String id = ids.get(i);
      Query q = query("q-" + i, live.get(id), 5);
      sent.add(q);
      expectedFirst.put(q.getQueryId(), id);
    }
    Query invalid = query("q-invalid-k", "anything", options.get(MStreamOptions.MAX_K) + 1);
    sent.add(invalid);
    try (QueryClient client =
        new QueryClient(
            bootstrap,
            options.get(MStreamOptions.QUERIES_TOPIC),
            options.get(MStreamOptions.RESULTS_TOPIC),
            options.get(MStreamOptions.ENCODING),
            new Properties())) {
      sent.forEach(client::send);
      client.flush();
      List<String> wanted = sent.stream().map(Query::getQueryId).toList();
      Map<String, QueryResult> results = client.await(wanted, timeout);
      assertThat(results.keySet())
          .as("answered queries")
          .containsExactlyInAnyOrderElementsOf(wanted);
      for (var e : expectedFirst.entrySet()) {
        QueryResult r = results.get(e.getKey());
        assertThat(r.getStatus()).as(e.getKey()).isEqualTo(ResultStatus.OK);
        assertThat(r.getSubtasksAnswered()).as(e.getKey()).isEqualTo(subtasks);
        assertThat(r.getIndexSize()).as(e.getKey()).isEqualTo(live.size());
        assertThat(r.getHits()).as(e.getKey()).isNotEmpty();
        assertThat(r.getHits().get(0).getDocId()).as(e.getKey()).isEqualTo(e.getValue());
      }
      assertThat(results.get(invalid.getQueryId()).getStatus()).isEqualTo(ResultStatus.ERROR);
      return results;
    }
  }

  public int liveDocuments() {
    return live.size();
  }

  private static Document document(String id, String text, Operation op) {
    return Document.newBuilder()
        .setId(id)
        .setText(text)
        .setOp(op)
        .setEventTime(Instant.now())
        .build();
  }

  private static Query query(String id, String text, int k) {
    return Query.newBuilder()
        .setQueryId(id)
        .setText(text)
        .setK(k)
        .setEventTime(Instant.now())
        .build();
  }
}
