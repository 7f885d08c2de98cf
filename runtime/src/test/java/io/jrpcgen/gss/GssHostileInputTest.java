package io.jrpcgen.gss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.client.RpcClient;
import io.jrpcgen.internal.rpc.Reply;
import io.jrpcgen.internal.rpc.RpcMessages;
import io.jrpcgen.rpc.AcceptStat;
import io.jrpcgen.rpc.AuthFlavor;
import io.jrpcgen.rpc.AuthStat;
import io.jrpcgen.rpc.CallSecurity.ReplyCheck;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.rpc.RpcAuthException;
import io.jrpcgen.transport.RpcChannel;
import io.jrpcgen.transport.TcpChannel;
import io.jrpcgen.xdr.Opaque;
import io.jrpcgen.xdr.XdrCodec;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Calls a client never sends, written byte by byte on a raw connection to the Java server: replayed
 * and too old sequence numbers, forged checksums, bodies that do not unwrap, context handles never
 * issued. Each is counted, dropped or answered as RFC 2203 says, none reaches the procedure, and
 * the server goes on serving the same connection.
 */
class GssHostileInputTest extends GssRealmTest {
  private static final AtomicInteger XID = new AtomicInteger(0x6000);
  private Socket socket;
  private DataInputStream in;
  private OutputStream out;

  @BeforeEach
  void connect() throws IOException {
    socket = new Socket(realm.tcp().getAddress(), realm.tcp().getPort());
    socket.setSoTimeout(10_000);
    in = new DataInputStream(socket.getInputStream());
    out = socket.getOutputStream();
  }

  @AfterEach
  void disconnect() throws IOException {
    socket.close();
  }

  /** A call made and protected by {@code client}, with the check of its reply. */
  private record Call(int xid, byte[] bytes, ReplyCheck check) {}

  private static Call square(RpcSecGssClient client, int n) {
    int xid = XID.incrementAndGet();
    XdrEncoder e = new XdrEncoder();
    RpcMessages.writeCallStart(e, xid, GssSquare.PROGRAM, GssSquare.VERSION, GssSquare.SQUAREPROC);
    ReplyCheck check = client.writeCall(e, 0, XdrCodec.INT, n);
    return new Call(xid, e.toByteArray(), check);
  }

  private void send(byte[] message) throws IOException {
    byte[] record = new byte[4 + message.length];
    int mark = 0x8000_0000 | message.length;
    record[0] = (byte) (mark >>> 24);
    record[1] = (byte) (mark >>> 16);
    record[2] = (byte) (mark >>> 8);
    record[3] = (byte) mark;
    System.arraycopy(message, 0, record, 4, message.length);
    out.write(record);
    out.flush();
  }

  private XdrDecoder receive() throws IOException {
    int mark = in.readInt();
    byte[] bytes = new byte[mark & 0x7fff_ffff];
    in.readFully(bytes);
    return new XdrDecoder(bytes);
  }

  /** Sends {@code call} and checks that the server answers it with its square. */
  private void assertSquared(Call call, int n) throws IOException {
    send(call.bytes());
    XdrDecoder reply = receive();
    Reply header = RpcMessages.readReply(reply);
    assertThat(header.xid()).isEqualTo(call.xid());
    OpaqueAuth verifier = ((Reply.Success) header).verifier();
    assertThat(call.check().readResults(verifier, reply, XdrCodec.INT)).isEqualTo(n * n);
  }

  private Reply sendForReply(byte[] message) throws IOException {
    send(message);
    return RpcMessages.readReply(receive());
  }

  /** Where the arguments start in a call message. */
  private static int argumentsStart(byte[] call) {
    XdrDecoder d = new XdrDecoder(call);
    for (int i = 0; i < 6; i++) {
      d.readInt();
    }
    RpcMessages.readAuth(d);
    RpcMessages.readAuth(d);
    return d.position();
  }

  @Test
  void aReplayedSequenceNumberIsDroppedUnanswered() throws IOException {
    try (TcpChannel channel = RpcChannel.tcp(realm.tcp());
        RpcSecGssClient client = establish(channel, GssService.NONE)) {
      Call first = square(client, 5);
      assertSquared(first, 5);
      long replays = realm.gss.stats().replaysDropped();
      int calls = realm.square.calls.get();
      send(first.bytes());
      // The connection's calls are served in order: a reply to the replay would come first.
      assertSquared(square(client, 6), 6);
      assertThat(realm.gss.stats().replaysDropped()).isEqualTo(replays + 1);
      assertThat(realm.square.calls.get()).isEqualTo(calls + 1);
    }
  }

  @Test
  void aSequenceNumberBelowTheWindowIsDroppedUnanswered() throws IOException {
    try (TcpChannel channel = RpcChannel.tcp(realm.tcp());
        RpcSecGssClient client = establish(channel, GssService.NONE)) {
      Call old = square(client, 2);
      Call latest = null;
      for (int i = 0; i < client.sequenceWindow(); i++) {
        latest = square(client, 3);
      }
      assertSquared(latest, 3);
      long tooOld = realm.gss.stats().tooOldDropped();
      int calls = realm.square.calls.get();
      send(old.bytes());
      assertSquared(square(client, 4), 4);
      assertThat(realm.gss.stats().tooOldDropped()).isEqualTo(tooOld + 1);
      assertThat(realm.square.calls.get()).isEqualTo(calls + 1);
    }
  }

  @Test
  void aForgedHeaderChecksumIsACredentialProblem() throws IOException {
    try (TcpChannel channel = RpcChannel.tcp(realm.tcp());
        RpcSecGssClient client = establish(channel, GssService.NONE)) {
      long bad = realm.gss.stats().badHeaderChecksums();
      int calls = realm.square.calls.get();
      Call forged = square(client, 5);
      // The checksum's last byte (krb5 MIC tokens are a multiple of 4 long: no padding).
      forged.bytes()[argumentsStart(forged.bytes()) - 1] ^= 1;
      assertThat(sendForReply(forged.bytes()))
          .isEqualTo(new Reply.AuthError(forged.xid(), AuthStat.RPCSEC_GSS_CREDPROBLEM));
      Call altered = square(client, 5);
      // The procedure number, which the checksum covers: SQUAREPROC becomes WHO.
      altered.bytes()[23] = GssSquare.WHO;
      assertThat(sendForReply(altered.bytes()))
          .isEqualTo(new Reply.AuthError(altered.xid(), AuthStat.RPCSEC_GSS_CREDPROBLEM));
      assertThat(realm.gss.stats().badHeaderChecksums()).isEqualTo(bad + 2);
      assertThat(realm.square.calls.get()).isEqualTo(calls);
      assertSquared(square(client, 7), 7);
    }
  }

  @Test
  void anArgumentBodyFailingItsChecksumIsGarbage() throws IOException {
    try (TcpChannel channel = RpcChannel.tcp(realm.tcp());
        RpcSecGssClient client = establish(channel, GssService.INTEGRITY)) {
      assertBadBodyIsGarbage(client, 4 + 4 + 3);
    }
  }

  @Test
  void aPrivacyBodyThatDoesNotDecryptIsGarbage() throws IOException {
    try (TcpChannel channel = RpcChannel.tcp(realm.tcp());
        RpcSecGssClient client = establish(channel, GssService.PRIVACY)) {
      assertBadBodyIsGarbage(client, 4 + 30);
    }
  }

  private void assertBadBodyIsGarbage(RpcSecGssClient client, int offsetInBody) throws IOException {
    long bad = realm.gss.stats().badBodies();
    int calls = realm.square.calls.get();
    Call forged = square(client, 5);
    forged.bytes()[argumentsStart(forged.bytes()) + offsetInBody] ^= 0x40;
    Reply reply = sendForReply(forged.bytes());
    assertThat(reply).isInstanceOf(Reply.AcceptedError.class);
    assertThat(((Reply.AcceptedError) reply).status()).isEqualTo(AcceptStat.GARBAGE_ARGS);
    assertThat(realm.gss.stats().badBodies()).isEqualTo(bad + 1);
    assertThat(realm.square.calls.get()).isEqualTo(calls);
    assertSquared(square(client, 8), 8);
  }

  @Test
  void anIntegrityBodyWithAnotherSequenceNumberIsGarbage() throws IOException {
    try (TcpChannel channel = RpcChannel.tcp(realm.tcp());
        RpcSecGssClient client = establish(channel, GssService.INTEGRITY)) {
      assertBodyOfAnotherCallIsGarbage(client);
    }
  }

  @Test
  void aPrivacyBodyWithAnotherSequenceNumberIsGarbage() throws IOException {
    try (TcpChannel channel = RpcChannel.tcp(realm.tcp());
        RpcSecGssClient client = establish(channel, GssService.PRIVACY)) {
      assertBodyOfAnotherCallIsGarbage(client);
    }
  }

  /**
   * A call whose header and checksum are right, with the arguments of the client's next call:
   * protected as they should be, but for another sequence number (a body moved between calls).
   */
  private void assertBodyOfAnotherCallIsGarbage(RpcSecGssClient client) throws IOException {
    long bad = realm.gss.stats().badBodies();
    int calls = realm.square.calls.get();
    Call header = square(client, 5);
    Call body = square(client, 5);
    int headerEnd = argumentsStart(header.bytes());
    int bodyStart = argumentsStart(body.bytes());
    byte[] spliced = new byte[headerEnd + body.bytes().length - bodyStart];
    System.arraycopy(header.bytes(), 0, spliced, 0, headerEnd);
    System.arraycopy(body.bytes(), bodyStart, spliced, headerEnd, spliced.length - headerEnd);
    Reply reply = sendForReply(spliced);
    assertThat(reply).isInstanceOf(Reply.AcceptedError.class);
    assertThat(((Reply.AcceptedError) reply).status()).isEqualTo(AcceptStat.GARBAGE_ARGS);
    assertThat(realm.gss.stats().badBodies()).isEqualTo(bad + 1);
    assertThat(realm.square.calls.get()).isEqualTo(calls);
    assertSquared(square(client, 9), 9);
  }

  @Test
  void aSequenceNumberAtTheLimitIsAContextProblemAndEndsTheContext() throws Exception {
    try (TcpChannel channel = RpcChannel.tcp(realm.tcp());
        RpcSecGssClient client = establish(channel, GssService.NONE)) {
      Opaque handle = handleOf(client);
      int contexts = realm.gss.contextCount();
      int calls = realm.square.calls.get();
      long expired = realm.gss.stats().contextsExpired();
      // RFC 2203 section 5.3.3.1: MAXSEQ (2^31) and above are never used; the header checksum
      // is right, so it is the number the server refuses.
      GssCred used = new GssCred(GssCred.VERSION, GssCred.DATA, GssCred.MAXSEQ, 1, handle);
      int xid = XID.incrementAndGet();
      XdrEncoder e = new XdrEncoder();
      RpcMessages.writeCallStart(e, xid, GssSquare.PROGRAM, GssSquare.VERSION, 1);
      RpcMessages.writeAuth(e, used.toOpaqueAuth());
      Opaque checksum = client.checksum(e.toByteArray());
      RpcMessages.writeAuth(e, new OpaqueAuth(AuthFlavor.RPCSEC_GSS.value(), checksum));
      e.writeInt(5);
      assertThat(sendForReply(e.toByteArray()))
          .isEqualTo(new Reply.AuthError(xid, AuthStat.RPCSEC_GSS_CTXPROBLEM));
      assertThat(realm.gss.contextCount()).isEqualTo(contexts - 1);
      assertThat(realm.square.calls.get()).isEqualTo(calls);
      // Used up, not expired.
      assertThat(realm.gss.stats().contextsExpired()).isEqualTo(expired);
      // The context is gone: its next call is a credential problem, answered all the same.
      Call next = square(client, 2);
      assertThat(sendForReply(next.bytes()))
          .isEqualTo(new Reply.AuthError(next.xid(), AuthStat.RPCSEC_GSS_CREDPROBLEM));
    }
  }

  /** The handle of {@code client}'s context, as its calls carry it. */
  private static Opaque handleOf(RpcSecGssClient client) {
    XdrDecoder d = new XdrDecoder(square(client, 1).bytes());
    for (int i = 0; i < 6; i++) {
      d.readInt();
    }
    return GssCred.decode(RpcMessages.readAuth(d)).handle();
  }

  @Test
  void aContextHandleNeverIssuedIsACredentialProblem() throws IOException {
    long unknown = realm.gss.stats().unknownContexts();
    GssCred cred =
        new GssCred(
            GssCred.VERSION,
            GssCred.DATA,
            0,
            GssService.NONE.value(),
            Opaque.fromHex("00112233445566778899aabbccddeeff"));
    int xid = XID.incrementAndGet();
    assertThat(
            sendForReply(
                rawCall(
                    xid,
                    GssSquare.SQUAREPROC,
                    cred.toOpaqueAuth(),
                    new OpaqueAuth(
                        AuthFlavor.RPCSEC_GSS.value(), Opaque.fromHex("0102030405060708")))))
        .isEqualTo(new Reply.AuthError(xid, AuthStat.RPCSEC_GSS_CREDPROBLEM));
    assertThat(realm.gss.stats().unknownContexts()).isEqualTo(unknown + 1);
    // So is a CONTINUE_INIT for a handle never issued.
    GssCred cont = new GssCred(GssCred.VERSION, GssCred.CONTINUE_INIT, 0, 1, cred.handle());
    int xid2 = XID.incrementAndGet();
    assertThat(sendForReply(rawCall(xid2, 0, cont.toOpaqueAuth(), OpaqueAuth.NONE)))
        .isEqualTo(new Reply.AuthError(xid2, AuthStat.RPCSEC_GSS_CREDPROBLEM));
  }

  @Test
  void aContinueInitForAnEstablishedContextIsACredentialProblem() throws IOException {
    try (TcpChannel channel = RpcChannel.tcp(realm.tcp());
        RpcSecGssClient client = establish(channel, GssService.NONE)) {
      Opaque handle = handleOf(client);
      long unknown = realm.gss.stats().unknownContexts();
      GssCred cont = new GssCred(GssCred.VERSION, GssCred.CONTINUE_INIT, 0, 1, handle);
      int xid = XID.incrementAndGet();
      assertThat(sendForReply(rawCall(xid, 0, cont.toOpaqueAuth(), OpaqueAuth.NONE)))
          .isEqualTo(new Reply.AuthError(xid, AuthStat.RPCSEC_GSS_CREDPROBLEM));
      assertThat(realm.gss.stats().unknownContexts()).isEqualTo(unknown + 1);
      assertSquared(square(client, 3), 3);
    }
  }

  @Test
  void aContextCreationCallWithoutATokenIsADefectiveToken() throws IOException {
    long failed = realm.gss.stats().failedInits();
    int contexts = realm.gss.contextCount();
    GssCred init = new GssCred(GssCred.VERSION, GssCred.INIT, 0, 1, Opaque.EMPTY);
    int xid = XID.incrementAndGet();
    // rawCall's body, the int 5, reads as an opaque of 5 bytes that are not there.
    send(rawCall(xid, 0, init.toOpaqueAuth(), OpaqueAuth.NONE));
    XdrDecoder reply = receive();
    assertThat(RpcMessages.readReply(reply)).isInstanceOf(Reply.Success.class);
    InitResult result = InitResult.CODEC.decode(reply);
    assertThat(result.major()).isEqualTo(InitResult.GSS_S_DEFECTIVE_TOKEN);
    assertThat(result.handle().length()).isZero();
    assertThat(realm.gss.stats().failedInits()).isEqualTo(failed + 1);
    assertThat(realm.gss.contextCount()).isEqualTo(contexts);
  }

  @Test
  void malformedCredentialsAreBadCredentials() throws IOException {
    int xid = XID.incrementAndGet();
    OpaqueAuth truncated =
        new OpaqueAuth(AuthFlavor.RPCSEC_GSS.value(), Opaque.fromHex("00000001"));
    assertThat(sendForReply(rawCall(xid, 0, truncated, OpaqueAuth.NONE)))
        .isEqualTo(new Reply.AuthError(xid, AuthStat.AUTH_BADCRED));
    GssCred version2 = new GssCred(2, GssCred.INIT, 0, 1, Opaque.EMPTY);
    int xid2 = XID.incrementAndGet();
    assertThat(sendForReply(rawCall(xid2, 0, version2.toOpaqueAuth(), OpaqueAuth.NONE)))
        .isEqualTo(new Reply.AuthError(xid2, AuthStat.AUTH_BADCRED));
    GssCred badService = new GssCred(1, GssCred.INIT, 0, 4, Opaque.EMPTY);
    int xid3 = XID.incrementAndGet();
    assertThat(sendForReply(rawCall(xid3, 0, badService.toOpaqueAuth(), OpaqueAuth.NONE)))
        .isEqualTo(new Reply.AuthError(xid3, AuthStat.AUTH_BADCRED));
    // Context creation goes to the NULL procedure only.
    GssCred init = new GssCred(1, GssCred.INIT, 0, 1, Opaque.EMPTY);
    int xid4 = XID.incrementAndGet();
    assertThat(
            sendForReply(rawCall(xid4, GssSquare.SQUAREPROC, init.toOpaqueAuth(), OpaqueAuth.NONE)))
        .isEqualTo(new Reply.AuthError(xid4, AuthStat.AUTH_BADCRED));
  }

  @Test
  void aContextCreationTokenGssRefusesGetsItsMajorStatus() throws IOException {
    long failed = realm.gss.stats().failedInits();
    int contexts = realm.gss.contextCount();
    GssCred init = new GssCred(GssCred.VERSION, GssCred.INIT, 0, 1, Opaque.EMPTY);
    XdrEncoder e = new XdrEncoder();
    int xid = XID.incrementAndGet();
    RpcMessages.writeCall(
        e, xid, GssSquare.PROGRAM, GssSquare.VERSION, 0, init.toOpaqueAuth(), OpaqueAuth.NONE);
    e.writeVariableOpaque(Opaque.fromHex("6082deadbeef"), 1000);
    send(e.toByteArray());
    XdrDecoder reply = receive();
    assertThat(RpcMessages.readReply(reply)).isInstanceOf(Reply.Success.class);
    InitResult result = InitResult.CODEC.decode(reply);
    assertThat(result.major()).isNotIn(InitResult.GSS_S_COMPLETE, InitResult.GSS_S_CONTINUE_NEEDED);
    assertThat(result.handle().length()).isZero();
    assertThat(realm.gss.stats().failedInits()).isEqualTo(failed + 1);
    assertThat(realm.gss.contextCount()).isEqualTo(contexts);
  }

  @Test
  void aReplyWithAForgedVerifierFailsTheCall() throws IOException {
    try (TcpChannel channel = RpcChannel.tcp(realm.tcp());
        RpcSecGssClient client = establish(channel, GssService.NONE)) {
      Call call = square(client, 5);
      XdrDecoder results = new XdrDecoder(new byte[] {0, 0, 0, 25});
      OpaqueAuth forged =
          new OpaqueAuth(AuthFlavor.RPCSEC_GSS.value(), Opaque.fromHex("0404050000000000"));
      assertThatThrownBy(() -> call.check().readResults(forged, results, XdrCodec.INT))
          .isInstanceOfSatisfying(
              RpcAuthException.class,
              e -> assertThat(e.authStat()).isEqualTo(AuthStat.AUTH_INVALIDRESP));
      assertThatThrownBy(() -> call.check().readResults(OpaqueAuth.NONE, results, XdrCodec.INT))
          .isInstanceOf(RpcAuthException.class);
    }
  }

  @Test
  void aReplyReadAfterTheClientClosedIsNotAccepted() throws IOException {
    try (TcpChannel channel = RpcChannel.tcp(realm.tcp())) {
      RpcSecGssClient client = establish(channel, GssService.NONE);
      Call call = square(client, 5);
      send(call.bytes());
      XdrDecoder reply = receive();
      OpaqueAuth verifier = ((Reply.Success) RpcMessages.readReply(reply)).verifier();
      // Closing disposes of the context: nothing it made is checked with it any more.
      client.close();
      assertThatThrownBy(() -> call.check().readResults(verifier, reply, XdrCodec.INT))
          .isInstanceOfSatisfying(
              RpcAuthException.class,
              e -> assertThat(e.authStat()).isEqualTo(AuthStat.AUTH_INVALIDRESP));
    }
  }

  @Test
  void aContextTheServerForgotIsMadeAgainOnceAndTheCallSucceeds() throws IOException {
    try (TcpChannel channel = RpcChannel.tcp(realm.tcp());
        RpcSecGssClient client = establish(channel, GssService.INTEGRITY)) {
      RpcClient rpc =
          RpcClient.create(
              channel,
              GssSquare.PROGRAM,
              GssSquare.VERSION,
              client.callOptions().withTimeout(Duration.ofSeconds(10)));
      assertThat(rpc.call(GssSquare.SQUAREPROC, XdrCodec.INT, 3, XdrCodec.INT)).isEqualTo(9);
      // Destroy the context behind the client's back, as a server restart would lose it.
      int xid = XID.incrementAndGet();
      XdrEncoder e = new XdrEncoder();
      RpcMessages.writeCallStart(e, xid, GssSquare.PROGRAM, GssSquare.VERSION, 0);
      client.writeCall(GssCred.DESTROY, e, 0, XdrCodec.VOID, null);
      assertThat(sendForReply(e.toByteArray())).isInstanceOf(Reply.Success.class);
      long established = realm.gss.stats().contextsEstablished();
      long unknown = realm.gss.stats().unknownContexts();
      assertThat(rpc.call(GssSquare.SQUAREPROC, XdrCodec.INT, 4, XdrCodec.INT)).isEqualTo(16);
      assertThat(realm.gss.stats().unknownContexts()).isEqualTo(unknown + 1);
      assertThat(realm.gss.stats().contextsEstablished()).isEqualTo(established + 1);
    }
  }

  private static byte[] rawCall(int xid, int procedure, OpaqueAuth cred, OpaqueAuth verf) {
    XdrEncoder e = new XdrEncoder();
    RpcMessages.writeCall(e, xid, GssSquare.PROGRAM, GssSquare.VERSION, procedure, cred, verf);
    e.writeInt(5);
    return e.toByteArray();
  }
}
