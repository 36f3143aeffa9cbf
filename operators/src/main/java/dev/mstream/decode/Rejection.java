package dev.mstream.decode;

/** Why a decoded record cannot be processed: a stable reason code and a human message. */
final class Rejection extends Exception {

  // Reason codes beyond the codec's own (see CodecException).
  static final String MISSING_KEY = "MISSING_KEY";
  static final String KEY_MISMATCH = "KEY_MISMATCH";
  static final String EMPTY_ID = "EMPTY_ID";
  static final String EMPTY_TEXT = "EMPTY_TEXT";
  static final String TEXT_TOO_LONG = "TEXT_TOO_LONG";
  static final String TOO_MANY_CHUNKS = "TOO_MANY_CHUNKS";
  static final String EMPTY_QUERY_ID = "EMPTY_QUERY_ID";
  static final String INVALID_K = "INVALID_K";
  static final String INVALID_DIMS = "INVALID_DIMS";
  static final String INVALID_CANDIDATES = "INVALID_CANDIDATES";
  static final String VECTOR_DIMENSION = "VECTOR_DIMENSION";
  static final String INVALID_VECTOR = "INVALID_VECTOR";
  static final String INVALID_CHUNK_TOP_M = "INVALID_CHUNK_TOP_M";
  static final String INVALID_PROBES = "INVALID_PROBES";

  private final String reason;

  Rejection(String reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  String reason() {
    return reason;
  }
}
