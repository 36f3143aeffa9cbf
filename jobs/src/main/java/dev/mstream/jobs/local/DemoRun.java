package dev.mstream.jobs.local;

import dev.mstream.jobs.MStreamOptions;
import dev.mstream.jobs.client.CorpusReader;
import dev.mstream.jobs.client.DocumentPublisher;
import dev.mstream.jobs.client.QueryClient;
import dev.mstream.schemas.Hit;
import dev.mstream.schemas.Query;
import dev.mstream.schemas.QueryResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.configuration.Configuration;

/**
 * Loads the bundled demo corpus (written for this project) into a running instance, waits until it
 * is searchable, and prints the answers to a few example queries.
 */
public final class DemoRun {

  private static final String CORPUS = "/demo/corpus.jsonl";
  private static final String QUERIES = "/demo/queries.txt";

  private final Configuration options;
  private final PrintStream out;

  public DemoRun(Configuration options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  public void run() throws Exception {
    String bootstrap = options.get(MStreamOptions.BOOTSTRAP_SERVERS);
    var encoding = options.get(MStreamOptions.ENCODING);
    var props = MStreamOptions.kafkaProperties(options);
    long loaded;
    try (DocumentPublisher publisher =
            new DocumentPublisher(
                bootstrap, options.get(MStreamOptions.DOCUMENTS_TOPIC), encoding, props);
        BufferedReader in = resource(CORPUS)) {
      loaded = new CorpusReader("default").read(in, publisher::publish);
      publisher.flush();
    }
    out.printf("%nDemo: published %d documents; waiting until all are searchable ...%n", loaded);
    try (QueryClient queries =
        new QueryClient(
            bootstrap,
            options.get(MStreamOptions.QUERIES_TOPIC),
            options.get(MStreamOptions.RESULTS_TOPIC),
            encoding,
            props)) {
      awaitIndexed(queries, loaded, Duration.ofMinutes(3));
      List<Query> sent = new ArrayList<>();
      for (String text : lines(QUERIES)) {
        Query q = query(text, 3);
        queries.send(q);
        sent.add(q);
      }
      queries.flush();
      Map<String, QueryResult> results =
          queries.await(sent.stream().map(Query::getQueryId).toList(), Duration.ofMinutes(1));
      for (Query q : sent) {
        QueryResult r = results.get(q.getQueryId());
        out.printf("%n> %s%n", q.getText());
        if (r == null) {
          out.println("  (no answer within a minute)");
          continue;
        }
        for (Hit h : r.getHits()) {
          out.printf("  %.3f  %-9s %s%n", h.getScore(), h.getDocId(), h.getAttributes());
        }
        out.printf(
            "  [%s, %d documents searched, %d ms end to end]%n",
            r.getStatus(), r.getIndexSize(), r.getTimings().getTotalMs());
      }
    }
  }

  /** Probes with a query until the answer reports every document in the index. */
  private void awaitIndexed(QueryClient queries, long expected, Duration timeout) throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      Query probe = query("probe", 1);
      queries.send(probe);
      queries.flush();
      QueryResult r =
          queries
              .await(List.of(probe.getQueryId()), Duration.ofSeconds(10))
              .get(probe.getQueryId());
      if (r != null && r.getIndexSize() >= expected) {
        return;
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("demo corpus not indexed after " + timeout.toSeconds() + " s");
  }

  private static Query query(String text, int k) {
    return Query.newBuilder()
        .setQueryId(UUID.randomUUID().toString())
        .setText(text)
        .setK(k)
        .setEventTime(Instant.now())
        .build();
  }

  private static BufferedReader resource(String name) throws IOException {
    InputStream in = DemoRun.class.getResourceAsStream(name);
    if (in == null) {
      throw new IOException("resource " + name + " missing from the jar");
    }
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
  }

  private static List<String> lines(String name) throws IOException {
    try (BufferedReader in = resource(name)) {
      return in.lines().filter(l -> !l.isBlank()).toList();
    }
  }
}
