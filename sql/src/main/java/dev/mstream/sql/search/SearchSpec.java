package dev.mstream.sql.search;

import dev.mstream.schemas.codec.Encoding;
import java.io.Serializable;
import java.util.Map;

/**
 * One index table's searches, checked at planning time: where the job is, what every search asks
 * for, and how hits become rows.
 *
 * @param table the table's name, for messages
 * @param dims prefix dimensions of the shortlist, or null for the job's default
 * @param candidates shortlist size, or null for the job's default
 * @param kafka Kafka client properties ({@code properties.*} without the prefix)
 */
record SearchSpec(
    String table,
    String bootstrapServers,
    String queriesTopic,
    String resultsTopic,
    Encoding encoding,
    String namespace,
    Map<String, String> filter,
    Integer dims,
    Integer candidates,
    long timeoutMillis,
    MStreamIndexOptions.PartialResults partialResults,
    Map<String, String> kafka,
    HitLayout layout)
    implements Serializable {

  SearchSpec {
    filter = Map.copyOf(filter);
    kafka = Map.copyOf(kafka);
  }

  /** The same searches with one call's namespace, filter, dims and candidates. */
  SearchSpec with(String namespace, Map<String, String> filter, Integer dims, Integer candidates) {
    return new SearchSpec(
        table,
        bootstrapServers,
        queriesTopic,
        resultsTopic,
        encoding,
        namespace,
        filter,
        dims,
        candidates,
        timeoutMillis,
        partialResults,
        kafka,
        layout);
  }
}
