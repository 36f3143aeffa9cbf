package dev.mstream.sql.predict;

import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;

/** ML_PREDICT's output row: the model's one output column, the vector (NULL for a NULL text). */
final class EmbedRows {

  private EmbedRows() {}

  static RowData of(float[] vector) {
    return GenericRowData.of(vector == null ? null : new GenericArrayData(vector));
  }
}
