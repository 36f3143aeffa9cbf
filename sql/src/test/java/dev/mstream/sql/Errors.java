package dev.mstream.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import org.assertj.core.api.AbstractStringAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** What a SQL user reads when a statement fails: every message of the exception chain. */
public final class Errors {

  private Errors() {}

  public static String messages(Throwable t) {
    StringBuilder all = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      all.append(c.getClass().getSimpleName()).append(": ").append(c.getMessage()).append('\n');
    }
    return all.toString();
  }

  /** Fails unless {@code call} throws; asserts on the messages of what it threw. */
  public static AbstractStringAssert<?> assertFailure(ThrowingCallable call) {
    Throwable t = catchThrowable(call);
    assertThat(t).as("expected a failure").isNotNull();
    return assertThat(messages(t));
  }
}
