package io.jrpcgen.rpc;

/**
 * RPC-with-TLS (RFC 9289) could not be set up: the server refused the {@code AUTH_TLS} probe while
 * the client required TLS, or the TLS handshake failed. RFC 9289 has a failed handshake reported as
 * an authentication error, hence {@link RpcStatus#AUTH_ERROR}.
 */
public final class RpcTlsException extends RpcException {
  private static final long serialVersionUID = 1L;

  public RpcTlsException(String server, String detail, Throwable cause) {
    super(RpcStatus.AUTH_ERROR, server, detail, cause);
  }
}
