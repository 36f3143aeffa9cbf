package dev.mstream.index;

import java.io.Serializable;
import org.apache.flink.annotation.Internal;

/**
 * A fault-injection seam in {@link VectorIndexOperator}, for tests that make the operator fail
 * inside a document update the way a bug or a lost disk would, and then check that recovery from
 * the last checkpoint leaves the index exactly as the input defines it.
 *
 * <p>Disabled by default: the job builds the operator with {@link #NONE}, which does nothing. Only
 * a test passes another hook, through {@link VectorIndexOperator#VectorIndexOperator(IndexSettings,
 * IndexFaultHook)}. The hook travels with the operator to the task managers, so it must be
 * serializable; a test that needs to arm it from outside the job (a MiniCluster in the same JVM)
 * keeps its trigger in a static field of its own, in test code.
 */
@Internal
public interface IndexFaultHook extends Serializable {

  /** The default: no fault is ever injected. */
  IndexFaultHook NONE = NoFaults.INSTANCE;

  /**
   * Called after a document's full record is written to keyed state and before its prefix entry and
   * the in-memory arena are updated; a test's hook may throw here to fail the task between the two
   * writes.
   *
   * @param id the document's id (the current key)
   */
  void afterDocumentWrite(String id);

  /** {@link #NONE}: an enum so that it stays one instance through serialization. */
  enum NoFaults implements IndexFaultHook {
    INSTANCE;

    @Override
    public void afterDocumentWrite(String id) {}
  }
}
