package io.jrpcgen.server;

import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * How a server offers RPC-with-TLS (RFC 9289) on its TCP connections: its keys and trust, whether
 * clients must present a certificate (mutual TLS), and the programs that are served only over TLS.
 * Other programs stay reachable in the clear, so that an rpcbind-style service can be plain while
 * the rest are encrypted. Immutable.
 *
 * @param context the server's key (and, for mutual TLS, the trusted client issuers)
 * @param clientAuth whether the handshake asks for or requires a client certificate
 * @param tlsOnlyPrograms programs a plain call to is refused with {@code AUTH_ERROR / AUTH_TOOWEAK}
 */
public record ServerTls(SSLContext context, ClientAuth clientAuth, Set<Integer> tlsOnlyPrograms) {
  /** Whether the TLS handshake asks the client for a certificate. */
  public enum ClientAuth {
    /** No client certificate is asked for. */
    NONE,
    /** A certificate is asked for; a client without one still connects. */
    WANT,
    /** A client without a certificate the context trusts fails the handshake. */
    NEED
  }

  public ServerTls {
    if (context == null) {
      throw new IllegalArgumentException("context is null");
    }
    if (clientAuth == null) {
      throw new IllegalArgumentException("clientAuth is null");
    }
    tlsOnlyPrograms = Set.copyOf(tlsOnlyPrograms);
  }

  /** TLS offered to every client that probes, no client certificate, no program TLS-only. */
  public static ServerTls of(SSLContext context) {
    return new ServerTls(context, ClientAuth.NONE, Set.of());
  }

  /** A copy that asks clients for a certificate as {@code clientAuth} says. */
  public ServerTls withClientAuth(ClientAuth clientAuth) {
    return new ServerTls(context, clientAuth, tlsOnlyPrograms);
  }

  /** A copy that serves {@code program} only over TLS. */
  public ServerTls requireTlsFor(int program) {
    Set<Integer> programs = new java.util.HashSet<>(tlsOnlyPrograms);
    programs.add(program);
    return new ServerTls(context, clientAuth, programs);
  }
}
