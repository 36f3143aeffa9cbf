package dev.mstream.jobs.cli;

/** One-line descriptions of failures for the terminal. */
final class Failures {

  private Failures() {}

  /** The message of the exception and of each distinct cause, innermost last. */
  static String describe(Throwable t) {
    StringBuilder sb = new StringBuilder();
    String last = null;
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      String msg = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
      if (last != null && last.contains(msg)) {
        continue;
      }
      if (sb.length() > 0) {
        sb.append(" <- ");
      }
      sb.append(msg);
      last = msg;
    }
    return sb.toString();
  }
}
