package dev.mstream.jobs.local;

import dev.mstream.jobs.MStreamOptions;
import dev.mstream.jobs.client.DocumentPublisher;
import dev.mstream.jobs.client.QueryClient;
import org.apache.flink.configuration.Configuration;

/**
 * A query client and a document publisher for one job, wired from its options (topics, encoding and
 * {@code mstream.kafka.*} client properties), closed together.
 */
public record LocalClients(QueryClient queries, DocumentPublisher documents)
    implements AutoCloseable {

  /** Clients of the job a {@link LocalRunner} runs, on its embedded broker. */
  public static LocalClients open(LocalRunner runner) {
    return open(runner.bootstrapServers(), runner.options());
  }

  /**
   * Clients of the job configured by {@code options}, on the broker at {@code bootstrap}. The query
   * client comes first: it pins the results topic's end before anything can be published.
   */
  public static LocalClients open(String bootstrap, Configuration options) {
    QueryClient queries =
        new QueryClient(
            bootstrap,
            options.get(MStreamOptions.QUERIES_TOPIC),
            options.get(MStreamOptions.RESULTS_TOPIC),
            options.get(MStreamOptions.ENCODING),
            MStreamOptions.kafkaProperties(options));
    try {
      return new LocalClients(
          queries,
          new DocumentPublisher(
              bootstrap,
              options.get(MStreamOptions.DOCUMENTS_TOPIC),
              options.get(MStreamOptions.ENCODING),
              MStreamOptions.kafkaProperties(options)));
    } catch (RuntimeException | Error e) {
      queries.close();
      throw e;
    }
  }

  /** Reverse order of opening; the query client is closed even when the publisher's close fails. */
  @Override
  public void close() {
    try {
      documents.close();
    } finally {
      queries.close();
    }
  }
}
