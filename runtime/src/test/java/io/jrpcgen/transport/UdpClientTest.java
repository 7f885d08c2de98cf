package io.jrpcgen.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.client.RpcClient;
import io.jrpcgen.internal.rpc.CallHeader;
import io.jrpcgen.rpc.AuthFlavor;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.rpc.RpcConnectionException;
import io.jrpcgen.rpc.RpcStatus;
import io.jrpcgen.rpc.RpcTimeoutException;
import io.jrpcgen.server.RpcServer;
import io.jrpcgen.xdr.Opaque;
import io.jrpcgen.xdr.XdrCodec;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The UDP client: retransmission with the same XID, stale replies, deadlines, sharing. */
@Timeout(30)
class UdpClientTest {
  private static final InetAddress LOOPBACK = Square.LOOPBACK;

  private static RpcClient client(int port) {
    return RpcClient.create(
        RpcChannel.udp(new InetSocketAddress(LOOPBACK, port)), Square.PROGRAM, Square.VERSION);
  }

  @Test
  void callsAnswerOverUdp() {
    try (RpcServer server =
            RpcServer.builder().program(Square.program()).bindAddress(LOOPBACK).udp(0).start();
        RpcClient client = client(server.udpPort())) {
      assertThat(Square.square(client, 5)).isEqualTo(25);
      client.ping();
      assertThat(Square.square(client, 11)).isEqualTo(121);
    }
  }

  @Test
  void lostRequestIsResentWithTheSameXid() throws Exception {
    try (DatagramSocket server = new DatagramSocket(0, LOOPBACK)) {
      server.setSoTimeout(5_000);
      ExecutorService pool = Executors.newSingleThreadExecutor();
      try (RpcClient client =
          client(server.getLocalPort())
              .withRetryInterval(Duration.ofMillis(200))
              .withTimeout(Duration.ofSeconds(5))) {
        Future<Integer> result = pool.submit(() -> Square.square(client, 9));
        List<Integer> xids = new ArrayList<>();
        DatagramPacket first = receive(server);
        xids.add(readCall(first).xid()); // dropped, as a lossy network would
        DatagramPacket second = receive(server);
        XdrDecoder in = new XdrDecoder(second.getData(), 0, second.getLength());
        CallHeader call = RawRpc.readSquareCall(in);
        xids.add(call.xid());
        reply(server, second, RawRpc.squareReply(call.xid(), OpaqueAuth.NONE, in.readInt()));

        assertThat(result.get(5, TimeUnit.SECONDS)).isEqualTo(81);
        assertThat(xids).hasSize(2).containsOnly(client.lastXid());
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void staleAndForeignRepliesAreDropped() throws Exception {
    try (DatagramSocket server = new DatagramSocket(0, LOOPBACK)) {
      server.setSoTimeout(5_000);
      ExecutorService pool = Executors.newSingleThreadExecutor();
      try (RpcClient client = client(server.getLocalPort())) {
        Future<Integer> result = pool.submit(() -> Square.square(client, 4));
        DatagramPacket request = receive(server);
        XdrDecoder in = new XdrDecoder(request.getData(), 0, request.getLength());
        CallHeader call = RawRpc.readSquareCall(in);
        int n = in.readInt();
        reply(server, request, RawRpc.squareReply(call.xid() - 1, OpaqueAuth.NONE, 1000));
        reply(server, request, new XdrEncoder()); // an empty datagram
        reply(server, request, RawRpc.squareReply(call.xid(), OpaqueAuth.NONE, n));
        assertThat(result.get(5, TimeUnit.SECONDS)).isEqualTo(16);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void staleRepliesArrivingThroughoutDoNotStretchTheDeadline() throws Exception {
    try (DatagramSocket server = new DatagramSocket(0, LOOPBACK)) {
      server.setSoTimeout(5_000);
      ExecutorService pool = Executors.newSingleThreadExecutor();
      try (RpcClient client = client(server.getLocalPort()).withTimeout(Duration.ofSeconds(1))) {
        Future<Integer> result = pool.submit(() -> Square.square(client, 4));
        DatagramPacket request = receive(server);
        CallHeader call = readCall(request);
        // A stale reply every 100 ms, each receive returning well within its wait, for as long
        // as the call lasts (at most 20 s, far past its deadline).
        for (int i = 0; i < 200 && !result.isDone(); i++) {
          reply(server, request, RawRpc.squareReply(call.xid() - 1, OpaqueAuth.NONE, 1));
          Thread.sleep(100);
        }
        assertThat(result.isDone()).isTrue();
        assertThatThrownBy(result::get).hasCauseInstanceOf(RpcTimeoutException.class);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void silentServerTimesOutAfterRetrying() throws Exception {
    try (DatagramSocket server = new DatagramSocket(0, LOOPBACK);
        RpcClient client =
            client(server.getLocalPort())
                .withTimeout(Duration.ofMillis(700))
                .withRetryInterval(Duration.ofMillis(200))) {
      server.setSoTimeout(2_000);
      long start = System.nanoTime();
      assertThatThrownBy(() -> Square.square(client, 1))
          .isInstanceOf(RpcTimeoutException.class)
          .hasMessage("127.0.0.1: RPC: Timed out");
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isGreaterThanOrEqualTo(Duration.ofMillis(700))
          .isLessThan(Duration.ofSeconds(3));
      int sends = 0;
      int xid = client.lastXid();
      try {
        while (true) {
          assertThat(readCall(receive(server)).xid()).isEqualTo(xid);
          sends++;
        }
      } catch (java.net.SocketTimeoutException drained) {
        // All datagrams the client sent have been read.
      }
      assertThat(sends).isBetween(3, 5);
    }
  }

  @Test
  void shortHandVerifierIsPassedThroughToTheNextCall() throws Exception {
    Opaque handle = Opaque.fromHex("0000cafe");
    try (DatagramSocket server = new DatagramSocket(0, LOOPBACK)) {
      server.setSoTimeout(5_000);
      ExecutorService pool = Executors.newSingleThreadExecutor();
      try (RpcClient client = client(server.getLocalPort())) {
        OpaqueAuth shortVerifier = new OpaqueAuth(AuthFlavor.AUTH_SHORT.value(), handle);
        Future<RpcReply<Square.Out>> first =
            pool.submit(
                () -> client.callForReply(1, Square.In.CODEC, new Square.In(3), Square.Out.CODEC));
        DatagramPacket request = receive(server);
        CallHeader call = readCall(request);
        reply(server, request, RawRpc.squareReply(call.xid(), shortVerifier, 3));
        RpcReply<Square.Out> reply = first.get(5, TimeUnit.SECONDS);
        assertThat(reply.value().res1()).isEqualTo(9);
        assertThat(reply.verifier()).isEqualTo(shortVerifier);

        RpcClient shortHand = client.withCredential(OpaqueAuth.shortHand(reply.verifier().body()));
        Future<Integer> second = pool.submit(() -> Square.square(shortHand, 2));
        request = receive(server);
        call = readCall(request);
        assertThat(call.credential()).isEqualTo(OpaqueAuth.shortHand(handle));
        reply(server, request, RawRpc.squareReply(call.xid(), OpaqueAuth.NONE, 2));
        assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo(4);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void nobodyListeningIsConnectionRefused() throws Exception {
    int port;
    try (DatagramSocket s = new DatagramSocket(0, LOOPBACK)) {
      port = s.getLocalPort();
    }
    try (RpcClient client =
        client(port).withRetryInterval(Duration.ofMillis(100)).withTimeout(Duration.ofSeconds(2))) {
      assertThatThrownBy(() -> Square.square(client, 1))
          .isInstanceOf(RpcConnectionException.class)
          .hasMessage("127.0.0.1: RPC: Unable to receive; errno = Connection refused");
    }
  }

  @Test
  void threadsShareOneUdpClient() throws Exception {
    try (RpcServer server =
            RpcServer.builder().program(Square.program()).bindAddress(LOOPBACK).udp(0).start();
        RpcClient client = client(server.udpPort())) {
      assertThat(Square.wrongSquaresFromThreads(client, 16, 200)).isZero();
    }
  }

  @Test
  void aCallAfterOneThatTimedOutGoesFromTheChannelsOwnSocket() throws Exception {
    try (DatagramSocket server = new DatagramSocket(0, LOOPBACK);
        RpcClient client =
            client(server.getLocalPort())
                .withTimeout(Duration.ofMillis(300))
                .withRetryInterval(Duration.ofSeconds(5))) {
      server.setSoTimeout(5_000);
      assertThatThrownBy(() -> Square.square(client, 1)).isInstanceOf(RpcTimeoutException.class);
      assertThat(receive(server).getSocketAddress()).isEqualTo(client.channel().localAddress());
      // The call that gave up waits no more: the next one is alone, on the channel's socket.
      ExecutorService pool = Executors.newSingleThreadExecutor();
      try {
        Future<Integer> result =
            pool.submit(() -> Square.square(client.withTimeout(Duration.ofSeconds(5)), 6));
        DatagramPacket request = receive(server);
        assertThat(request.getSocketAddress()).isEqualTo(client.channel().localAddress());
        reply(server, request, RawRpc.squareReply(readCall(request).xid(), OpaqueAuth.NONE, 6));
        assertThat(result.get(5, TimeUnit.SECONDS)).isEqualTo(36);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void aCallTooLargeForADatagramIsUnableToSend() throws Exception {
    Opaque tooLarge = Opaque.copyOf(new byte[70_000]);
    XdrCodec<Opaque> blob = XdrCodec.opaque(XdrCodec.UNBOUNDED);
    try (DatagramSocket server = new DatagramSocket(0, LOOPBACK);
        RpcClient client = client(server.getLocalPort()).withTimeout(Duration.ofSeconds(5))) {
      assertThatThrownBy(() -> client.call(1, blob, tooLarge, XdrCodec.VOID))
          .isInstanceOf(RpcConnectionException.class)
          .hasFieldOrPropertyWithValue("status", RpcStatus.CANT_SEND);
      assertThat(client.callAsync(1, blob, tooLarge, XdrCodec.VOID))
          .failsWithin(Duration.ofSeconds(5))
          .withThrowableOfType(ExecutionException.class)
          .havingCause()
          .isInstanceOf(RpcConnectionException.class)
          .hasFieldOrPropertyWithValue("status", RpcStatus.CANT_SEND);
    }
  }

  @Test
  void aUdpChannelResendsAndOnceClosedRefusesBatchedCalls() throws Exception {
    try (DatagramSocket server = new DatagramSocket(0, LOOPBACK)) {
      RpcClient client = client(server.getLocalPort());
      assertThat(client.channel().resends()).isTrue();
      client.close();
      assertThatThrownBy(() -> client.callBatched(1, Square.In.CODEC, new Square.In(2)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("channel to 127.0.0.1 is closed");
    }
  }

  @Test
  void closingTheChannelFailsCallsInProgressSayingSo() throws Exception {
    try (DatagramSocket server = new DatagramSocket(0, LOOPBACK)) {
      server.setSoTimeout(5_000);
      RpcClient client =
          client(server.getLocalPort())
              .withTimeout(Duration.ofSeconds(20))
              .withRetryInterval(Duration.ofSeconds(20));
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        Future<Integer> blocking = pool.submit(() -> Square.square(client, 2));
        receive(server);
        // It finds the first waiting, so it waits on a socket of its own (a lane).
        Future<Integer> onLane = pool.submit(() -> Square.square(client, 4));
        receive(server);
        var async = client.callAsync(1, Square.In.CODEC, new Square.In(3), Square.Out.CODEC);
        receive(server);
        client.close();
        // As on TCP: the caller learns that its own side closed the channel, not what the socket
        // said when it was pulled away.
        String expected = "127.0.0.1: RPC: Unable to receive; errno = channel closed";
        assertThatThrownBy(() -> blocking.get(10, TimeUnit.SECONDS))
            .cause()
            .isInstanceOf(RpcConnectionException.class)
            .hasMessage(expected);
        assertThatThrownBy(() -> onLane.get(10, TimeUnit.SECONDS))
            .cause()
            .isInstanceOf(RpcConnectionException.class)
            .hasMessage(expected);
        assertThat(async)
            .failsWithin(Duration.ofSeconds(10))
            .withThrowableOfType(ExecutionException.class)
            .havingCause()
            .isInstanceOf(RpcConnectionException.class)
            .withMessage(expected);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  private static DatagramPacket receive(DatagramSocket socket) throws java.io.IOException {
    DatagramPacket p = new DatagramPacket(new byte[65_536], 65_536);
    socket.receive(p);
    return p;
  }

  private static CallHeader readCall(DatagramPacket p) {
    return RawRpc.readSquareCall(new XdrDecoder(p.getData(), 0, p.getLength()));
  }

  private static void reply(DatagramSocket server, DatagramPacket to, XdrEncoder reply)
      throws java.io.IOException {
    server.send(new DatagramPacket(reply.array(), reply.position(), to.getSocketAddress()));
  }
}
