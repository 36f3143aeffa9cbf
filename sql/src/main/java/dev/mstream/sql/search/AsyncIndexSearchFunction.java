package dev.mstream.sql.search;

import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.annotation.Internal;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.functions.AsyncVectorSearchFunction;
import org.apache.flink.table.functions.FunctionContext;

/** VECTOR_SEARCH's default path: queries in flight at once, each answered by the running job. */
@Internal
public final class AsyncIndexSearchFunction extends AsyncVectorSearchFunction {

  private static final long serialVersionUID = 1L;

  private final SearchSpec spec;
  private transient SearchCall call;

  AsyncIndexSearchFunction(SearchSpec spec) {
    this.spec = spec;
  }

  @Override
  public void open(FunctionContext context) throws Exception {
    super.open(context);
    call = new SearchCall(spec, context);
  }

  @Override
  public CompletableFuture<Collection<RowData>> asyncVectorSearch(int topK, RowData queryData) {
    return call.search(topK, queryData);
  }

  @Override
  public void close() throws Exception {
    try {
      if (call != null) {
        call.close();
        call = null;
      }
    } finally {
      super.close();
    }
  }
}
