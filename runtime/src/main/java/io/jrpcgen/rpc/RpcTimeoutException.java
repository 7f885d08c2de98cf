package io.jrpcgen.rpc;

import java.time.Duration;

/** No reply came before the call's deadline ({@code RPC: Timed out}). */
public final class RpcTimeoutException extends RpcException {
  private static final long serialVersionUID = 1L;

  private final Duration timeout;

  public RpcTimeoutException(String server, Duration timeout) {
    super(RpcStatus.TIMED_OUT, server);
    this.timeout = timeout;
  }

  /** The timeout the call had. */
  public Duration timeout() {
    return timeout;
  }
}
