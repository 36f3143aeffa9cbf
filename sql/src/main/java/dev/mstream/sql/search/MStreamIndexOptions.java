package dev.mstream.sql.search;

import static org.apache.flink.configuration.ConfigOptions.key;

import dev.mstream.schemas.codec.Encoding;
import java.time.Duration;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;

/**
 * Options of {@code CREATE TABLE ... WITH ('connector' = 'mstream', ...)}: where the running job
 * reads queries and writes results, and what every search asks for. The per-search ones ({@link
 * #NAMESPACE}, {@link #FILTER_PREFIX}, {@link #DIMS}, {@link #CANDIDATES}) may also be given in
 * VECTOR_SEARCH's config map, which wins.
 */
@PublicEvolving
public final class MStreamIndexOptions {

  private MStreamIndexOptions() {}

  public static final ConfigOption<String> BOOTSTRAP_SERVERS =
      key("bootstrap-servers")
          .stringType()
          .noDefaultValue()
          .withDescription("Kafka bootstrap servers of the job's topics. Required.");

  public static final ConfigOption<String> QUERIES_TOPIC =
      key("topics.queries")
          .stringType()
          .defaultValue("mstream.queries")
          .withDescription("The job's queries topic (its mstream.topics.queries).");

  public static final ConfigOption<String> RESULTS_TOPIC =
      key("topics.results")
          .stringType()
          .defaultValue("mstream.results")
          .withDescription("The job's results topic (its mstream.topics.results).");

  public static final ConfigOption<Encoding> ENCODING =
      key("encoding")
          .enumType(Encoding.class)
          .defaultValue(Encoding.JSON)
          .withDescription("The job's mstream.encoding: JSON, AVRO or AVRO_SQL.");

  public static final ConfigOption<String> NAMESPACE =
      key("namespace")
          .stringType()
          .defaultValue("default")
          .withDescription("Namespace searched; a search only sees documents of its namespace.");

  /** {@code filter.<attribute>} = value: hits must carry every one of these attribute values. */
  public static final String FILTER_PREFIX = "filter.";

  public static final ConfigOption<Integer> DIMS =
      key("dims")
          .intType()
          .noDefaultValue()
          .withDescription("Prefix dimensions of the shortlist; the job's default when unset.");

  public static final ConfigOption<Integer> CANDIDATES =
      key("candidates")
          .intType()
          .noDefaultValue()
          .withDescription(
              "Shortlist reranked on full vectors, per index subtask; the job's default when"
                  + " unset.");

  public static final ConfigOption<Duration> QUERY_TIMEOUT =
      key("query-timeout")
          .durationType()
          .defaultValue(Duration.ofSeconds(30))
          .withDescription(
              "How long a search waits for the job's result before it fails with an error naming"
                  + " the topics. Must be below the async operator's timeout"
                  + " (table.exec.async-vector-search.timeout, 3 min by default).");

  public static final ConfigOption<PartialResults> PARTIAL_RESULTS =
      key("partial-results")
          .enumType(PartialResults.class)
          .defaultValue(PartialResults.FAIL)
          .withDescription(
              "A PARTIAL result (an index subtask did not answer within the job's"
                  + " mstream.query.deadline): 'fail' the search, or 'accept' its hits.");

  /** Kafka client properties ({@code properties.security.protocol}, SASL, SSL, ...). */
  public static final String PROPERTIES_PREFIX = "properties.";

  /** {@link #PARTIAL_RESULTS}' values. */
  public enum PartialResults {
    FAIL,
    ACCEPT;

    @Override
    public String toString() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
