package io.jrpcgen.rpc;

/**
 * The server refused the call's credentials. A server handler may also throw it to deny a call: the
 * server then replies {@code MSG_DENIED / AUTH_ERROR} with {@link #authStat()}.
 */
public final class RpcAuthException extends RpcException {
  private static final long serialVersionUID = 1L;

  private final AuthStat authStat;

  public RpcAuthException(String server, AuthStat authStat) {
    super(RpcStatus.AUTH_ERROR, server, "why = " + authStat.description(), null);
    this.authStat = authStat;
  }

  /** Why the server refused. */
  public AuthStat authStat() {
    return authStat;
  }
}
