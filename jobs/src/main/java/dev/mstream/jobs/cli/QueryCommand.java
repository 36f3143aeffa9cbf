package dev.mstream.jobs.cli;

import dev.mstream.jobs.MStreamOptions;
import dev.mstream.jobs.client.QueryClient;
import dev.mstream.schemas.ChunkAggregation;
import dev.mstream.schemas.Query;
import dev.mstream.schemas.QueryResult;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "query",
    mixinStandardHelpOptions = true,
    description = "Publish one query to a running instance and print its result.")
final class QueryCommand implements Callable<Integer> {

  @Parameters(paramLabel = "TEXT", arity = "1..*", description = "The query text.")
  List<String> words;

  @Option(
      names = "--k",
      defaultValue = "10",
      description = "Hits wanted (default: ${DEFAULT-VALUE}).")
  int k;

  @Option(
      names = {"-n", "--namespace"},
      defaultValue = "default",
      description = "Namespace searched.")
  String namespace;

  @Option(names = "--dims", description = "Prefix dimensions for the shortlist.")
  Integer dims;

  @Option(names = "--candidates", description = "Shortlist size reranked on full vectors.")
  Integer candidates;

  @Option(
      names = "--chunk-aggregation",
      paramLabel = "MAX|SUM",
      description =
          "How long documents are scored from their chunks: MAX (best chunk, the default) or SUM"
              + " (of the best --chunk-top-m chunks).")
  ChunkAggregation aggregation;

  @Option(names = "--chunk-top-m", description = "Chunks summed per document by SUM (default 3).")
  Integer chunkTopM;

  @Option(names = "--filter", paramLabel = "attr=value", description = "Required attribute value.")
  Map<String, String> filter = new LinkedHashMap<>();

  @Option(names = "--timeout", defaultValue = "PT30S", description = "How long to wait (ISO-8601).")
  Duration timeout;

  @Mixin ClientOptions client;

  @Override
  public Integer call() {
    Configuration conf = client.configuration();
    try (QueryClient queries =
        new QueryClient(
            client.bootstrapServers,
            conf.get(MStreamOptions.QUERIES_TOPIC),
            conf.get(MStreamOptions.RESULTS_TOPIC),
            conf.get(MStreamOptions.ENCODING),
            client.kafkaProperties())) {
      // Built only now, so its event time (total_ms in the result) excludes client start-up.
      Query query =
          Query.newBuilder()
              .setQueryId(UUID.randomUUID().toString())
              .setNamespace(namespace)
              .setText(String.join(" ", words))
              .setK(k)
              .setDims(dims)
              .setChunkAggregation(aggregation)
              .setChunkTopM(chunkTopM)
              .setCandidates(candidates)
              .setFilter(filter)
              .setEventTime(Instant.now())
              .build();
      queries.send(query);
      queries.flush();
      QueryResult result =
          queries.await(List.of(query.getQueryId()), timeout).get(query.getQueryId());
      if (result == null) {
        System.err.println("No result within " + timeout.toSeconds() + " s. Is the job running?");
        return 2;
      }
      ResultPrinter.print(query.getText(), result, System.out);
      return result.getStatus().name().equals("ERROR") ? 1 : 0;
    }
  }
}
