package io.jrpcgen.transport;

import javax.net.ssl.SSLContext;

/**
 * How a TCP channel uses RPC-with-TLS (RFC 9289): the {@link SSLContext} holding the trusted
 * certificates (and the client's own key for mutual TLS), and what to do when the server does not
 * offer TLS. Immutable.
 *
 * @param context keys and trust for the handshake; only TLS 1.3 is negotiated with it
 * @param policy whether a server without TLS is an error or is used in the clear
 * @param verifyHostname whether the server's certificate must name the host or address dialled (as
 *     HTTPS checks it); on by default
 * @param requireAlpn whether the server must select the ALPN protocol {@code sunrpc}, as RFC 9289
 *     §5 requires; on by default
 */
public record TlsSettings(
    SSLContext context, Policy policy, boolean verifyHostname, boolean requireAlpn) {
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
    return new TlsSettings(context, Policy.REQUIRE, true, true);
  }

  /** TLS when the server offers it, the clear otherwise, with the host name checked. */
  public static TlsSettings opportunistic(SSLContext context) {
    return new TlsSettings(context, Policy.OPPORTUNISTIC, true, true);
  }

  /** A copy that accepts any certificate the context trusts, whatever names it holds. */
  public TlsSettings withoutHostnameCheck() {
    return new TlsSettings(context, policy, false, requireAlpn);
  }

  /**
   * A copy that accepts a server selecting no ALPN protocol, such as dCache oncrpc4j 3.x, whose
   * STARTTLS server does not implement ALPN. RFC 9289 §5 has clients refuse such a server.
   */
  public TlsSettings withoutAlpnCheck() {
    return new TlsSettings(context, policy, verifyHostname, false);
  }
}
