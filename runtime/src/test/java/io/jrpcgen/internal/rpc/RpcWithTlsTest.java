package io.jrpcgen.internal.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.rpc.AcceptStat;
import io.jrpcgen.rpc.AuthFlavor;
import io.jrpcgen.rpc.AuthStat;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.rpc.RpcStatus;
import io.jrpcgen.rpc.RpcTlsException;
import io.jrpcgen.xdr.Opaque;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;

/** The fixed parts of RFC 9289: the probe, the STARTTLS verifier, what accepts a probe. */
class RpcWithTlsTest {
  @Test
  void probeIsNullProcWithAnEmptyAuthTlsCredentialAndAnAuthNoneVerifier() {
    CallHeader probe = RpcWithTls.probe(7, 100003, 4);
    assertThat(probe)
        .isEqualTo(
            new CallHeader(7, 100003, 4, 0, new OpaqueAuth(7, Opaque.EMPTY), OpaqueAuth.NONE));
    assertThat(RpcWithTls.isProbe(probe)).isTrue();
    assertThat(
            RpcWithTls.isProbe(
                new CallHeader(7, 1, 1, 1, RpcWithTls.PROBE_CREDENTIAL, OpaqueAuth.NONE)))
        .as("another procedure")
        .isFalse();
    assertThat(RpcWithTls.isProbe(new CallHeader(7, 1, 1, 0, OpaqueAuth.NONE, OpaqueAuth.NONE)))
        .as("another flavor")
        .isFalse();
  }

  @Test
  void startTlsIsAnAuthNoneVerifierHoldingTheEightAsciiBytes() {
    assertThat(RpcWithTls.STARTTLS)
        .isEqualTo(
            new OpaqueAuth(0, Opaque.copyOf("STARTTLS".getBytes(StandardCharsets.US_ASCII))));
  }

  @Test
  void anyAcceptedReplyWithStartTlsAcceptsTheProbeAndNothingElseDoes() {
    OpaqueAuth startTls = RpcWithTls.STARTTLS;
    assertThat(RpcWithTls.acceptsProbe(new Reply.Success(1, startTls))).isTrue();
    assertThat(
            RpcWithTls.acceptsProbe(new Reply.AcceptedError(1, startTls, AcceptStat.PROG_UNAVAIL)))
        .isTrue();
    assertThat(RpcWithTls.acceptsProbe(new Reply.ProgramMismatch(1, startTls, 1, 2))).isTrue();
    assertThat(RpcWithTls.acceptsProbe(new Reply.Success(1, OpaqueAuth.NONE))).isFalse();
    assertThat(
            RpcWithTls.acceptsProbe(
                new Reply.AcceptedError(1, OpaqueAuth.NONE, AcceptStat.PROG_UNAVAIL)))
        .isFalse();
    assertThat(RpcWithTls.acceptsProbe(new Reply.ProgramMismatch(1, OpaqueAuth.NONE, 1, 2)))
        .isFalse();
    OpaqueAuth otherFlavor = new OpaqueAuth(1, startTls.body());
    assertThat(RpcWithTls.acceptsProbe(new Reply.Success(1, otherFlavor))).isFalse();
    assertThat(RpcWithTls.acceptsProbe(new Reply.AuthError(1, AuthStat.AUTH_BADCRED))).isFalse();
    assertThat(RpcWithTls.acceptsProbe(new Reply.RpcMismatch(1, 2, 2))).isFalse();
  }

  @Test
  void restrictAllowsOnlyTls13AndSunrpc() {
    SSLParameters p = RpcWithTls.restrict(new SSLParameters());
    assertThat(p.getProtocols()).containsExactly("TLSv1.3");
    assertThat(p.getApplicationProtocols()).containsExactly("sunrpc");
  }

  @Test
  void tlsFailureIsAnAuthenticationError() {
    RpcTlsException e = new RpcTlsException("host", "TLS handshake failed: x", null);
    assertThat(e.status()).isEqualTo(RpcStatus.AUTH_ERROR);
    assertThat(e).hasMessage("host: RPC: Authentication error; TLS handshake failed: x");
    assertThat(AuthFlavor.AUTH_TLS.value()).isEqualTo(7);
  }
}
