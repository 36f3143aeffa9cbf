package dev.mstream.testing;

import dev.mstream.index.IndexFaultHook;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets an integration test make an operator fail at a chosen moment, inside the operator, the way a
 * bug or a lost disk would: the test builds the job with {@link #indexHook()} (the index operator's
 * {@link IndexFaultHook}), arms a countdown, and the n-th call of {@link #check} at that point (in
 * any subtask of this JVM, e.g. a MiniCluster) throws once.
 *
 * <p>The trigger is static and JVM-wide because operators are serialized and rebuilt in the task
 * manager, so the hook the test hands the job is a copy; and it fires once, so the replay after the
 * restart does not fail again. Test code only (the operators' test-jar): the product's operators
 * run with {@link IndexFaultHook#NONE}.
 */
public final class FailureInjector {

  /** In VectorIndexOperator, after a document's full record is written, before its prefix. */
  public static final String INDEX_AFTER_DOCUMENT_WRITE = "index.after-document-write";

  private static volatile Trigger trigger;

  private FailureInjector() {}

  /** The index operator's hook: {@link #check}s {@link #INDEX_AFTER_DOCUMENT_WRITE}. */
  public static IndexFaultHook indexHook() {
    return IndexHook.INSTANCE;
  }

  private enum IndexHook implements IndexFaultHook {
    INSTANCE;

    @Override
    public void afterDocumentWrite(String id) {
      check(INDEX_AFTER_DOCUMENT_WRITE);
    }
  }

  /** Makes the {@code afterCalls}-th next {@link #check} of {@code point} throw, once. */
  public static void arm(String point, long afterCalls) {
    if (afterCalls < 1) {
      throw new IllegalArgumentException("afterCalls must be >= 1");
    }
    trigger = new Trigger(point, new AtomicLong(afterCalls));
  }

  public static void disarm() {
    trigger = null;
  }

  /** Whether an armed failure has yet to fire. */
  public static boolean armed() {
    return trigger != null;
  }

  /** Called by operators at {@code point}; throws {@link InjectedFailure} when it is due. */
  public static void check(String point) {
    Trigger t = trigger;
    if (t != null && t.point.equals(point) && t.remaining.decrementAndGet() == 0) {
      trigger = null;
      throw new InjectedFailure(point);
    }
  }

  private record Trigger(String point, AtomicLong remaining) {}

  /** The failure a test asked for. */
  public static final class InjectedFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InjectedFailure(String point) {
      super("injected test failure at " + point);
    }
  }
}
