package io.jrpcgen.internal.rpc;

import io.jrpcgen.rpc.AuthFlavor;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.xdr.Opaque;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLParameters;

/**
 * The fixed parts of RPC-with-TLS (RFC 9289): the {@code AUTH_TLS} probe, a NULLPROC call whose
 * credential has flavor {@code AUTH_TLS} and an empty body, and the verifier a server that supports
 * TLS answers it with: {@code AUTH_NONE} with the eight bytes {@code STARTTLS}.
 */
public final class RpcWithTls {
  /** The ALPN protocol identifier both peers must negotiate. */
  public static final String ALPN = "sunrpc";

  /** The only TLS version RFC 9289 allows. */
  public static final String PROTOCOL = "TLSv1.3";

  /** The probe's credential: flavor {@code AUTH_TLS}, empty body. */
  public static final OpaqueAuth PROBE_CREDENTIAL =
      new OpaqueAuth(AuthFlavor.AUTH_TLS.value(), Opaque.EMPTY);

  /** The verifier of a reply that accepts the probe. */
  public static final OpaqueAuth STARTTLS =
      new OpaqueAuth(
          AuthFlavor.AUTH_NONE.value(),
          Opaque.copyOf("STARTTLS".getBytes(StandardCharsets.US_ASCII)));

  private RpcWithTls() {}

  /** The probe call's header for {@code program} and {@code version}. */
  public static CallHeader probe(int xid, int program, int version) {
    return new CallHeader(xid, program, version, 0, PROBE_CREDENTIAL, OpaqueAuth.NONE);
  }

  /** Whether {@code header} is a probe: NULLPROC with an {@code AUTH_TLS} credential. */
  public static boolean isProbe(CallHeader header) {
    return header.procedure() == 0 && header.credential().is(AuthFlavor.AUTH_TLS);
  }

  /**
   * Whether {@code reply} accepts the probe. RFC 9289 has the client go on to TLS on an accepted
   * reply with the STARTTLS verifier whatever its accept status.
   */
  public static boolean acceptsProbe(Reply reply) {
    OpaqueAuth verifier;
    if (reply instanceof Reply.Success s) {
      verifier = s.verifier();
    } else if (reply instanceof Reply.AcceptedError e) {
      verifier = e.verifier();
    } else if (reply instanceof Reply.ProgramMismatch m) {
      verifier = m.verifier();
    } else {
      return false;
    }
    return STARTTLS.equals(verifier);
  }

  /** The error of a UDP client asked for TLS, which would need DTLS: TLS goes over TCP. */
  public static IllegalArgumentException noDtls(Object server) {
    return new IllegalArgumentException(
        "RPC-with-TLS over UDP would need DTLS, and jrpcgen speaks TLS over TCP only: use TCP"
            + " for TLS to "
            + server);
  }

  /** Restricts {@code parameters} to TLS 1.3 and the {@code sunrpc} ALPN identifier. */
  public static SSLParameters restrict(SSLParameters parameters) {
    parameters.setProtocols(new String[] {PROTOCOL});
    parameters.setApplicationProtocols(new String[] {ALPN});
    return parameters;
  }
}
