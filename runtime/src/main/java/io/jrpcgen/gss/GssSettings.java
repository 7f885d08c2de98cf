package io.jrpcgen.gss;

import java.time.Duration;

/**
 * How a client talks RPCSEC_GSS to a server: whom it expects to serve it, as whom it calls, and the
 * protection of its calls.
 *
 * @param servicePrincipal the server's principal: host-based {@code nfs@server.example.org}, or a
 *     Kerberos name with a slash, {@code nfs/server.example.org@EXAMPLE.ORG}
 * @param login the client's Kerberos login
 * @param service the protection of every call: krb5, krb5i or krb5p
 * @param timeout the deadline of each context creation call
 */
public record GssSettings(
    String servicePrincipal, GssLogin login, GssService service, Duration timeout) {
  /** Context creation calls wait as long as rpcgen's stubs: 25 s. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(25);

  public GssSettings {
    if (servicePrincipal == null || servicePrincipal.isEmpty()) {
      throw new IllegalArgumentException("servicePrincipal is empty: " + servicePrincipal);
    }
    if (login == null || service == null) {
      throw new IllegalArgumentException("login and service must not be null");
    }
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout <= 0: " + timeout);
    }
  }

  /** Settings with the default context creation timeout. */
  public static GssSettings of(String servicePrincipal, GssLogin login, GssService service) {
    return new GssSettings(servicePrincipal, login, service, DEFAULT_TIMEOUT);
  }
}
