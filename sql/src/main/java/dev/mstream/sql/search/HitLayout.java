package dev.mstream.sql.search;

import dev.mstream.schemas.Hit;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.data.GenericMapData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeFamily;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.table.types.logical.MapType;

/**
 * How a hit of the job's {@code QueryResult} becomes a row of the index table. The columns are
 * matched by name and type:
 *
 * <ul>
 *   <li>{@code doc_id STRING}: the document id;
 *   <li>{@code attributes MAP<STRING, STRING>}: all of the document's attributes;
 *   <li>exactly one {@code ARRAY<FLOAT>} (or {@code ARRAY<DOUBLE>}) column: the one VECTOR_SEARCH
 *       searches ({@code DESCRIPTOR(...)}). The job does not return stored vectors: it is NULL;
 *   <li>any other {@code STRING} column: the attribute of that name (NULL when absent).
 * </ul>
 *
 * VECTOR_SEARCH appends its own {@code score DOUBLE}: the cosine similarity the job computed on the
 * full vectors.
 */
final class HitLayout implements Serializable {

  private static final long serialVersionUID = 1L;

  static final String DOC_ID = "doc_id";
  static final String ATTRIBUTES = "attributes";

  private enum Kind {
    DOC_ID,
    ATTRIBUTES,
    ATTRIBUTE,
    VECTOR
  }

  private final List<Kind> kinds;
  private final List<String> names;
  private final int vectorColumn;
  private final boolean doubleVector;

  private HitLayout(List<Kind> kinds, List<String> names, int vectorColumn, boolean doubleVector) {
    this.kinds = kinds;
    this.names = names;
    this.vectorColumn = vectorColumn;
    this.doubleVector = doubleVector;
  }

  /**
   * @throws ValidationException naming the table and the column that fits none of the kinds
   */
  static HitLayout of(String table, ResolvedSchema schema) {
    List<Kind> kinds = new ArrayList<>();
    List<String> names = new ArrayList<>();
    int vector = -1;
    boolean doubles = false;
    for (Column c : schema.getColumns()) {
      if (!c.isPhysical()) {
        throw new ValidationException(
            table
                + ": column `"
                + c.getName()
                + "` is computed or metadata; the index has only"
                + " physical columns (see below)"
                + allowed());
      }
      LogicalType type = c.getDataType().getLogicalType();
      Kind kind;
      if (type instanceof ArrayType a
          && a.getElementType().isAnyOf(LogicalTypeRoot.FLOAT, LogicalTypeRoot.DOUBLE)) {
        if (vector >= 0) {
          throw new ValidationException(
              table
                  + ": two vector columns, `"
                  + names.get(vector)
                  + "` and `"
                  + c.getName()
                  + "`; the index has one"
                  + allowed());
        }
        vector = kinds.size();
        doubles = a.getElementType().is(LogicalTypeRoot.DOUBLE);
        kind = Kind.VECTOR;
      } else if (c.getName().equals(ATTRIBUTES)) {
        if (!(type instanceof MapType m
            && m.getKeyType().is(LogicalTypeFamily.CHARACTER_STRING)
            && m.getValueType().is(LogicalTypeFamily.CHARACTER_STRING))) {
          throw wrongType(table, c, "MAP<STRING, STRING>");
        }
        kind = Kind.ATTRIBUTES;
      } else if (type.is(LogicalTypeFamily.CHARACTER_STRING)) {
        kind = c.getName().equals(DOC_ID) ? Kind.DOC_ID : Kind.ATTRIBUTE;
      } else {
        throw wrongType(table, c, c.getName().equals(DOC_ID) ? "STRING" : "STRING (an attribute)");
      }
      kinds.add(kind);
      names.add(c.getName());
    }
    if (vector < 0) {
      throw new ValidationException(
          table + ": no ARRAY<FLOAT> column for VECTOR_SEARCH to search" + allowed());
    }
    return new HitLayout(List.copyOf(kinds), List.copyOf(names), vector, doubles);
  }

  private static ValidationException wrongType(String table, Column c, String expected) {
    return new ValidationException(
        table
            + ": column `"
            + c.getName()
            + "` is "
            + c.getDataType().getLogicalType()
            + ", expected "
            + expected
            + allowed());
  }

  private static String allowed() {
    return ". Columns: doc_id STRING, attributes MAP<STRING, STRING>, one ARRAY<FLOAT> column"
        + " (the searched vector; NULL in results), and any STRING column named after an"
        + " attribute.";
  }

  int vectorColumn() {
    return vectorColumn;
  }

  String vectorName() {
    return names.get(vectorColumn);
  }

  boolean doubleVector() {
    return doubleVector;
  }

  /** The table's columns filled from {@code hit}, then VECTOR_SEARCH's score. */
  RowData row(Hit hit) {
    GenericRowData row = new GenericRowData(kinds.size() + 1);
    Map<String, String> attributes = hit.getAttributes();
    for (int i = 0; i < kinds.size(); i++) {
      row.setField(
          i,
          switch (kinds.get(i)) {
            case DOC_ID -> StringData.fromString(hit.getDocId());
            case ATTRIBUTES -> {
              Map<StringData, StringData> map = new HashMap<>();
              attributes.forEach(
                  (k, v) -> map.put(StringData.fromString(k), StringData.fromString(v)));
              yield new GenericMapData(map);
            }
            case ATTRIBUTE -> {
              String v = attributes.get(names.get(i));
              yield v == null ? null : StringData.fromString(v);
            }
            case VECTOR -> null;
          });
    }
    row.setField(kinds.size(), (double) hit.getScore());
    return row;
  }
}
