package io.jrpcgen.server;

/**
 * Thrown by a procedure's implementation to answer {@code PROC_UNAVAIL}: the server has the program
 * and version but does not serve this procedure. The {@code default} methods of generated service
 * interfaces throw it, so that a partial implementation serves what it has.
 */
public final class ProcedureUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An exception naming the procedure not served, for logs. */
  public ProcedureUnavailableException(String procedure) {
    super(procedure + " is not implemented", null, false, false);
  }
}
