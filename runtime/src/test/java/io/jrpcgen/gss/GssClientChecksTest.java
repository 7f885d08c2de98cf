package io.jrpcgen.gss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.client.RpcClient;
import io.jrpcgen.internal.rpc.CallHeader;
import io.jrpcgen.rpc.AuthFlavor;
import io.jrpcgen.rpc.AuthStat;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.rpc.RpcAuthException;
import io.jrpcgen.rpc.RpcException;
import io.jrpcgen.rpc.RpcStatus;
import io.jrpcgen.server.RpcServer;
import io.jrpcgen.transport.TcpChannel;
import io.jrpcgen.xdr.Opaque;
import io.jrpcgen.xdr.XdrCodec;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What the client checks in a server's answers, against the realm's server with a test's hand on
 * them: context creation replies that go another round, say too much or lack their checksum; reply
 * verifiers that are not the server's; protected results that fail their check. And the client's
 * own end of a context: one used up to the last sequence number is replaced.
 */
class GssClientChecksTest extends GssRealmTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  /** What the test does to the real server's answers. */
  private enum Tamper {
    NOTHING,
    // Context creation: CONTINUE_NEEDED without a token first, the real answer to CONTINUE_INIT.
    INIT_IN_TWO_ROUNDS,
    // Context creation: CONTINUE_NEEDED with the server's last token, which ends GSS's part.
    CONTINUE_AFTER_THE_LAST_TOKEN,
    // Context creation: COMPLETE without the token the client needs to complete too.
    COMPLETE_WITHOUT_TOKEN,
    // Context creation: COMPLETE with no checksum of the window.
    COMPLETE_WITHOUT_VERIFIER,
    // Data calls: a reply verifier that is not the server's.
    FORGED_VERIFIER,
    // Data calls: krb5i or krb5p results changed on the way.
    CHANGED_RESULTS
  }

  /** The realm's server with {@link #tamper} applied to its answers. */
  private static final class Tampering extends AroundGssServer {
    volatile Tamper tamper = Tamper.NOTHING;
    final AtomicInteger continueInits = new AtomicInteger();
    final AtomicInteger denials = new AtomicInteger();
    // The real answer to an INIT, kept for the CONTINUE_INIT that INIT_IN_TWO_ROUNDS asks for.
    private volatile Answer held;

    @Override
    public Verdict verify(CallHeader header, byte[] message, int credentialEnd, XdrDecoder body) {
      GssCred cred = GssCred.decode(header.credential());
      if (cred.procedure() == GssCred.CONTINUE_INIT) {
        continueInits.incrementAndGet();
        if (held != null) {
          return held;
        }
      }
      Verdict verdict = gss.verify(header, message, credentialEnd, body);
      if (verdict instanceof Answer answer && cred.procedure() == GssCred.INIT) {
        return tamperInit(answer);
      }
      if (verdict instanceof Accept accept) {
        return tamperData(accept.call());
      }
      if (verdict instanceof Deny) {
        denials.incrementAndGet();
      }
      return verdict;
    }

    private Verdict tamperInit(Answer real) {
      XdrEncoder out = new XdrEncoder();
      real.results().accept(out);
      InitResult r = InitResult.CODEC.decode(new XdrDecoder(out.toByteArray()));
      return switch (tamper) {
        case INIT_IN_TWO_ROUNDS -> {
          held = real;
          yield initAnswer(
              OpaqueAuth.NONE,
              new InitResult(r.handle(), InitResult.GSS_S_CONTINUE_NEEDED, 0, 0, Opaque.EMPTY));
        }
        case CONTINUE_AFTER_THE_LAST_TOKEN ->
            initAnswer(
                OpaqueAuth.NONE,
                new InitResult(r.handle(), InitResult.GSS_S_CONTINUE_NEEDED, 0, 0, r.token()));
        case COMPLETE_WITHOUT_TOKEN ->
            initAnswer(
                real.verifier(),
                new InitResult(r.handle(), r.major(), 0, r.window(), Opaque.EMPTY));
        case COMPLETE_WITHOUT_VERIFIER -> initAnswer(OpaqueAuth.NONE, r);
        default -> real;
      };
    }

    private static Answer initAnswer(OpaqueAuth verifier, InitResult result) {
      return new Answer(verifier, o -> InitResult.CODEC.encode(o, result));
    }

    private Verdict tamperData(SecureCall real) {
      return new Accept(
          new SecureCall() {
            @Override
            public GssCaller caller() {
              return real.caller();
            }

            @Override
            public OpaqueAuth replyVerifier() {
              if (tamper != Tamper.FORGED_VERIFIER) {
                return real.replyVerifier();
              }
              byte[] forged = real.replyVerifier().body().toByteArray();
              forged[forged.length - 1] ^= 1;
              return new OpaqueAuth(AuthFlavor.RPCSEC_GSS.value(), Opaque.copyOf(forged));
            }

            @Override
            public XdrDecoder arguments(XdrDecoder body) {
              return real.arguments(body);
            }

            @Override
            public void protectResults(XdrEncoder out, int resultsStart) {
              real.protectResults(out, resultsStart);
              if (tamper == Tamper.CHANGED_RESULTS) {
                // A byte of the integrity body (after its length and sequence number), or of
                // the wrapped token's encrypted part.
                int offset = real.caller().service() == GssService.INTEGRITY ? 4 + 4 + 3 : 4 + 30;
                out.array()[resultsStart + offset] ^= 0x40;
              }
            }
          });
    }
  }

  private Tampering tampering;
  private RpcServer server;

  @BeforeEach
  void startServer() {
    tampering = new Tampering();
    server = serve(tampering);
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  private static RpcSecGssClient establish(TcpChannel channel, GssService service) {
    return RpcSecGssClient.establish(
        channel,
        GssSquare.PROGRAM,
        GssSquare.VERSION,
        GssSettings.of(TestKdc.SERVICE, realm.alice, service));
  }

  private static RpcClient client(TcpChannel channel, RpcSecGssClient gss) {
    return RpcClient.create(
        channel, GssSquare.PROGRAM, GssSquare.VERSION, gss.callOptions().withTimeout(TIMEOUT));
  }

  private static int square(RpcClient rpc, int n) {
    return rpc.call(GssSquare.SQUAREPROC, XdrCodec.INT, n, XdrCodec.INT);
  }

  /** What an asynchronous call of SQUAREPROC fails with. */
  private static Throwable asyncFailure(RpcClient rpc) throws Exception {
    try {
      rpc.callAsync(GssSquare.SQUAREPROC, XdrCodec.INT, 3, XdrCodec.INT)
          .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("the call did not fail");
  }

  @Test
  void aContextMadeInTwoRoundsGoesOnWithContinueInit() {
    tampering.tamper = Tamper.INIT_IN_TWO_ROUNDS;
    try (TcpChannel channel = tcp(server);
        RpcSecGssClient gss = establish(channel, GssService.INTEGRITY)) {
      assertThat(tampering.continueInits).hasValue(1);
      assertThat(square(client(channel, gss), 6)).isEqualTo(36);
      assertThat(gss.sequenceWindow()).isEqualTo(RpcSecGssServer.DEFAULT_WINDOW);
    }
  }

  @ParameterizedTest
  @CsvSource({
    "CONTINUE_AFTER_THE_LAST_TOKEN, server wants another RPCSEC_GSS round but GSS has no token for it",
    "COMPLETE_WITHOUT_TOKEN, server completed the RPCSEC_GSS context before the client",
    "COMPLETE_WITHOUT_VERIFIER, RPCSEC_GSS context reply has a bad verifier of the sequence window"
  })
  void aContextReplyTheClientCannotTrustIsRefused(Tamper tamper, String why) {
    tampering.tamper = tamper;
    try (TcpChannel channel = tcp(server)) {
      assertThatThrownBy(() -> establish(channel, GssService.NONE))
          .isInstanceOf(SecurityException.class)
          .hasMessage(channel.serverAddress().getHostString() + ": " + why);
      assertThat(tampering.continueInits).hasValue(0);
    }
  }

  @Test
  void aReplyWithAVerifierNotTheServersFailsTheCallAndIsNotRenewed() throws Exception {
    try (TcpChannel channel = tcp(server);
        RpcSecGssClient gss = establish(channel, GssService.NONE)) {
      RpcClient rpc = client(channel, gss);
      tampering.tamper = Tamper.FORGED_VERIFIER;
      assertThatThrownBy(() -> square(rpc, 3))
          .isInstanceOfSatisfying(
              RpcAuthException.class,
              e -> assertThat(e.authStat()).isEqualTo(AuthStat.AUTH_INVALIDRESP));
      assertThat(asyncFailure(rpc))
          .isInstanceOfSatisfying(
              RpcAuthException.class,
              e -> assertThat(e.authStat()).isEqualTo(AuthStat.AUTH_INVALIDRESP));
      assertThat(tampering.gss.stats().contextsEstablished()).isEqualTo(1);
      tampering.tamper = Tamper.NOTHING;
      assertThat(square(rpc, 4)).isEqualTo(16);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = GssService.class,
      names = {"INTEGRITY", "PRIVACY"})
  void resultsThatFailTheirCheckFailTheCall(GssService service) throws Exception {
    try (TcpChannel channel = tcp(server);
        RpcSecGssClient gss = establish(channel, service)) {
      RpcClient rpc = client(channel, gss);
      tampering.tamper = Tamper.CHANGED_RESULTS;
      assertThatThrownBy(() -> square(rpc, 3))
          .isInstanceOfSatisfying(
              RpcException.class, e -> assertThat(e.status()).isEqualTo(RpcStatus.CANT_DECODE_RES));
      assertThat(asyncFailure(rpc))
          .isInstanceOfSatisfying(
              RpcException.class, e -> assertThat(e.status()).isEqualTo(RpcStatus.CANT_DECODE_RES));
      tampering.tamper = Tamper.NOTHING;
      assertThat(square(rpc, 4)).isEqualTo(16);
    }
  }

  @Test
  void aContextUsedUpToTheLastSequenceNumberIsReplaced() throws Exception {
    try (TcpChannel channel = tcp(server);
        RpcSecGssClient gss = establish(channel, GssService.INTEGRITY)) {
      RpcClient rpc = client(channel, gss);
      gss.nextSequence(GssCred.MAXSEQ - 1);
      assertThat(square(rpc, 3)).isEqualTo(9);
      assertThat(tampering.gss.stats().contextsEstablished()).isEqualTo(1);
      // The next number would be MAXSEQ: a new context takes over, from 0.
      assertThat(square(rpc, 4)).isEqualTo(16);
      assertThat(tampering.gss.stats().contextsEstablished()).isEqualTo(2);
      assertThat(square(rpc, 5)).isEqualTo(25);
      // So for an asynchronous call, without its caller making the context.
      gss.nextSequence(GssCred.MAXSEQ);
      assertThat(
              rpc.callAsync(GssSquare.SQUAREPROC, XdrCodec.INT, 6, XdrCodec.INT)
                  .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
          .isEqualTo(36);
      assertThat(tampering.gss.stats().contextsEstablished()).isEqualTo(3);
      assertThat(tampering.gss.stats().tooOldDropped()).isZero();
      // The client never sent MAXSEQ: the server had nothing to refuse.
      assertThat(tampering.denials).hasValue(0);
    }
  }
}
