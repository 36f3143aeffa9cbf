package dev.mstream.index;

import dev.mstream.records.DocumentChange;
import dev.mstream.records.PartialResult;
import dev.mstream.records.SearchRequest;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;

/** The index operator in a keyed two-input harness on RocksDB, as the operator tests run it. */
final class IndexHarness {

  private IndexHarness() {}

  /** Opens {@code operator}, restored from {@code restoreFrom} when not null. */
  static KeyedTwoInputStreamOperatorTestHarness<
          String, DocumentChange, SearchRequest, PartialResult>
      open(VectorIndexOperator operator, OperatorSubtaskState restoreFrom) throws Exception {
    var h =
        new KeyedTwoInputStreamOperatorTestHarness<>(
            operator,
            (DocumentChange c) -> c.id,
            // The query side is broadcast in the job; any key works, the operator ignores it.
            (SearchRequest q) -> q.queryId,
            Types.STRING);
    h.setStateBackend(new EmbeddedRocksDBStateBackend());
    if (restoreFrom != null) {
      h.initializeState(restoreFrom);
    }
    h.open();
    return h;
  }
}
