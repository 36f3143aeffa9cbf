package dev.mstream.schemas.codec;

/** A record value that cannot be decoded; {@link #reason()} is a stable, machine-readable code. */
public final class CodecException extends Exception {

  // Reason codes: stable strings, used as dead-letter reasons and metric labels.
  public static final String EMPTY_VALUE = "EMPTY_VALUE";
  public static final String MALFORMED_AVRO = "MALFORMED_AVRO";
  public static final String UNKNOWN_SCHEMA = "UNKNOWN_SCHEMA";
  public static final String MALFORMED_JSON = "MALFORMED_JSON";
  public static final String NOT_AN_OBJECT = "NOT_AN_OBJECT";
  public static final String MISSING_FIELD = "MISSING_FIELD";
  public static final String WRONG_TYPE = "WRONG_TYPE";
  public static final String UNKNOWN_ENUM = "UNKNOWN_ENUM";
  public static final String INVALID_UTF8 = "INVALID_UTF8";

  private final String reason;

  public CodecException(String reason, String message) {
    this(reason, message, null);
  }

  public CodecException(String reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
