package io.jrpcgen.server;

import static io.jrpcgen.server.RawWire.assertReply;
import static io.jrpcgen.server.RawWire.call;
import static io.jrpcgen.server.TestProgram.ADD;
import static io.jrpcgen.server.TestProgram.PROGRAM;
import static io.jrpcgen.server.TestProgram.V2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.gss.GssCaller;
import io.jrpcgen.internal.rpc.CallHeader;
import io.jrpcgen.internal.rpc.Reply;
import io.jrpcgen.internal.rpc.RpcMessages;
import io.jrpcgen.internal.transport.Message;
import io.jrpcgen.rpc.AcceptStat;
import io.jrpcgen.rpc.AuthFlavor;
import io.jrpcgen.rpc.AuthStat;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.xdr.Opaque;
import io.jrpcgen.xdr.XdrCodec;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher alone, with no socket: what a call authenticator's verdicts and TLS-only programs
 * make of a call, which the wire tests reach only with Kerberos or TLS set up.
 */
class CallDispatcherTest {
  private static final int GSS = AuthFlavor.RPCSEC_GSS.value();
  private static final OpaqueAuth GSS_CREDENTIAL =
      new OpaqueAuth(GSS, Opaque.copyOf(new byte[] {1, 2, 3, 4}));
  private static final OpaqueAuth REPLY_VERIFIER =
      new OpaqueAuth(GSS, Opaque.copyOf(new byte[] {9, 9, 9, 9}));
  private static final InetSocketAddress REMOTE = new InetSocketAddress(RawWire.LOOPBACK, 40_000);
  // Appended by the secure call's protectResults, to see where and whether it ran.
  private static final int SEAL = 0x5ea1_5ea1;

  private final TestProgram prog = new TestProgram();

  /** An authenticator of RPCSEC_GSS that gives {@code verdict} and records what it was shown. */
  private static final class FakeAuthenticator implements CallAuthenticator {
    private final Verdict verdict;
    final List<CallHeader> headers = new ArrayList<>();
    final List<Integer> credentialEnds = new ArrayList<>();

    FakeAuthenticator(Verdict verdict) {
      this.verdict = verdict;
    }

    @Override
    public int flavor() {
      return GSS;
    }

    @Override
    public Verdict verify(CallHeader header, byte[] message, int credentialEnd, XdrDecoder body) {
      headers.add(header);
      credentialEnds.add(credentialEnd);
      return verdict;
    }
  }

  /**
   * A secure call whose arguments are the body's words less a leading one, and whose results are
   * sealed by a word appended after them.
   */
  private static final class FakeSecureCall implements CallAuthenticator.SecureCall {
    final List<Integer> resultsStarts = new ArrayList<>();

    @Override
    public GssCaller caller() {
      return null;
    }

    @Override
    public OpaqueAuth replyVerifier() {
      return REPLY_VERIFIER;
    }

    @Override
    public XdrDecoder arguments(XdrDecoder body) {
      body.readInt();
      return body;
    }

    @Override
    public void protectResults(XdrEncoder out, int resultsStart) {
      resultsStarts.add(resultsStart);
      out.writeInt(SEAL);
    }
  }

  /** Late replies for calls that all reply at once: any use of them is a failure. */
  private static final LateReplies NO_LATE_REPLIES =
      new LateReplies() {
        @Override
        public void started() {
          throw new AssertionError("a synchronous call went on later");
        }

        @Override
        public XdrEncoder encoder() {
          throw new AssertionError("a synchronous call asked for a late encoder");
        }

        @Override
        public void send(XdrEncoder reply) {
          throw new AssertionError("a synchronous call sent a late reply");
        }
      };

  private CallDispatcher dispatcher(CallAuthenticator authenticator, Set<Integer> tlsOnly) {
    return new CallDispatcher(List.of(prog.v2(), prog.v4()), tlsOnly, authenticator, null);
  }

  /** The reply {@code dispatcher} makes to {@code message}, or null if it makes none. */
  private static byte[] reply(CallDispatcher dispatcher, byte[] message, TlsPeer tlsPeer) {
    XdrEncoder out = new XdrEncoder();
    boolean replied =
        dispatcher.dispatch(
            new Message(message, message.length),
            REMOTE,
            CallContext.Transport.TCP,
            tlsPeer,
            out,
            null,
            NO_LATE_REPLIES);
    if (!replied) {
      assertThat(out.position()).as("bytes written for a call not answered").isZero();
      return null;
    }
    return out.toByteArray();
  }

  private static byte[] gssCall(int xid, int procedure, Consumer<XdrEncoder> args) {
    return call(xid, PROGRAM, V2, procedure, GSS_CREDENTIAL, args);
  }

  private static void addArgs(XdrEncoder out) {
    out.writeInt(0x0bad_0bad); // what FakeSecureCall.arguments strips
    out.writeInt(20);
    out.writeInt(22);
  }

  @Test
  void aDroppedCallGetsNoReply() {
    FakeAuthenticator auth = new FakeAuthenticator(new CallAuthenticator.Drop("replayed"));

    assertThat(reply(dispatcher(auth, Set.of()), gssCall(0x11, ADD, out -> {}), null)).isNull();
    assertThat(auth.headers).hasSize(1);
  }

  @Test
  void aDeniedCallIsAnAuthErrorWithTheVerdictsStatus() {
    FakeAuthenticator auth =
        new FakeAuthenticator(new CallAuthenticator.Deny(AuthStat.RPCSEC_GSS_CREDPROBLEM));

    assertReply(
        reply(dispatcher(auth, Set.of()), gssCall(0x12, ADD, out -> {}), null),
        new Reply.AuthError(0x12, AuthStat.RPCSEC_GSS_CREDPROBLEM));
  }

  @Test
  void anAnsweredCallRepliesWithTheVerdictsVerifierAndResults() {
    FakeAuthenticator auth =
        new FakeAuthenticator(
            new CallAuthenticator.Answer(REPLY_VERIFIER, out -> out.writeInt(0x77)));

    byte[] reply = reply(dispatcher(auth, Set.of()), gssCall(0x13, ADD, out -> {}), null);

    XdrDecoder in = new XdrDecoder(reply);
    assertThat(RpcMessages.readReply(in)).isEqualTo(new Reply.Success(0x13, REPLY_VERIFIER));
    assertThat(in.readInt()).isEqualTo(0x77);
    in.requireEnd();
  }

  @Test
  void anAcceptedCallRunsOnItsUnwrappedArgumentsAndItsResultsAreProtected() {
    FakeSecureCall secure = new FakeSecureCall();
    FakeAuthenticator auth = new FakeAuthenticator(new CallAuthenticator.Accept(secure));
    byte[] call = gssCall(0x14, ADD, CallDispatcherTest::addArgs);

    byte[] reply = reply(dispatcher(auth, Set.of()), call, null);

    XdrDecoder in = new XdrDecoder(reply);
    assertThat(RpcMessages.readReply(in)).isEqualTo(new Reply.Success(0x14, REPLY_VERIFIER));
    int resultsStart = in.position();
    assertThat(in.readInt()).isEqualTo(42);
    assertThat(in.readInt()).isEqualTo(SEAL);
    in.requireEnd();
    assertThat(secure.resultsStarts).containsExactly(resultsStart);
    // The authenticator is shown the call's header and where its credential ends: after the
    // 6 words before it, the credential's flavor, length and 4 bytes.
    assertThat(auth.headers)
        .containsExactly(new CallHeader(0x14, PROGRAM, V2, ADD, GSS_CREDENTIAL, OpaqueAuth.NONE));
    assertThat(auth.credentialEnds).containsExactly(6 * 4 + 3 * 4);
  }

  @Test
  void anAcceptedNullProcIsAnsweredWithTheReplyVerifierAndProtected() {
    FakeSecureCall secure = new FakeSecureCall();
    FakeAuthenticator auth = new FakeAuthenticator(new CallAuthenticator.Accept(secure));

    byte[] reply = reply(dispatcher(auth, Set.of()), gssCall(0x15, 0, out -> {}), null);

    XdrDecoder in = new XdrDecoder(reply);
    assertThat(RpcMessages.readReply(in)).isEqualTo(new Reply.Success(0x15, REPLY_VERIFIER));
    assertThat(secure.resultsStarts).containsExactly(in.position());
    assertThat(in.readInt()).isEqualTo(SEAL);
    in.requireEnd();
  }

  @Test
  void anAcceptedCallOfAnUnknownProcedureIsProcUnavailWithTheReplyVerifier() {
    FakeSecureCall secure = new FakeSecureCall();
    FakeAuthenticator auth = new FakeAuthenticator(new CallAuthenticator.Accept(secure));

    assertReply(
        reply(dispatcher(auth, Set.of()), gssCall(0x16, 99, out -> {}), null),
        new Reply.AcceptedError(0x16, REPLY_VERIFIER, AcceptStat.PROC_UNAVAIL));
    assertThat(secure.resultsStarts).isEmpty();
  }

  @Test
  void callsOfOtherFlavorsNeverReachTheAuthenticator() {
    FakeAuthenticator auth = new FakeAuthenticator(new CallAuthenticator.Drop("not for me"));
    byte[] call =
        call(
            0x17,
            PROGRAM,
            V2,
            ADD,
            out -> {
              out.writeInt(1);
              out.writeInt(2);
            });

    byte[] reply = reply(dispatcher(auth, Set.of()), call, null);

    XdrDecoder in = RawWire.results(reply, 0x17);
    assertThat(in.readInt()).isEqualTo(3);
    assertThat(auth.headers).isEmpty();
  }

  @Test
  void withoutAnAuthenticatorAnUnknownFlavorIsRejected() {
    assertReply(
        reply(dispatcher(null, Set.of()), gssCall(0x18, ADD, out -> {}), null),
        new Reply.AuthError(0x18, AuthStat.AUTH_REJECTEDCRED));
  }

  @Test
  void aTlsOnlyProgramIsTooWeakOutsideTlsAndServedInIt() {
    CallDispatcher dispatcher = dispatcher(null, Set.of(PROGRAM));

    assertReply(
        reply(dispatcher, call(0x19, PROGRAM, V2, 0), null),
        new Reply.AuthError(0x19, AuthStat.AUTH_TOOWEAK));
    assertReply(
        reply(
            dispatcher,
            call(0x1a, PROGRAM, V2, 0),
            new TlsPeer("TLSv1.3", "TLS_AES_128_GCM_SHA256", List.of())),
        new Reply.Success(0x1a, OpaqueAuth.NONE));
    // Another program served alongside is not TLS-only.
    CallDispatcher mixed =
        new CallDispatcher(
            List.of(prog.v2(), ProgramDefinition.builder(PROGRAM + 1, 1).build()),
            Set.of(PROGRAM),
            null,
            null);
    assertReply(
        reply(mixed, call(0x1b, PROGRAM + 1, 1, 0), null),
        new Reply.Success(0x1b, OpaqueAuth.NONE));
  }

  @Test
  void anAuthTlsCredentialOutsideTheProbeIsABadCredential() {
    byte[] call =
        call(
            0x1c,
            PROGRAM,
            V2,
            ADD,
            new OpaqueAuth(AuthFlavor.AUTH_TLS.value(), Opaque.EMPTY),
            out -> {});

    assertReply(
        reply(dispatcher(null, Set.of()), call, null),
        new Reply.AuthError(0x1c, AuthStat.AUTH_BADCRED));
  }

  @Test
  void anAsynchronousCallAlreadyCompleteRepliesAtOnceAndLeavesNoCurrentCall() {
    ProgramDefinition async =
        ProgramDefinition.builder(PROGRAM, 1)
            .procedure(
                Procedure.ofAsync(
                    1,
                    "DONE",
                    XdrCodec.INT,
                    XdrCodec.INT,
                    (call, n) -> CompletableFuture.completedFuture(n + 1)))
            .build();
    CallDispatcher dispatcher = new CallDispatcher(List.of(async), Set.of());

    // NO_LATE_REPLIES fails the call if the completed stage is treated as one still to come.
    byte[] reply = reply(dispatcher, call(0x1d, PROGRAM, 1, 1, out -> out.writeInt(41)), null);

    XdrDecoder in = RawWire.results(reply, 0x1d);
    assertThat(in.readInt()).isEqualTo(42);
    in.requireEnd();
    assertThatThrownBy(CallContext::current).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aProgramVersionDefinedTwiceIsRefused() {
    assertThatThrownBy(() -> new CallDispatcher(List.of(prog.v2(), prog.v2()), Set.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("version 2 is defined twice");
  }

  @Test
  void namesProgramsAndProceduresItServes() {
    CallDispatcher dispatcher = dispatcher(null, Set.of());

    assertThat(dispatcher.procedureName(PROGRAM, V2, ADD)).isEqualTo("ADD");
    assertThat(dispatcher.procedureName(PROGRAM, V2, 99)).isNull();
    assertThat(dispatcher.procedureName(PROGRAM, 3, ADD)).isNull();
    assertThat(dispatcher.procedureName(PROGRAM + 7, V2, ADD)).isNull();
    assertThat(dispatcher.programName(PROGRAM + 7)).isNull();
    assertThat(dispatcher.definitions())
        .extracting(ProgramDefinition::version)
        .containsExactly(V2, TestProgram.V4);
    CallDispatcher named =
        new CallDispatcher(
            List.of(
                ProgramDefinition.builder(PROGRAM, 1).build(),
                ProgramDefinition.builder(PROGRAM, 2).programName("TEST_PROG").build()),
            Set.of());
    assertThat(named.programName(PROGRAM)).isEqualTo("TEST_PROG");
  }
}
