package io.jrpcgen.rpc;

/**
 * The server does not speak the RPC protocol version of the call, or does not have the program
 * version called; both carry the range the server supports.
 */
public final class RpcMismatchException extends RpcException {
  private static final long serialVersionUID = 1L;

  private final int low;
  private final int high;

  /** {@code status} is VERS_MISMATCH (RPC itself) or PROG_VERS_MISMATCH (the program). */
  public RpcMismatchException(RpcStatus status, String server, int low, int high) {
    super(
        status,
        server,
        "low version = "
            + Integer.toUnsignedString(low)
            + ", high version = "
            + Integer.toUnsignedString(high),
        null);
    this.low = low;
    this.high = high;
  }

  /** The lowest version the server supports. */
  public int low() {
    return low;
  }

  /** The highest version the server supports. */
  public int high() {
    return high;
  }
}
