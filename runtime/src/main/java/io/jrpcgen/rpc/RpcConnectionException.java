package io.jrpcgen.rpc;

/**
 * The call could not be sent or its reply could not be received because the connection failed.
 * {@link #reason()} tells a reset connection (the server host crashed and rebooted, UNP vol. 1
 * §5.15) from one the server closed in an orderly way.
 */
public final class RpcConnectionException extends RpcException {
  private static final long serialVersionUID = 1L;

  /** How the connection failed. */
  public enum Reason {
    /** The peer answered with RST: {@code errno = Connection reset by peer}. */
    RESET("errno = Connection reset by peer"),
    /** The peer closed the connection (FIN) before replying. */
    CLOSED("connection closed by peer"),
    /** The connection could not be opened: {@code errno = Connection refused}. */
    REFUSED("errno = Connection refused"),
    /** Any other I/O failure; the message carries the system's words. */
    OTHER(null);

    private final String detail;

    Reason(String detail) {
      this.detail = detail;
    }
  }

  private final Reason reason;

  /** A failure to send or receive ({@code status} is CANT_SEND or CANT_RECV). */
  public RpcConnectionException(RpcStatus status, String server, Reason reason, Throwable cause) {
    super(
        status,
        server,
        reason.detail != null ? reason.detail : "errno = " + describe(cause),
        cause);
    this.reason = reason;
  }

  /** How the connection failed. */
  public Reason reason() {
    return reason;
  }

  private static String describe(Throwable cause) {
    return cause == null || cause.getMessage() == null ? String.valueOf(cause) : cause.getMessage();
  }
}
