package io.jrpcgen.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.client.RpcClient;
import io.jrpcgen.rpc.CallOptions;
import io.jrpcgen.rpc.RpcConnectionException;
import io.jrpcgen.rpc.RpcException;
import io.jrpcgen.rpc.RpcStatus;
import io.jrpcgen.rpc.RpcTimeoutException;
import io.jrpcgen.server.Procedure;
import io.jrpcgen.server.ProgramDefinition;
import io.jrpcgen.server.RpcServer;
import io.jrpcgen.xdr.XdrCodec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The TCP client against a loopback server: reuse, timeouts, failures, sharing, batching. */
@Timeout(30)
class TcpClientTest {
  private static final InetAddress LOOPBACK = Square.LOOPBACK;

  private static RpcServer server(ProgramDefinition program) {
    return RpcServer.builder().program(program).bindAddress(LOOPBACK).tcp(0).start();
  }

  private static RpcClient client(RpcServer server) {
    return RpcClient.create(
        RpcChannel.tcp(new InetSocketAddress(LOOPBACK, server.tcpPort())),
        Square.PROGRAM,
        Square.VERSION);
  }

  @Test
  void callsReuseTheConnectionOpenedAtCreation() {
    Set<InetSocketAddress> peers = ConcurrentHashMap.newKeySet();
    try (RpcServer server =
            server(
                Square.program(
                    (call, in) -> {
                      peers.add(call.remoteAddress());
                      return new Square.Out(in.arg1() * in.arg1());
                    }));
        RpcClient client = client(server)) {
      InetSocketAddress local = ((TcpChannel) client.channel()).localAddress();
      assertThat(local).isNotNull();

      assertThat(Square.square(client, 5)).isEqualTo(25);
      assertThat(Square.square(client, -7)).isEqualTo(49);
      client.ping();

      assertThat(((TcpChannel) client.channel()).localAddress()).isEqualTo(local);
      assertThat(peers).containsExactly(local);
      assertThat(server.connectionCount()).isEqualTo(1);
    }
  }

  @Test
  void clientControlReadsDefaultsAndCopiesOnChange() {
    try (RpcServer server = server(Square.program());
        RpcClient client = client(server)) {
      assertThat(client.timeout()).isEqualTo(Duration.ofSeconds(25));
      // TCP never resends: there is no retry interval to report, as in libtirpc.
      assertThat(client.retryInterval()).isEmpty();
      assertThat(client.serverAddress().getPort()).isEqualTo(server.tcpPort());

      RpcClient quick = client.withTimeout(Duration.ofSeconds(2));
      assertThat(quick.timeout()).isEqualTo(Duration.ofSeconds(2));
      assertThat(client.timeout()).isEqualTo(Duration.ofSeconds(25));
      assertThat(quick.channel()).isSameAs(client.channel());

      assertThatThrownBy(() -> client.withTimeout(Duration.ZERO))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("timeout <= 0: PT0S");
      assertThatThrownBy(() -> client.withRetryInterval(Duration.ofSeconds(-1)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("retryInterval <= 0: PT-1S");
    }
  }

  @Test
  void lastXidIsTheXidTheServerSaw() {
    AtomicInteger seen = new AtomicInteger();
    try (RpcServer server =
            server(
                Square.program(
                    (call, in) -> {
                      seen.set(call.xid());
                      return new Square.Out(0);
                    }));
        RpcClient client = client(server)) {
      Square.square(client, 1);
      assertThat(client.lastXid()).isEqualTo(seen.get());
      Square.square(client, 1);
      assertThat(client.lastXid()).isEqualTo(seen.get());
    }
  }

  @Test
  void slowServerTimesOutWithClntSperrorMessageAndChannelStaysUsable() {
    CountDownLatch release = new CountDownLatch(1);
    try (RpcServer server =
            server(
                Square.program(
                    (call, in) -> {
                      if (in.arg1() == 0) {
                        await(release);
                      }
                      return new Square.Out(in.arg1() * in.arg1());
                    }));
        RpcClient client = client(server)) {
      RpcClient impatient = client.withTimeout(Duration.ofMillis(300));
      long start = System.nanoTime();
      assertThatThrownBy(() -> Square.square(impatient, 0))
          .isInstanceOf(RpcTimeoutException.class)
          .hasMessage("127.0.0.1: RPC: Timed out")
          .satisfies(e -> assertThat(((RpcException) e).status()).isEqualTo(RpcStatus.TIMED_OUT));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));

      // The late reply to the timed-out call is dropped; the next call gets its own reply.
      release.countDown();
      assertThat(Square.square(client, 6)).isEqualTo(36);
    }
  }

  @Test
  void aConnectionTheServerClosedWhenIdleIsReplacedBeforeTheNextCall() throws Exception {
    try (RpcServer server =
            RpcServer.builder()
                .program(Square.program())
                .bindAddress(LOOPBACK)
                .tcp(0)
                .idleTimeout(Duration.ofMillis(200))
                .start();
        RpcClient client = client(server)) {
      assertThat(Square.square(client, 2)).isEqualTo(4);
      // The server's idle timeout closes the connection with FIN.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (server.connectionCount() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(server.connectionCount()).isZero();

      // Nothing of the call can have reached the server: it goes out on a new connection.
      assertThat(Square.square(client, 3)).isEqualTo(9);
      assertThat(server.connectionCount()).isEqualTo(1);
    }
  }

  @Test
  void refusedConnectionSaysSo() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
      port = s.getLocalPort();
    }
    assertThatThrownBy(() -> RpcChannel.tcp(new InetSocketAddress(LOOPBACK, port)))
        .isInstanceOf(RpcConnectionException.class)
        .hasMessage("127.0.0.1: RPC: Unable to send; errno = Connection refused");
  }

  @Test
  void thirtyTwoThreadsShareOneClientAndEveryReplyReachesItsCaller() throws Exception {
    try (RpcServer server = server(Square.program());
        RpcClient client = client(server)) {
      assertThat(Square.wrongSquaresFromThreads(client, 32, 500)).isZero();
      assertThat(server.connectionCount()).isEqualTo(1);
    }
  }

  @Test
  void batchedCallsWaitForTheNextCallAndGetNoReply() throws Exception {
    AtomicInteger logged = new AtomicInteger();
    ProgramDefinition program =
        ProgramDefinition.builder(Square.PROGRAM, Square.VERSION)
            .procedure(Procedure.oneWay(2, "LOG", XdrCodec.INT, (call, n) -> logged.addAndGet(n)))
            .procedure(
                Procedure.of(3, "TOTAL", XdrCodec.VOID, XdrCodec.INT, (call, v) -> logged.get()))
            .build();
    try (RpcServer server = server(program);
        RpcClient client = client(server)) {
      for (int i = 1; i <= 10; i++) {
        client.callBatched(2, XdrCodec.INT, i);
      }
      Thread.sleep(100);
      assertThat(logged.get()).as("batched calls are held until the next call").isZero();

      // The server serves a connection in order: the batch has run when TOTAL answers.
      assertThat(client.call(3, XdrCodec.VOID, null, XdrCodec.INT)).isEqualTo(55);

      client.callBatched(2, XdrCodec.INT, 100);
      client.flush();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (logged.get() != 155 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(logged.get()).isEqualTo(155);
    }
  }

  @Test
  void resultsThatDoNotDecodeAreCantDecodeRes() {
    try (RpcServer server = server(Square.program());
        RpcClient client = client(server)) {
      assertThatThrownBy(() -> client.call(1, Square.In.CODEC, new Square.In(2), XdrCodec.HYPER))
          .isInstanceOf(RpcException.class)
          .hasMessageStartingWith("127.0.0.1: RPC: Can't decode result; truncated");
    }
  }

  @Test
  void argumentsOverTheirBoundAreRefusedBeforeSending() {
    AtomicInteger calls = new AtomicInteger();
    try (RpcServer server =
            server(
                Square.program(
                    (call, in) -> {
                      calls.incrementAndGet();
                      return new Square.Out(in.arg1() * in.arg1());
                    }));
        RpcClient client = client(server)) {
      assertThatThrownBy(() -> client.call(1, XdrCodec.string(3), "four", XdrCodec.VOID))
          .isInstanceOf(RpcException.class)
          .hasMessage(
              "127.0.0.1: RPC: Can't encode arguments; string of 4 bytes exceeds its"
                  + " bound of 3");
      assertThat(Square.square(client, 3)).isEqualTo(9);
      assertThat(calls.get()).isEqualTo(1);
    }
  }

  @Test
  void keepAliveIsSetWhenAsked() {
    try (RpcServer server = server(Square.program());
        TcpChannel plain =
            TcpChannel.connect(
                new InetSocketAddress(LOOPBACK, server.tcpPort()), ChannelOptions.DEFAULTS);
        TcpChannel kept =
            TcpChannel.connect(
                new InetSocketAddress(LOOPBACK, server.tcpPort()),
                ChannelOptions.DEFAULTS.withKeepAlive(true))) {
      assertThat(plain.keepAlive()).isFalse();
      assertThat(kept.keepAlive()).isTrue();
    }
  }

  @Test
  void largeRecordsTravelInFragmentsBothWays() {
    XdrCodec<io.jrpcgen.xdr.Opaque> blob = XdrCodec.opaque(XdrCodec.UNBOUNDED);
    ProgramDefinition echo =
        ProgramDefinition.builder(Square.PROGRAM, Square.VERSION)
            .procedure(Procedure.of(4, "ECHO", blob, blob, (call, v) -> v))
            .build();
    byte[] bytes = new byte[1 << 20];
    new java.util.Random(1).nextBytes(bytes);
    io.jrpcgen.xdr.Opaque payload = io.jrpcgen.xdr.Opaque.copyOf(bytes);
    try (RpcServer server = server(echo);
        RpcClient client =
            RpcClient.create(
                TcpChannel.connect(
                    new InetSocketAddress(LOOPBACK, server.tcpPort()),
                    ChannelOptions.DEFAULTS.withMaxFragmentSize(4096)),
                Square.PROGRAM,
                Square.VERSION)) {
      assertThat(client.call(4, blob, payload, blob)).isEqualTo(payload);
    }
  }

  @Test
  void callOptionsRejectZeroTimeouts() {
    assertThatThrownBy(() -> CallOptions.DEFAULTS.withTimeout(Duration.ofMillis(-5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timeout <= 0: PT-0.005S");
  }

  static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
