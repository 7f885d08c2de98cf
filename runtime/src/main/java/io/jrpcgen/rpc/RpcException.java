package io.jrpcgen.rpc;

/**
 * A call that did not succeed, with its {@link RpcStatus}. The message has the shape of
 * {@code clnt_sperror}: {@code server: RPC: Timed out}, followed by details where the status has
 * some.
 */
public class RpcException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final RpcStatus status;
  private final String server;

  /** An exception for {@code status} on a call to {@code server}, with optional detail. */
  public RpcException(RpcStatus status, String server, String detail, Throwable cause) {
    super(format(status, server, detail), cause);
    this.status = status;
    this.server = server;
  }

  /** An exception for {@code status} on a call to {@code server}. */
  public RpcException(RpcStatus status, String server) {
    this(status, server, null, null);
  }

  /** What went wrong. */
  public RpcStatus status() {
    return status;
  }

  /** The server as the message names it (host or address), or null if unknown. */
  public String server() {
    return server;
  }

  private static String format(RpcStatus status, String server, String detail) {
    StringBuilder sb = new StringBuilder();
    if (server != null) {
      sb.append(server).append(": ");
    }
    sb.append(status.message());
    if (detail != null) {
      sb.append("; ").append(detail);
    }
    return sb.toString();
  }
}
