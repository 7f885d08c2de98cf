package io.jrpcgen.compiler.diag;

/**
 * One problem found in the input, with where it is.
 *
 * @param severity how bad it is
 * @param pos where it is
 * @param message what it is, without position or severity
 */
public record Diagnostic(Severity severity, SourcePos pos, String message) {
  /** How bad a diagnostic is. */
  public enum Severity {
    ERROR,
    WARNING;

    @Override
    public String toString() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** The diagnostic as gcc and javac print it: {@code file:line:col: error: message}. */
  @Override
  public String toString() {
    return pos + ": " + severity + ": " + message;
  }
}
