package dev.mstream.sql.search;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.api.config.ExecutionConfigOptions;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.factories.DynamicTableSourceFactory;
import org.apache.flink.table.factories.FactoryUtil;

/**
 * {@code 'connector' = 'mstream'}: the live index of a running Matryoshka Stream job, for
 * VECTOR_SEARCH.
 *
 * <pre>{@code
 * CREATE TABLE mstream_index (doc_id STRING, topic STRING, embedding ARRAY<FLOAT>)
 *   WITH ('connector' = 'mstream', 'bootstrap-servers' = 'broker:9092');
 * SELECT q.question, s.doc_id, s.score
 * FROM questions_embedded AS q,
 *   LATERAL TABLE(VECTOR_SEARCH(TABLE mstream_index, DESCRIPTOR(embedding), q.embedding, 5)) AS s;
 * }</pre>
 *
 * <p>Options, the columns (see {@link HitLayout}) and their types are checked when the table is
 * used in a statement, with messages naming the table and the option or column.
 */
@PublicEvolving
public final class MStreamIndexTableFactory implements DynamicTableSourceFactory {

  public static final String IDENTIFIER = "mstream";

  @Override
  public String factoryIdentifier() {
    return IDENTIFIER;
  }

  @Override
  public Set<ConfigOption<?>> requiredOptions() {
    return Set.of(MStreamIndexOptions.BOOTSTRAP_SERVERS);
  }

  @Override
  public Set<ConfigOption<?>> optionalOptions() {
    return Set.of(
        MStreamIndexOptions.QUERIES_TOPIC,
        MStreamIndexOptions.RESULTS_TOPIC,
        MStreamIndexOptions.ENCODING,
        MStreamIndexOptions.NAMESPACE,
        MStreamIndexOptions.DIMS,
        MStreamIndexOptions.CANDIDATES,
        MStreamIndexOptions.QUERY_TIMEOUT,
        MStreamIndexOptions.PARTIAL_RESULTS);
  }

  @Override
  public DynamicTableSource createDynamicTableSource(Context context) {
    String table = "table " + context.getObjectIdentifier().asSummaryString();
    FactoryUtil.TableFactoryHelper helper = FactoryUtil.createTableFactoryHelper(this, context);
    try {
      helper.validateExcept(
          MStreamIndexOptions.FILTER_PREFIX, MStreamIndexOptions.PROPERTIES_PREFIX);
    } catch (ValidationException e) {
      throw new ValidationException(table + ": " + e.getMessage(), e);
    }
    ReadableConfig options = helper.getOptions();
    Duration timeout = options.get(MStreamIndexOptions.QUERY_TIMEOUT);
    Duration asyncTimeout =
        context
            .getConfiguration()
            .get(ExecutionConfigOptions.TABLE_EXEC_ASYNC_VECTOR_SEARCH_TIMEOUT);
    if (timeout.isNegative() || timeout.isZero()) {
      throw new ValidationException(
          table + ": option '" + MStreamIndexOptions.QUERY_TIMEOUT.key() + "' must be positive");
    }
    if (timeout.compareTo(asyncTimeout) >= 0) {
      throw new ValidationException(
          table
              + ": option '"
              + MStreamIndexOptions.QUERY_TIMEOUT.key()
              + "' = "
              + timeout
              + " is not below "
              + ExecutionConfigOptions.TABLE_EXEC_ASYNC_VECTOR_SEARCH_TIMEOUT.key()
              + " = "
              + asyncTimeout
              + ": Flink's own timeout would fire first, without saying why");
    }
    Map<String, String> all = context.getCatalogTable().getOptions();
    SearchSpec spec =
        new SearchSpec(
            table,
            options.get(MStreamIndexOptions.BOOTSTRAP_SERVERS),
            options.get(MStreamIndexOptions.QUERIES_TOPIC),
            options.get(MStreamIndexOptions.RESULTS_TOPIC),
            options.get(MStreamIndexOptions.ENCODING),
            options.get(MStreamIndexOptions.NAMESPACE),
            SearchOptions.filter(all),
            SearchOptions.positive(table, options, MStreamIndexOptions.DIMS),
            SearchOptions.positive(table, options, MStreamIndexOptions.CANDIDATES),
            timeout.toMillis(),
            options.get(MStreamIndexOptions.PARTIAL_RESULTS),
            withoutPrefix(all, MStreamIndexOptions.PROPERTIES_PREFIX),
            HitLayout.of(table, context.getCatalogTable().getResolvedSchema()));
    return new MStreamIndexTableSource(spec);
  }

  static Map<String, String> withoutPrefix(Map<String, String> options, String prefix) {
    Map<String, String> out = new LinkedHashMap<>();
    options.forEach(
        (k, v) -> {
          if (k.startsWith(prefix)) {
            out.put(k.substring(prefix.length()), v);
          }
        });
    return out;
  }
}
