package dev.mstream.embed;

/**
 * An embedding model could not be opened or could not run. Unchecked because {@link
 * EmbeddingModel#embed} is called from operator code that can only fail the task anyway.
 */
public class EmbeddingException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public EmbeddingException(String message) {
    super(message);
  }

  public EmbeddingException(String message, Throwable cause) {
    super(message, cause);
  }
}
