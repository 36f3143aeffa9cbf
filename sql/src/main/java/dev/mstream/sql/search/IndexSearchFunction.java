package dev.mstream.sql.search;

import java.io.IOException;
import java.util.Collection;
import java.util.concurrent.ExecutionException;
import org.apache.flink.annotation.Internal;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.VectorSearchFunction;

/** VECTOR_SEARCH with {@code MAP['async', 'false']}: one query at a time, waited for. */
@Internal
public final class IndexSearchFunction extends VectorSearchFunction {

  private static final long serialVersionUID = 1L;

  private final SearchSpec spec;
  private transient SearchCall call;

  IndexSearchFunction(SearchSpec spec) {
    this.spec = spec;
  }

  @Override
  public void open(FunctionContext context) throws Exception {
    super.open(context);
    call = new SearchCall(spec, context);
  }

  @Override
  public Collection<RowData> vectorSearch(int topK, RowData queryData) throws IOException {
    try {
      return call.search(topK, queryData).get();
    } catch (ExecutionException e) {
      throw new IOException(e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the job's result", e);
    }
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
