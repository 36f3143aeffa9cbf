package dev.mstream.index;

import org.apache.flink.runtime.throwable.ThrowableAnnotation;
import org.apache.flink.runtime.throwable.ThrowableType;

/**
 * The restored index cannot serve this job as it is configured (its vectors come from another
 * model, or its state disagrees with the embed operator's). Restarting from the same checkpoint
 * would fail the same way, so the job fails at once instead of restarting: Flink does not restart a
 * job for an exception of a type marked as a {@link ThrowableType#NonRecoverableError}. The message
 * says which setting to change.
 */
@ThrowableAnnotation(ThrowableType.NonRecoverableError)
public class IncompatibleIndexException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public IncompatibleIndexException(String message) {
    super(message);
  }
}
