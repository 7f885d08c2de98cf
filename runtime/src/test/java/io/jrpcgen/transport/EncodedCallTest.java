package io.jrpcgen.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.rpc.AuthStat;
import io.jrpcgen.rpc.CallSecurity;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.rpc.RpcAuthException;
import io.jrpcgen.xdr.Opaque;
import io.jrpcgen.xdr.XdrCodec;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A call sent again with a sequence number of its own (RPCSEC_GSS over UDP): the reply may answer
 * either transmission, so either one's check may read it, and a refusal reaches both.
 */
class EncodedCallTest {
  private static final XdrCodec<Integer> INT = XdrCodec.INT;

  /** A check that reads an int if the verifier is {@code accepted}, and notes refusals. */
  private static final class Check implements CallSecurity.ReplyCheck {
    final OpaqueAuth accepted;
    final List<AuthStat> refusals = new ArrayList<>();

    Check(OpaqueAuth accepted) {
      this.accepted = accepted;
    }

    @Override
    public <R> R readResults(OpaqueAuth verifier, XdrDecoder in, XdrCodec<R> codec) {
      if (!verifier.equals(accepted)) {
        throw new RpcAuthException("server", AuthStat.AUTH_INVALIDRESP);
      }
      return codec.decode(in);
    }

    @Override
    public void refused(AuthStat status) {
      refusals.add(status);
    }
  }

  private static OpaqueAuth verifier(int n) {
    return new OpaqueAuth(6, Opaque.copyOf(new byte[] {(byte) n}));
  }

  private static XdrDecoder fortyTwo() {
    XdrEncoder out = new XdrEncoder();
    out.writeInt(42);
    return new XdrDecoder(out.toByteArray());
  }

  @Test
  void aReplyToEitherTransmissionIsReadAndOneToNeitherIsRefused() {
    Check first = new Check(verifier(1));
    Check second = new Check(verifier(2));
    XdrEncoder again = new XdrEncoder();
    AbstractChannel.EncodedCall resent =
        new AbstractChannel.EncodedCall(new XdrEncoder(), first)
            .resent(new AbstractChannel.EncodedCall(again, second));

    assertThat(resent.encoder()).isSameAs(again);
    assertThat(resent.check().readResults(verifier(2), fortyTwo(), INT)).isEqualTo(42);
    assertThat(resent.check().readResults(verifier(1), fortyTwo(), INT)).isEqualTo(42);
    assertThatThrownBy(() -> resent.check().readResults(verifier(3), fortyTwo(), INT))
        .isInstanceOfSatisfying(
            RpcAuthException.class,
            e -> assertThat(e.authStat()).isEqualTo(AuthStat.AUTH_INVALIDRESP));

    resent.check().refused(AuthStat.RPCSEC_GSS_CTXPROBLEM);
    assertThat(first.refusals).containsExactly(AuthStat.RPCSEC_GSS_CTXPROBLEM);
    assertThat(second.refusals).containsExactly(AuthStat.RPCSEC_GSS_CTXPROBLEM);
  }
}
