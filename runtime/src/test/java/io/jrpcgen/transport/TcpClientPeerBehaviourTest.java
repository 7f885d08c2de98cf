package io.jrpcgen.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.client.RpcClient;
import io.jrpcgen.internal.rpc.RpcMessages;
import io.jrpcgen.internal.transport.RecordMarking;
import io.jrpcgen.internal.xdr.Bytes;
import io.jrpcgen.rpc.AcceptStat;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.rpc.RpcConnectionException;
import io.jrpcgen.rpc.RpcException;
import io.jrpcgen.rpc.RpcStatus;
import io.jrpcgen.rpc.RpcTimeoutException;
import io.jrpcgen.transport.ScriptedTcpServer.Call;
import io.jrpcgen.transport.ScriptedTcpServer.Peer;
import io.jrpcgen.xdr.Opaque;
import io.jrpcgen.xdr.XdrCodec;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The TCP client against servers that trickle, stall, close or reset: a call's deadline is the
 * whole call's, a stalled stream is dropped, an idle connection the server ended is replaced before
 * sending, and a call that may have reached the server is never re-sent.
 */
@Timeout(60)
class TcpClientPeerBehaviourTest {
  private static final Duration ONE_SECOND = Duration.ofSeconds(1);

  private static RpcClient client(ScriptedTcpServer server) {
    return client(server, ChannelOptions.DEFAULTS);
  }

  private static RpcClient client(ScriptedTcpServer server, ChannelOptions options) {
    return RpcClient.create(
        TcpChannel.connect(server.address(), options), Square.PROGRAM, Square.VERSION);
  }

  private static byte[] squareReply(Call call) {
    return ScriptedTcpServer.record(RawRpc.squareReply(call.xid(), OpaqueAuth.NONE, call.n()));
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Writes {@code bytes} one at a time, {@code pauseMillis} apart. */
  private static void trickle(Peer peer, byte[] bytes, long pauseMillis) throws Exception {
    for (byte b : bytes) {
      sleep(pauseMillis);
      peer.write(new byte[] {b});
    }
  }

  // --- The deadline is the whole call's ------------------------------------------------------

  @Test
  void aReplyTrickledByteByByteCannotStretchTheCallPastItsDeadline() throws Exception {
    // 32 bytes, 200 ms apart: the whole reply takes over 6 s; every single read, 0.2 s.
    try (ScriptedTcpServer server =
            new ScriptedTcpServer(peer -> trickle(peer, squareReply(peer.readCall()), 200));
        RpcClient client = client(server)) {
      assertThatThrownBy(() -> Square.square(client.withTimeout(ONE_SECOND), 5))
          .isInstanceOf(RpcTimeoutException.class)
          .hasMessage("127.0.0.1: RPC: Timed out");
    }
  }

  @Test
  void aReplyTrickledInOneByteFragmentsCannotStretchTheCallPastItsDeadline() throws Exception {
    try (ScriptedTcpServer server =
            new ScriptedTcpServer(
                peer -> {
                  XdrEncoder reply = RawRpc.squareReply(peer.readCall().xid(), OpaqueAuth.NONE, 5);
                  for (int i = 0; i < reply.position(); i++) {
                    byte[] fragment = new byte[RecordMarking.HEADER_SIZE + 1];
                    boolean last = i == reply.position() - 1;
                    Bytes.putInt(fragment, 0, last ? RecordMarking.LAST_FRAGMENT | 1 : 1);
                    fragment[RecordMarking.HEADER_SIZE] = reply.array()[i];
                    sleep(200);
                    peer.write(fragment);
                  }
                });
        RpcClient client = client(server)) {
      assertThatThrownBy(() -> Square.square(client.withTimeout(ONE_SECOND), 5))
          .isInstanceOf(RpcTimeoutException.class);
    }
  }

  // --- A broken stream is not kept --------------------------------------------------------

  /** What a server sends before it falls silent. */
  enum Stall {
    /** A record mark claiming 60 MiB, and nothing of the record. */
    MARK_OF_60_MIB,
    /** The reply but for its last 3 bytes. */
    REPLY_BUT_ITS_END;

    byte[] bytes(Call call) {
      if (this == MARK_OF_60_MIB) {
        byte[] mark = new byte[RecordMarking.HEADER_SIZE];
        Bytes.putInt(mark, 0, RecordMarking.LAST_FRAGMENT | (60 << 20));
        return mark;
      }
      byte[] reply = squareReply(call);
      return Arrays.copyOf(reply, reply.length - 3);
    }
  }

  @ParameterizedTest
  @EnumSource(Stall.class)
  void aRecordLeftHalfReadDropsTheConnectionAndTheNextCallWorks(Stall stall) throws Exception {
    try (ScriptedTcpServer server =
            new ScriptedTcpServer(
                peer -> {
                  peer.write(stall.bytes(peer.readCall()));
                  peer.awaitClose();
                },
                Peer::answerAll);
        RpcClient client = client(server)) {
      RpcClient quick = client.withTimeout(ONE_SECOND);
      assertThatThrownBy(() -> Square.square(quick, 5)).isInstanceOf(RpcTimeoutException.class);
      assertThat(Square.square(quick, 7)).isEqualTo(49);
      assertThat(Square.square(quick, 8)).isEqualTo(64);
      assertThat(server.argumentsByConnection).containsExactly(List.of(5), List.of(7, 8));
    }
  }

  @Test
  void aHalfReadReplyOfACallStillWaitingIsReadOnByThatCall() throws Exception {
    try (ScriptedTcpServer server =
            new ScriptedTcpServer(
                peer -> {
                  Call first = peer.readCall();
                  Call second = peer.readCall();
                  // The impatient caller (reading, if it called first) times out inside the patient
                  // one's reply: its mark and XID at once, then the rest slowly.
                  byte[] reply = squareReply(first.n() == 6 ? second : first);
                  peer.write(Arrays.copyOf(reply, 8));
                  trickle(peer, Arrays.copyOfRange(reply, 8, reply.length), 150);
                  peer.awaitClose();
                });
        RpcClient client = client(server)) {
      CompletableFuture<Throwable> impatient =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  Square.square(client.withTimeout(ONE_SECOND), 6);
                  return null;
                } catch (RpcException e) {
                  return e;
                }
              });
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (server.argumentsByConnection.isEmpty()
          || server.argumentsByConnection.get(0).isEmpty()) {
        assertThat(System.nanoTime()).isLessThan(deadline);
        sleep(10);
      }
      RpcClient patient = client.withTimeout(Duration.ofSeconds(30));
      assertThat(Square.square(patient, 5)).isEqualTo(25);
      assertThat(impatient.get(30, TimeUnit.SECONDS)).isInstanceOf(RpcTimeoutException.class);
      assertThat(server.connections()).isEqualTo(1);
    }
  }

  // --- The record limit fits real servers ---------------------------------------------------

  @Test
  void aReadReplyOfSixtyFourMebibytesFitsTheDefaultLimit() throws Exception {
    // As nfs-ganesha answers a READ of its advertised rtmax (64 MiB): 67,108,992 bytes.
    int data = 64 << 20;
    int attributes = 25;
    // A result the client only decodes: encoding one would be a bug in the test.
    XdrCodec<Opaque> readResult =
        XdrCodec.of(
            (XdrEncoder out, Opaque v) -> {
              throw new AssertionError("a READ result is never encoded here");
            },
            (XdrDecoder in) -> {
              for (int i = 0; i < attributes; i++) {
                in.readInt();
              }
              return in.readVariableOpaque(XdrCodec.UNBOUNDED);
            });
    try (ScriptedTcpServer server =
            new ScriptedTcpServer(
                peer -> {
                  Call call = peer.readCall();
                  XdrEncoder head = new XdrEncoder();
                  RpcMessages.writeAccepted(head, call.xid(), OpaqueAuth.NONE, AcceptStat.SUCCESS);
                  for (int i = 0; i < attributes; i++) {
                    head.writeInt(i);
                  }
                  head.writeInt(data);
                  byte[] mark = new byte[4];
                  Bytes.putInt(mark, 0, RecordMarking.LAST_FRAGMENT | (head.position() + data));
                  peer.write(mark);
                  peer.write(Arrays.copyOf(head.array(), head.position()));
                  byte[] chunk = new byte[1 << 20];
                  for (int sent = 0; sent < data; sent += chunk.length) {
                    peer.write(chunk);
                  }
                  peer.awaitClose();
                });
        RpcClient client = client(server)) {
      Opaque read = client.call(Square.SQUAREPROC, Square.In.CODEC, new Square.In(1), readResult);
      assertThat(read.length()).isEqualTo(data);
    }
  }

  @Test
  void aReplyOverAConfiguredLimitIsRefused() throws Exception {
    try (ScriptedTcpServer server = new ScriptedTcpServer(Peer::answerAll);
        RpcClient client = client(server, ChannelOptions.DEFAULTS.withMaxRecordSize(20))) {
      assertThatThrownBy(() -> Square.square(client, 5))
          .isInstanceOf(RpcConnectionException.class)
          .hasMessageEndingWith("record of at least 28 bytes exceeds the maximum of 20")
          .satisfies(e -> assertThat(((RpcException) e).status()).isEqualTo(RpcStatus.CANT_RECV));
    }
  }

  // --- An idle connection the peer ended is replaced; a sent call is never re-sent ------------

  /** How a server ends a connection. */
  enum Ending {
    CLOSE,
    RESET;

    void end(Peer peer) throws java.io.IOException {
      if (this == CLOSE) {
        peer.socket.close();
      } else {
        peer.reset();
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Ending.class)
  void aConnectionThePeerEndedWhileIdleIsReplacedBeforeSending(Ending ending) throws Exception {
    CountDownLatch ended = new CountDownLatch(1);
    try (ScriptedTcpServer server =
            new ScriptedTcpServer(
                peer -> {
                  peer.answer(peer.readCall());
                  ending.end(peer);
                  ended.countDown();
                },
                Peer::answerAll);
        RpcClient client = client(server)) {
      assertThat(Square.square(client, 2)).isEqualTo(4);
      assertThat(ended.await(10, TimeUnit.SECONDS)).isTrue();
      sleep(300);
      assertThat(Square.square(client, 3)).isEqualTo(9);
      assertThat(server.argumentsByConnection).containsExactly(List.of(2), List.of(3));
    }
  }

  @Test
  void aConnectionTheReaderSawEndedIsReplacedBeforeSendingHoweverSoon() throws Exception {
    try (ScriptedTcpServer server =
            new ScriptedTcpServer(
                peer -> {
                  peer.answer(peer.readCall());
                  peer.reset();
                },
                Peer::answerAll);
        RpcClient client = client(server)) {
      // The asynchronous call's reader thread reads on after the reply and sees the reset.
      assertThat(
              client
                  .callAsync(Square.SQUAREPROC, Square.In.CODEC, new Square.In(2), Square.Out.CODEC)
                  .get(10, TimeUnit.SECONDS)
                  .res1())
          .isEqualTo(4);
      awaitReaderThreadsEnded(server);
      // Too soon after the last call for a look: the failure the reader saw is enough.
      assertThat(Square.square(client, 3)).isEqualTo(9);
      assertThat(server.argumentsByConnection).containsExactly(List.of(2), List.of(3));
    }
  }

  /** Waits (bounded) until the channel's reader thread for asynchronous calls has stopped. */
  private static void awaitReaderThreadsEnded(ScriptedTcpServer server) {
    String name = "jrpcgen-reader " + server.address();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name))) {
      assertThat(System.nanoTime()).as("the reader thread stops").isLessThan(deadline);
      sleep(5);
    }
  }

  @Test
  void aResetAfterTheCallWasSentIsReportedAndTheCallIsNotResent() throws Exception {
    // A server host that crashed and rebooted forgot the connection: it answers the next
    // call's bytes with RST. The call may have run before the crash, so it is not re-sent.
    try (ScriptedTcpServer server =
            new ScriptedTcpServer(
                peer -> {
                  peer.answer(peer.readCall());
                  peer.readCall();
                  peer.reset();
                },
                Peer::answerAll);
        RpcClient client = client(server)) {
      assertThat(Square.square(client, 5)).isEqualTo(25);
      assertThatThrownBy(() -> Square.square(client, 6))
          .isInstanceOf(RpcConnectionException.class)
          .hasMessage("127.0.0.1: RPC: Unable to receive; errno = Connection reset by peer")
          .satisfies(
              e ->
                  assertThat(((RpcConnectionException) e).reason())
                      .isEqualTo(RpcConnectionException.Reason.RESET));
      assertThat(Square.square(client, 7)).isEqualTo(49);
      assertThat(server.argumentsByConnection).containsExactly(List.of(5, 6), List.of(7));
    }
  }

  @Test
  void aCloseAfterTheCallWasSentIsReportedAndTheCallIsNotResent() throws Exception {
    try (ScriptedTcpServer server =
            new ScriptedTcpServer(
                peer -> {
                  peer.readCall();
                  peer.socket.shutdownOutput();
                  peer.awaitClose();
                },
                Peer::answerAll);
        RpcClient client = client(server)) {
      assertThatThrownBy(() -> Square.square(client, 6))
          .isInstanceOf(RpcConnectionException.class)
          .hasMessage("127.0.0.1: RPC: Unable to receive; connection closed by peer")
          .satisfies(
              e ->
                  assertThat(((RpcConnectionException) e).reason())
                      .isEqualTo(RpcConnectionException.Reason.CLOSED));
      assertThat(Square.square(client, 7)).isEqualTo(49);
      assertThat(server.argumentsByConnection).containsExactly(List.of(6), List.of(7));
    }
  }
}
