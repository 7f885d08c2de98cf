package io.jrpcgen.transport;

import javax.net.ssl.SSLContext;

/**
 * How a TCP channel uses RPC-with-TLS (RFC 9289): the {@link SSLContext} holding the trusted
 * certificates (and the client's own key for mutual TLS), and what to do when the server does not
 * offer TLS. Immutable.
 *
 * @param context keys and trust for the handshake; only TLS 1.3 is negotiated with it
 * @param policy whether a server without TLS is an error or is used in the clear
 * @param verifyHostname whether the server's certificate must name the host or address dialled
 *     (as HTTPS checks it); on by default
 */
public record TlsSettings(SSLContext context, Policy policy, boolean verifyHostname) {
  /** What a client does when the server answers the {@code AUTH_TLS} probe without STARTTLS. */
  public enum Policy {
    /** The connection fails with {@link io.jrpcgen.rpc.RpcTlsException}. */
    REQUIRE,
    /** The connection goes on in the clear, and a warning is logged. */
    OPPORTUNISTIC
  }

  public TlsSettings {
    if (context == null) {
      throw new IllegalArgumentException("context is null");
    }
    if (policy == null) {
      throw new IllegalArgumentException("policy is null");
    }
  }

  /** TLS or no connection, with the host name checked. */
  public static TlsSettings require(SSLContext context) {
    return new TlsSettings(context, Policy.REQUIRE, true);
  }

  /** TLS when the server offers it, the clear otherwise, with the host name checked. */
  public static TlsSettings opportunistic(SSLContext context) {
    return new TlsSettings(context, Policy.OPPORTUNISTIC, true);
  }

  /** A copy that accepts any certificate the context trusts, whatever names it holds. */
  public TlsSettings withoutHostnameCheck() {
    return new TlsSettings(context, policy, false);
  }
}
