package dev.mstream.sql.search;

import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.connector.source.VectorSearchTableSource;
import org.apache.flink.table.connector.source.search.AsyncVectorSearchFunctionProvider;
import org.apache.flink.table.connector.source.search.VectorSearchFunctionProvider;
import org.apache.flink.table.functions.AsyncVectorSearchFunction;
import org.apache.flink.table.functions.VectorSearchFunction;

/**
 * The index as VECTOR_SEARCH sees it. Only vector search: a Flink 2.2 VECTOR_SEARCH source is never
 * scanned, and filters on it are not pushed down (the planner rejects a filtered search_table), so
 * namespace and attribute filters are options of the table or of the call.
 */
final class MStreamIndexTableSource implements VectorSearchTableSource {

  private final SearchSpec spec;

  MStreamIndexTableSource(SearchSpec spec) {
    this.spec = spec;
  }

  @Override
  public VectorSearchRuntimeProvider getSearchRuntimeProvider(VectorSearchContext context) {
    int[][] columns = context.getSearchColumns();
    if (columns.length != 1
        || columns[0].length != 1
        || columns[0][0] != spec.layout().vectorColumn()) {
      throw new ValidationException(
          spec.table()
              + ": VECTOR_SEARCH must search its vector column `"
              + spec.layout().vectorName()
              + "`");
    }
    return new Provider(SearchOptions.forCall(spec, context.runtimeConfig()));
  }

  @Override
  public DynamicTableSource copy() {
    return new MStreamIndexTableSource(spec);
  }

  @Override
  public String asSummaryString() {
    return "Matryoshka Stream index (" + spec.queriesTopic() + " -> " + spec.resultsTopic() + ")";
  }

  /** Both kinds, so that {@code MAP['async', 'false']} works too; async is Flink's default. */
  private record Provider(SearchSpec spec)
      implements AsyncVectorSearchFunctionProvider, VectorSearchFunctionProvider {

    @Override
    public AsyncVectorSearchFunction createAsyncVectorSearchFunction() {
      return new AsyncIndexSearchFunction(spec);
    }

    @Override
    public VectorSearchFunction createVectorSearchFunction() {
      return new IndexSearchFunction(spec);
    }
  }
}
