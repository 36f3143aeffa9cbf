package dev.mstream.sql.search;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.api.config.VectorSearchRuntimeConfigOptions;

/**
 * The per-search options, from the table's WITH clause and from one VECTOR_SEARCH call's config
 * map: {@code MAP['namespace', 'news', 'filter.lang', 'en', 'dims', '128']}. The map's keys are
 * checked here, since Flink passes keys it does not know on without a word.
 */
final class SearchOptions {

  private SearchOptions() {}

  /** {@code filter.<attribute>} entries as attribute → value. */
  static Map<String, String> filter(Map<String, String> options) {
    return MStreamIndexTableFactory.withoutPrefix(options, MStreamIndexOptions.FILTER_PREFIX);
  }

  static Integer positive(String table, ReadableConfig options, ConfigOption<Integer> option) {
    Integer v = options.getOptional(option).orElse(null);
    if (v != null && v <= 0) {
      throw new ValidationException(
          table + ": option '" + option.key() + "' = " + v + " must be positive");
    }
    return v;
  }

  /**
   * {@code spec} with one call's overrides.
   *
   * @throws ValidationException for a key neither Flink nor this table knows, or a bad value
   */
  static SearchSpec forCall(SearchSpec spec, ReadableConfig runtime) {
    Map<String, String> map = runtime.toMap();
    Set<String> known = new TreeSet<>();
    VectorSearchRuntimeConfigOptions.getSupportedOptions().forEach(o -> known.add(o.key()));
    known.add(MStreamIndexOptions.NAMESPACE.key());
    known.add(MStreamIndexOptions.DIMS.key());
    known.add(MStreamIndexOptions.CANDIDATES.key());
    for (String key : map.keySet()) {
      if (!known.contains(key) && !key.startsWith(MStreamIndexOptions.FILTER_PREFIX)) {
        throw new ValidationException(
            spec.table()
                + ": unknown VECTOR_SEARCH config key '"
                + key
                + "'; known keys: "
                + String.join(", ", known)
                + ", "
                + MStreamIndexOptions.FILTER_PREFIX
                + "<attribute>");
      }
    }
    Configuration c = Configuration.fromMap(map);
    Duration asyncTimeout =
        c.getOptional(VectorSearchRuntimeConfigOptions.ASYNC_TIMEOUT).orElse(null);
    if (asyncTimeout != null && asyncTimeout.toMillis() <= spec.timeoutMillis()) {
      throw new ValidationException(
          spec.table()
              + ": VECTOR_SEARCH's 'timeout' = "
              + asyncTimeout
              + " is not above the"
              + " table's '"
              + MStreamIndexOptions.QUERY_TIMEOUT.key()
              + "' = "
              + Duration.ofMillis(spec.timeoutMillis()));
    }
    Map<String, String> filter = new LinkedHashMap<>(spec.filter());
    filter.putAll(filter(map));
    String where = spec.table() + " (VECTOR_SEARCH config)";
    return spec.with(
        c.getOptional(MStreamIndexOptions.NAMESPACE).orElse(spec.namespace()),
        filter,
        orElse(positive(where, c, MStreamIndexOptions.DIMS), spec.dims()),
        orElse(positive(where, c, MStreamIndexOptions.CANDIDATES), spec.candidates()));
  }

  private static Integer orElse(Integer v, Integer fallback) {
    return v != null ? v : fallback;
  }
}
