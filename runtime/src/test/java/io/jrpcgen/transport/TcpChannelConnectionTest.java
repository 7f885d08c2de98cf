package io.jrpcgen.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.jrpcgen.client.RpcClient;
import io.jrpcgen.internal.transport.RecordMarking;
import io.jrpcgen.internal.transport.SocketTimeouts;
import io.jrpcgen.internal.xdr.Bytes;
import io.jrpcgen.rpc.RpcConnectionException;
import io.jrpcgen.rpc.RpcException;
import io.jrpcgen.rpc.RpcStatus;
import io.jrpcgen.rpc.RpcTimeoutException;
import io.jrpcgen.transport.ScriptedTcpServer.Call;
import io.jrpcgen.transport.ScriptedTcpServer.Peer;
import io.jrpcgen.xdr.Opaque;
import io.jrpcgen.xdr.XdrCodec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A TCP channel's connection: how it is closed, failed and shared, and how batches leave. */
@Timeout(60)
class TcpChannelConnectionTest {
  private static final Duration ONE_SECOND = Duration.ofSeconds(1);

  private static RpcClient client(ScriptedTcpServer server) {
    return RpcClient.create(
        TcpChannel.connect(server.address(), ChannelOptions.DEFAULTS),
        Square.PROGRAM,
        Square.VERSION);
  }

  /**
   * {@code call} in a thread of its own (not the common pool, which may have one thread on two
   * cores, so that a second blocking call would wait for the first); its result or the RpcException
   * it threw.
   */
  private static CompletableFuture<Object> inAnotherThread(Supplier<Object> call) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return call.get();
          } catch (RpcException e) {
            return e;
          }
        },
        task -> new Thread(task, "test-call").start());
  }

  /** Waits (bounded) until the server has read {@code calls} calls on its first connection. */
  private static void awaitCalls(ScriptedTcpServer server, int calls) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (server.argumentsByConnection.isEmpty()
        || server.argumentsByConnection.get(0).size() < calls) {
      assertThat(System.nanoTime()).as("calls reach the server").isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  /** Connects sockets to {@code address} until its listener's accept queue is full. */
  private static List<Socket> fillAcceptQueue(InetSocketAddress address) throws IOException {
    List<Socket> queued = new ArrayList<>();
    try {
      while (queued.size() < 16) {
        Socket s = new Socket();
        queued.add(s);
        s.connect(address, 500);
      }
    } catch (SocketTimeoutException queueFull) {
      // The queue is full: the kernel drops further SYNs.
    }
    return queued;
  }

  @Test
  void socketTimeoutsRoundUpToWholeMillisecondsAndNeverMeanForever() {
    assertThat(SocketTimeouts.toMillis(0)).isEqualTo(1);
    assertThat(SocketTimeouts.toMillis(1)).isEqualTo(1);
    assertThat(SocketTimeouts.toMillis(1_000_000)).isEqualTo(1);
    assertThat(SocketTimeouts.toMillis(1_000_001)).isEqualTo(2);
    assertThat(SocketTimeouts.toMillis(Long.MAX_VALUE / 2)).isEqualTo(Integer.MAX_VALUE);
  }

  @Test
  void closingTheChannelClosesItsConnection() throws Exception {
    CountDownLatch ended = new CountDownLatch(1);
    try (ScriptedTcpServer server =
        new ScriptedTcpServer(
            peer -> {
              peer.answerAll();
              ended.countDown();
            })) {
      TcpChannel channel = TcpChannel.connect(server.address(), ChannelOptions.DEFAULTS);
      RpcClient client = RpcClient.create(channel, Square.PROGRAM, Square.VERSION);
      assertThat(Square.square(client, 3)).isEqualTo(9);
      client.close();
      assertThat(ended.await(20, TimeUnit.SECONDS)).as("the server saw the close").isTrue();
      assertThat(channel.localAddress()).isNull();
      assertThat(channel.keepAlive()).isFalse();
      assertThatThrownBy(() -> Square.square(client, 3))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("channel to 127.0.0.1 is closed");
    }
  }

  @Test
  void closingTheChannelFailsACallInProgress() throws Exception {
    try (ScriptedTcpServer server =
        new ScriptedTcpServer(
            peer -> {
              peer.readCall();
              peer.awaitClose();
            })) {
      RpcClient client = client(server);
      CompletableFuture<Object> pending = inAnotherThread(() -> Square.square(client, 2));
      awaitCalls(server, 1);
      client.close();
      assertThat(pending.get(20, TimeUnit.SECONDS))
          .isInstanceOf(RpcConnectionException.class)
          .extracting(e -> ((RpcException) e).getMessage())
          .isEqualTo("127.0.0.1: RPC: Unable to receive; errno = channel closed");
    }
  }

  @Test
  void aTimedOutCallLeavesTheConnectionIdle() throws Exception {
    CountDownLatch timedOut = new CountDownLatch(1);
    try (ScriptedTcpServer server =
            new ScriptedTcpServer(
                peer -> {
                  peer.readCall();
                  timedOut.await(20, TimeUnit.SECONDS);
                  peer.socket.close();
                },
                Peer::answerAll);
        RpcClient client = client(server)) {
      assertThatThrownBy(() -> Square.square(client.withTimeout(Duration.ofMillis(200)), 5))
          .isInstanceOf(RpcTimeoutException.class);
      timedOut.countDown();
      Thread.sleep(300);
      // The server closed a connection with no call pending: the next call goes out anew.
      assertThat(Square.square(client, 7)).isEqualTo(49);
    }
  }

  @Test
  void aConnectionThatCannotBeOpenedInTimeIsATimeout() throws Exception {
    // A listener whose accept queue is full: the kernel drops further SYNs.
    try (ServerSocket full = new ServerSocket(0, 1, Square.LOOPBACK)) {
      InetSocketAddress address = new InetSocketAddress(Square.LOOPBACK, full.getLocalPort());
      List<Socket> queued = fillAcceptQueue(address);
      try {
        assertThat(queued.size()).as("the accept queue fills").isLessThan(16);
        ChannelOptions quick = ChannelOptions.DEFAULTS.withConnectTimeout(Duration.ofMillis(300));
        assertThatThrownBy(() -> TcpChannel.connect(address, quick))
            .isInstanceOf(RpcTimeoutException.class)
            .hasMessage("127.0.0.1: RPC: Timed out");
      } finally {
        for (Socket s : queued) {
          s.close();
        }
      }
    }
  }

  @Test
  void connectionsThatCannotBeOpenedLeaveNoDescriptorBehind() throws Exception {
    InetSocketAddress nobody;
    try (ServerSocket gone = new ServerSocket(0, 1, Square.LOOPBACK)) {
      nobody = new InetSocketAddress(Square.LOOPBACK, gone.getLocalPort());
    }
    ChannelOptions tlsRefused =
        ChannelOptions.DEFAULTS.withTls(TlsSettings.require(javax.net.ssl.SSLContext.getDefault()));
    try (io.jrpcgen.server.RpcServer plain =
            io.jrpcgen.server.RpcServer.builder()
                .program(Square.program())
                .bindAddress(Square.LOOPBACK)
                .tcp(0)
                .start();
        ServerSocket full = new ServerSocket(0, 1, Square.LOOPBACK);
        ScriptedTcpServer hangsUp = new ScriptedTcpServer(peer -> peer.socket.close())) {
      InetSocketAddress queueFull = new InetSocketAddress(Square.LOOPBACK, full.getLocalPort());
      List<Socket> queued = fillAcceptQueue(queueFull);
      try {
        ChannelOptions quick = ChannelOptions.DEFAULTS.withConnectTimeout(Duration.ofMillis(50));
        long before = openDescriptors();
        for (int i = 0; i < 100; i++) {
          assertThatThrownBy(() -> TcpChannel.connect(nobody, ChannelOptions.DEFAULTS))
              .isInstanceOf(RpcConnectionException.class);
          // A plain server refuses the AUTH_TLS probe that TLS requires.
          assertThatThrownBy(
                  () ->
                      TcpChannel.connect(
                          new InetSocketAddress(Square.LOOPBACK, plain.tcpPort()), tlsRefused))
              .isInstanceOf(io.jrpcgen.rpc.RpcTlsException.class);
          // Connected, then closed by the server before it answers the probe.
          assertThatThrownBy(() -> TcpChannel.connect(hangsUp.address(), tlsRefused))
              .isInstanceOf(RpcConnectionException.class);
        }
        for (int i = 0; i < 5; i++) {
          assertThatThrownBy(() -> TcpChannel.connect(queueFull, quick))
              .isInstanceOf(RpcTimeoutException.class);
        }
        // Only garbage collection would close what was left open.
        assertThat(openDescriptors() - before).as("descriptors left open").isLessThan(5);
      } finally {
        for (Socket s : queued) {
          s.close();
        }
      }
    }
  }

  /** How many descriptors this process has open (Linux), skipping the test elsewhere. */
  private static long openDescriptors() throws IOException {
    java.nio.file.Path fds = java.nio.file.Path.of("/proc/self/fd");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        java.nio.file.Files.isDirectory(fds), "needs /proc/self/fd");
    try (java.util.stream.Stream<java.nio.file.Path> list = java.nio.file.Files.list(fds)) {
      return list.count();
    }
  }

  @Test
  void callsGoOutWithoutNaglesDelay() throws Exception {
    try (ScriptedTcpServer server = new ScriptedTcpServer(Peer::answerAll)) {
      TcpChannel channel = TcpChannel.connect(server.address(), ChannelOptions.DEFAULTS);
      try (RpcClient client = RpcClient.create(channel, Square.PROGRAM, Square.VERSION)) {
        // With Nagle's algorithm a call sent while the last one is unacknowledged waits for the
        // peer's delayed ACK (40 ms on Linux): pipelined and back-to-back calls would crawl.
        assertThat(channel.noDelay()).isTrue();
        assertThat(Square.square(client, 2)).isEqualTo(4);
      }
      assertThat(channel.noDelay()).isFalse();
    }
  }

  @Test
  void aReconnectAgainstAFullAcceptQueueEndsAtTheCallsDeadline() throws Exception {
    try (ServerSocket full = new ServerSocket(0, 1, Square.LOOPBACK)) {
      InetSocketAddress address = new InetSocketAddress(Square.LOOPBACK, full.getLocalPort());
      // A connect timeout far beyond the test's: only the call's deadline can end the reconnect.
      ChannelOptions patient = ChannelOptions.DEFAULTS.withConnectTimeout(Duration.ofHours(1));
      List<Socket> queued = new ArrayList<>();
      try (RpcClient client =
              RpcClient.create(
                  TcpChannel.connect(address, patient), Square.PROGRAM, Square.VERSION);
          Socket first = full.accept()) {
        queued.addAll(fillAcceptQueue(address));
        assertThat(queued.size()).as("the accept queue fills").isLessThan(16);
        first.close();
        // Idle long enough for the next call to look at the connection and find it closed.
        Thread.sleep(300);
        RpcClient brief = client.withTimeout(Duration.ofMillis(500));
        assertTimeoutPreemptively(
            Duration.ofSeconds(40),
            () ->
                assertThatThrownBy(() -> Square.square(brief, 3))
                    .isInstanceOf(RpcTimeoutException.class)
                    .hasMessage("127.0.0.1: RPC: Timed out"));
      } finally {
        for (Socket s : queued) {
          s.close();
        }
      }
    }
  }

  @Test
  void aStalledRecordFailsOtherWaitingCallsAndClosesTheConnection() throws Exception {
    CountDownLatch closedByClient = new CountDownLatch(1);
    byte[] claim = new byte[4];
    Bytes.putInt(claim, 0, RecordMarking.LAST_FRAGMENT | (60 << 20));
    try (ScriptedTcpServer server =
            new ScriptedTcpServer(
                peer -> {
                  peer.readCall();
                  peer.readCall();
                  peer.write(claim);
                  peer.awaitClose();
                  closedByClient.countDown();
                });
        RpcClient client = client(server)) {
      CompletableFuture<Object> impatient =
          inAnotherThread(() -> Square.square(client.withTimeout(ONE_SECOND), 2));
      awaitCalls(server, 1);
      // Let the first caller settle as the reader before the second one waits behind it.
      Thread.sleep(200);
      CompletableFuture<Object> patient =
          inAnotherThread(() -> Square.square(client.withTimeout(Duration.ofSeconds(40)), 3));
      assertThat(impatient.get(20, TimeUnit.SECONDS)).isInstanceOf(RpcTimeoutException.class);
      assertThat(patient.get(20, TimeUnit.SECONDS))
          .isInstanceOf(RpcConnectionException.class)
          .hasFieldOrPropertyWithValue("status", RpcStatus.CANT_RECV)
          .extracting(e -> ((RpcException) e).getMessage())
          .isEqualTo(
              "127.0.0.1: RPC: Unable to receive;"
                  + " errno = reply record left half-read at a call's deadline");
      assertThat(closedByClient.await(20, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void aResetFailsEveryWaitingCallAsUnableToReceive() throws Exception {
    try (ScriptedTcpServer server =
            new ScriptedTcpServer(
                peer -> {
                  peer.readCall();
                  peer.readCall();
                  peer.reset();
                });
        RpcClient client = client(server)) {
      CompletableFuture<Object> first = inAnotherThread(() -> Square.square(client, 2));
      awaitCalls(server, 1);
      CompletableFuture<Object> second = inAnotherThread(() -> Square.square(client, 3));
      for (CompletableFuture<Object> call : List.of(first, second)) {
        assertThat(call.get(20, TimeUnit.SECONDS))
            .isInstanceOf(RpcConnectionException.class)
            .hasFieldOrPropertyWithValue("status", RpcStatus.CANT_RECV)
            .hasFieldOrPropertyWithValue("reason", RpcConnectionException.Reason.RESET);
      }
    }
  }

  @Test
  void anAsyncCallOnAConnectionResetAfterItWasSentIsUnableToReceive() throws Exception {
    try (ScriptedTcpServer server =
            new ScriptedTcpServer(
                peer -> {
                  peer.readCall();
                  peer.reset();
                });
        RpcClient client = client(server)) {
      CompletableFuture<Square.Out> call =
          client.callAsync(Square.SQUAREPROC, Square.In.CODEC, new Square.In(2), Square.Out.CODEC);
      assertThatThrownBy(() -> call.get(20, TimeUnit.SECONDS))
          .cause()
          .isInstanceOf(RpcConnectionException.class)
          .hasFieldOrPropertyWithValue("status", RpcStatus.CANT_RECV)
          .hasFieldOrPropertyWithValue("reason", RpcConnectionException.Reason.RESET);
    }
  }

  @Test
  void aSendThatFailsIsUnableToSendAndTheNextCallReconnects() throws Exception {
    try (ScriptedTcpServer server =
            new ScriptedTcpServer(
                peer -> {
                  peer.socket.getInputStream().readNBytes(4);
                  peer.reset();
                },
                Peer::answerAll);
        RpcClient client = client(server)) {
      Opaque huge = Opaque.copyOf(new byte[32 << 20]);
      assertThatThrownBy(
              () ->
                  client.call(
                      Square.SQUAREPROC, XdrCodec.opaque(XdrCodec.UNBOUNDED), huge, XdrCodec.VOID))
          .isInstanceOf(RpcConnectionException.class)
          .hasFieldOrPropertyWithValue("status", RpcStatus.CANT_SEND);
      assertThat(Square.square(client, 4)).isEqualTo(16);
    }
  }

  @Test
  void aCallWhileAnotherIsPendingOnAnIdleLookingConnectionLeavesItAlone() throws Exception {
    try (ScriptedTcpServer server =
            new ScriptedTcpServer(
                peer -> {
                  Call slow = peer.readCall();
                  peer.answer(peer.readCall());
                  peer.answer(slow);
                  peer.answerAll();
                });
        RpcClient client = client(server)) {
      CompletableFuture<Object> slow = inAnotherThread(() -> Square.square(client, 2));
      awaitCalls(server, 1);
      // Long enough for the connection to count as idle: a look would retire it.
      Thread.sleep(300);
      assertThat(Square.square(client, 3)).isEqualTo(9);
      assertThat(slow.get(20, TimeUnit.SECONDS)).isEqualTo(4);
      assertThat(server.connections()).isEqualTo(1);
    }
  }

  @Test
  void afterALookAtAnIdleConnectionOtherThreadsReadReplies() throws Exception {
    try (ScriptedTcpServer server = new ScriptedTcpServer(Peer::answerAll);
        RpcClient client = client(server)) {
      Thread.sleep(300);
      assertThat(Square.square(client, 2)).isEqualTo(4);
      assertThat(
              inAnotherThread(() -> Square.square(client.withTimeout(Duration.ofSeconds(20)), 3))
                  .get(30, TimeUnit.SECONDS))
          .isEqualTo(9);
      assertThat(server.connections()).isEqualTo(1);
    }
  }

  // --- Batches ------------------------------------------------------------------------------

  @Test
  void batchedCallsLeaveOnceAndInOrderWithTheNextCall() throws Exception {
    try (ScriptedTcpServer server = new ScriptedTcpServer(Peer::answerAll);
        RpcClient client = client(server)) {
      for (int i = 1; i <= 3; i++) {
        client.callBatched(Square.SQUAREPROC, Square.In.CODEC, new Square.In(i));
      }
      assertThat(Square.square(client, 4)).isEqualTo(16);
      assertThat(server.argumentsByConnection).containsExactly(List.of(1, 2, 3, 4));
    }
  }

  @Test
  void batchedCallsLeaveBeforeALargeCallThatFollowsThem() throws Exception {
    try (ScriptedTcpServer server = new ScriptedTcpServer(Peer::answerAll);
        RpcClient client = client(server)) {
      for (int i = 1; i <= 3; i++) {
        client.callBatched(Square.SQUAREPROC, Square.In.CODEC, new Square.In(i));
      }
      // Large enough to leave from its own array, in a write of its own.
      int length = 2 * io.jrpcgen.xdr.XdrEncoder.REFERENCE_THRESHOLD;
      client.call(
          Square.SQUAREPROC,
          XdrCodec.opaque(XdrCodec.UNBOUNDED),
          Opaque.copyOf(new byte[length]),
          XdrCodec.INT);
      // The server runs calls in the order they arrive: the batch was sent first.
      assertThat(server.argumentsByConnection).containsExactly(List.of(1, 2, 3, length));
    }
  }

  @Test
  void aFlushLeavesTheConnectionFreeForOtherThreads() throws Exception {
    try (ScriptedTcpServer server = new ScriptedTcpServer(Peer::answerAll);
        RpcClient client = client(server)) {
      client.callBatched(Square.SQUAREPROC, Square.In.CODEC, new Square.In(1));
      client.flush();
      awaitCalls(server, 1);
      assertThat(
              inAnotherThread(() -> Square.square(client.withTimeout(Duration.ofSeconds(20)), 5))
                  .get(30, TimeUnit.SECONDS))
          .isEqualTo(25);
    }
  }

  @Test
  void batchedCallsBeyondTheBatchLimitLeaveWithoutAFlush() throws Exception {
    try (ScriptedTcpServer server = new ScriptedTcpServer(Peer::answerAll);
        RpcClient client = client(server)) {
      // About 48 bytes each: 2,000 of them pass the 64 KiB limit.
      for (int i = 0; i < 2_000; i++) {
        client.callBatched(Square.SQUAREPROC, Square.In.CODEC, new Square.In(i));
      }
      awaitCalls(server, 1_300);
      client.flush();
      awaitCalls(server, 2_000);
      assertThat(server.argumentsByConnection.get(0))
          .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 2_000).boxed().toList());
    }
  }

  @Test
  void aBatchedCallLargerThanTheBatchBufferLeavesWhole() throws Exception {
    try (ScriptedTcpServer server = new ScriptedTcpServer(Peer::answerAll);
        RpcClient client = client(server)) {
      byte[] ones = new byte[20_000];
      java.util.Arrays.fill(ones, (byte) 1);
      client.callBatched(Square.SQUAREPROC, Square.In.CODEC, new Square.In(1));
      client.callBatched(
          Square.SQUAREPROC, XdrCodec.opaque(XdrCodec.UNBOUNDED), Opaque.copyOf(ones));
      // This thread's encoder still holds the opaque's bytes past this short record's end.
      client.callBatched(Square.SQUAREPROC, Square.In.CODEC, new Square.In(2));
      assertThat(Square.square(client, 4)).isEqualTo(16);
      // The opaque's length is what the server reads as the square call's argument.
      assertThat(server.argumentsByConnection).containsExactly(List.of(1, 20_000, 2, 4));
    }
  }
}
