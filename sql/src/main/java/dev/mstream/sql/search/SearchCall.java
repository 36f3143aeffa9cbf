package dev.mstream.sql.search;

import dev.mstream.schemas.Hit;
import dev.mstream.schemas.QueryResult;
import dev.mstream.schemas.ResultStatus;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.table.data.ArrayData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.functions.FunctionContext;

/**
 * What both search functions do: one {@link IndexClient} per parallel instance, the query vector
 * out of the row, the job's answer into rows.
 */
final class SearchCall implements AutoCloseable {

  private final SearchSpec spec;
  private final IndexClient client;

  SearchCall(SearchSpec spec, FunctionContext context) {
    this.spec = spec;
    this.client =
        new IndexClient(
            spec,
            "sql-"
                + UUID.randomUUID().toString().substring(0, 8)
                + "-"
                + context.getTaskInfo().getIndexOfThisSubtask());
  }

  /** The hits as rows; no rows for a NULL query vector. */
  CompletableFuture<Collection<RowData>> search(int topK, RowData query) {
    if (query.isNullAt(0)) {
      return CompletableFuture.completedFuture(List.of());
    }
    float[] vector;
    try {
      vector = vector(query.getArray(0));
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    return client
        .search(vector, topK, spec.namespace(), spec.filter(), spec.dims(), spec.candidates())
        .thenApply(this::rows);
  }

  private float[] vector(ArrayData array) {
    float[] v = new float[array.size()];
    for (int i = 0; i < v.length; i++) {
      if (array.isNullAt(i)) {
        throw new IllegalArgumentException(
            spec.table() + ": element " + i + " of the query vector is NULL");
      }
      v[i] = spec.layout().doubleVector() ? (float) array.getDouble(i) : array.getFloat(i);
    }
    return v;
  }

  private Collection<RowData> rows(QueryResult r) {
    if (r.getStatus() == ResultStatus.ERROR) {
      throw new IllegalArgumentException(
          spec.table() + ": the job rejected query " + r.getQueryId() + ": " + r.getError());
    }
    if (r.getStatus() == ResultStatus.PARTIAL
        && spec.partialResults() == MStreamIndexOptions.PartialResults.FAIL) {
      throw new IllegalStateException(
          spec.table()
              + ": query "
              + r.getQueryId()
              + " got a PARTIAL result: "
              + r.getSubtasksAnswered()
              + " of "
              + r.getSubtasksExpected()
              + " index subtasks"
              + " answered within the job's mstream.query.deadline ('"
              + MStreamIndexOptions.PARTIAL_RESULTS.key()
              + "' = 'accept' takes such hits)");
    }
    List<RowData> rows = new ArrayList<>(r.getHits().size());
    for (Hit h : r.getHits()) {
      rows.add(spec.layout().row(h));
    }
    return rows;
  }

  @Override
  public void close() {
    client.close();
  }
}
