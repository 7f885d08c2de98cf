package io.jrpcgen.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.client.RpcClient;
import io.jrpcgen.client.RpcClientFactory;
import io.jrpcgen.observe.RecordingListener.Ended;
import io.jrpcgen.portmap.EmbeddedPortmapper;
import io.jrpcgen.portmap.PortmapRegistrar;
import io.jrpcgen.rpc.AcceptStat;
import io.jrpcgen.rpc.AuthStat;
import io.jrpcgen.rpc.RpcAuthException;
import io.jrpcgen.rpc.RpcException;
import io.jrpcgen.rpc.RpcStatus;
import io.jrpcgen.rpc.RpcTimeoutException;
import io.jrpcgen.server.RpcServer;
import io.jrpcgen.transport.ChannelOptions;
import io.jrpcgen.transport.TcpChannel;
import io.jrpcgen.transport.UdpChannel;
import io.jrpcgen.xdr.XdrCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What client and server listeners hear of real calls over TCP and UDP on loopback. */
class RpcListenerWireTest {
  // A call header with AUTH_NONE credential and verifier, and an accepted reply's header.
  private static final int CALL_HEADER = 40;
  private static final int REPLY_HEADER = 24;

  private final RecordingListener serverHears = new RecordingListener();
  private final RecordingListener clientHears = new RecordingListener();
  private final Echo echo = new Echo();
  private RpcServer server;
  private InetSocketAddress address;

  @BeforeEach
  void start() {
    // TCP and UDP on ports of their own, so that each call's local address tells them apart.
    server =
        RpcServer.builder()
            .program(echo.definition())
            .bindAddress(Echo.LOOPBACK)
            .tcp(0)
            .udp(0)
            .listener(serverHears)
            .start();
    address = new InetSocketAddress(Echo.LOOPBACK, server.tcpPort());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private RpcClient tcpClient() {
    return RpcClient.create(
            TcpChannel.connect(address, ChannelOptions.DEFAULTS.withListener(clientHears)),
            Echo.PROGRAM,
            Echo.VERSION)
        .withNames(Echo.NAMES);
  }

  private RpcClient udpClient() {
    return RpcClient.create(
            UdpChannel.open(
                new InetSocketAddress(Echo.LOOPBACK, server.udpPort()),
                ChannelOptions.DEFAULTS.withListener(clientHears)),
            Echo.PROGRAM,
            Echo.VERSION)
        .withNames(Echo.NAMES);
  }

  @Test
  void aTcpCallIsHeardWholeOnBothSides() throws Exception {
    InetSocketAddress clientAddress;
    int xid;
    long elapsed;
    try (RpcClient client = tcpClient()) {
      long before = System.nanoTime();
      assertThat(client.call(Echo.SQUARE, XdrCodec.INT, 7, XdrCodec.INT)).isEqualTo(49);
      elapsed = System.nanoTime() - before;
      xid = client.lastXid();
      clientAddress = ((TcpChannel) client.channel()).localAddress();
    }
    Ended c = clientHears.nextEnded();
    assertThat(clientHears.started).containsExactly(c.call());
    assertThat(c.call())
        .isEqualTo(
            new RpcCall(
                RpcCall.Side.CLIENT,
                RpcCall.Transport.TCP,
                false,
                null,
                address,
                xid,
                Echo.PROGRAM,
                Echo.VERSION,
                Echo.SQUARE,
                "ECHO_PROG",
                "SQUARE",
                CALL_HEADER + 4));
    assertThat(c.end().status()).isEqualTo(CallStatus.accepted(AcceptStat.SUCCESS));
    assertThat(c.end().replyBytes()).isEqualTo(REPLY_HEADER + 4);
    // Within the call as the caller saw it; the server's part within the client's.
    assertThat(c.end().durationNanos()).isPositive().isLessThanOrEqualTo(elapsed);
    assertThat(c.end().failure()).isNull();

    Ended s = serverHears.nextEnded();
    assertThat(s.call())
        .isEqualTo(
            new RpcCall(
                RpcCall.Side.SERVER,
                RpcCall.Transport.TCP,
                false,
                new InetSocketAddress(Echo.LOOPBACK, server.tcpPort()),
                clientAddress,
                xid,
                Echo.PROGRAM,
                Echo.VERSION,
                Echo.SQUARE,
                "ECHO_PROG",
                "SQUARE",
                CALL_HEADER + 4));
    assertThat(s.end().status().name()).isEqualTo("SUCCESS");
    assertThat(s.end().replyBytes()).isEqualTo(REPLY_HEADER + 4);
    assertThat(s.end().failure()).isNull();
    assertThat(s.end().durationNanos()).isPositive().isLessThan(c.end().durationNanos());

    RpcConnection opened = RecordingListener.take(clientHears.opened);
    assertThat(opened).isEqualTo(new RpcConnection(RpcCall.Side.CLIENT, clientAddress, address));
    assertThat(RecordingListener.take(clientHears.closed)).isSameAs(opened);
    RpcConnection accepted = RecordingListener.take(serverHears.opened);
    assertThat(accepted).isEqualTo(new RpcConnection(RpcCall.Side.SERVER, address, clientAddress));
    assertThat(RecordingListener.take(serverHears.closed)).isSameAs(accepted);
  }

  @Test
  void aFactoryGivesItsChannelsTheListener() throws Exception {
    try (EmbeddedPortmapper portmapper = EmbeddedPortmapper.start(0);
        RpcServer registered =
            RpcServer.builder()
                .program(echo.definition())
                .bindAddress(Echo.LOOPBACK)
                .port(0)
                .registrar(PortmapRegistrar.at(portmapper.localAddress()))
                .start()) {
      RpcClientFactory factory =
          RpcClientFactory.DEFAULT
              .withPortmapperPort(portmapper.port())
              .withChannelOptions(ChannelOptions.DEFAULTS.withListener(clientHears));
      try (RpcClient client =
          factory.client("127.0.0.1", Echo.PROGRAM, Echo.VERSION, "tcp").withNames(Echo.NAMES)) {
        assertThat(client.call(Echo.SQUARE, XdrCodec.INT, 9, XdrCodec.INT)).isEqualTo(81);
      }
    }
    // The lookup (rpcbind's GETADDR), the version check (NULLPROC) and the call.
    assertThat(clientHears.nextEnded().call().program()).isEqualTo(100_000);
    assertThat(clientHears.nextEnded().call().procedure()).isZero();
    Ended c = clientHears.nextEnded();
    assertThat(c.call().procedureName()).isEqualTo("SQUARE");
    assertThat(c.end().status().succeeded()).isTrue();
  }

  @Test
  void aUdpCallIsHeardOnBothSidesWithoutConnections() throws Exception {
    try (RpcClient client = udpClient()) {
      assertThat(client.call(Echo.SQUARE, XdrCodec.INT, 3, XdrCodec.INT)).isEqualTo(9);
    }
    Ended c = clientHears.nextEnded();
    assertThat(c.call().transport()).isEqualTo(RpcCall.Transport.UDP);
    assertThat(c.call().requestBytes()).isEqualTo(CALL_HEADER + 4);
    assertThat(c.end().replyBytes()).isEqualTo(REPLY_HEADER + 4);
    Ended s = serverHears.nextEnded();
    assertThat(s.call().transport()).isEqualTo(RpcCall.Transport.UDP);
    assertThat(s.call().local()).isEqualTo(new InetSocketAddress(Echo.LOOPBACK, server.udpPort()));
    assertThat(s.call().xid()).isEqualTo(c.call().xid());
    assertThat(s.end().status().succeeded()).isTrue();
    assertThat(clientHears.opened).isEmpty();
    assertThat(serverHears.opened).isEmpty();
  }

  @Test
  void errorRepliesAreHeardWithTheirStatus() throws Exception {
    try (RpcClient client = tcpClient()) {
      assertThatThrownBy(() -> client.call(9, XdrCodec.VOID, null, XdrCodec.VOID))
          .isInstanceOf(RpcException.class);
      assertHeard(CallStatus.accepted(AcceptStat.PROC_UNAVAIL), null);
      assertThatThrownBy(() -> client.call(Echo.FAIL, XdrCodec.VOID, null, XdrCodec.VOID))
          .isInstanceOf(RpcException.class);
      assertHeard(CallStatus.accepted(AcceptStat.SYSTEM_ERR), "FAIL");
      assertThatThrownBy(() -> client.call(Echo.TOO_WEAK, XdrCodec.VOID, null, XdrCodec.VOID))
          .isInstanceOf(RpcAuthException.class);
      assertHeard(new CallStatus.AuthError(AuthStat.AUTH_TOOWEAK), "TOO_WEAK");
      // Arguments the server cannot decode: SHORT takes a string, this is an int of 5 bytes.
      assertThatThrownBy(() -> client.call(Echo.SHORT, XdrCodec.INT, 5, XdrCodec.VOID))
          .isInstanceOf(RpcException.class);
      assertHeard(CallStatus.accepted(AcceptStat.GARBAGE_ARGS), "SHORT");
      RpcClient otherVersion = RpcClient.create(client.channel(), Echo.PROGRAM, 7);
      assertThatThrownBy(otherVersion::ping).isInstanceOf(RpcException.class);
      Ended c = clientHears.nextEnded();
      assertThat(c.end().status()).isEqualTo(CallStatus.accepted(AcceptStat.PROG_MISMATCH));
      assertThat(c.call().programName()).isNull();
      assertThat(serverHears.nextEnded().end().status().name()).isEqualTo("PROG_MISMATCH");
      RpcClient otherProgram = RpcClient.create(client.channel(), Echo.PROGRAM + 1, 1);
      assertThatThrownBy(otherProgram::ping).isInstanceOf(RpcException.class);
      assertThat(clientHears.nextEnded().end().status().name()).isEqualTo("PROG_UNAVAIL");
      Ended s = serverHears.nextEnded();
      assertThat(s.end().status().name()).isEqualTo("PROG_UNAVAIL");
      assertThat(s.call().programName()).isNull();
      assertThat(s.call().procedureName()).isNull();
    }
  }

  private void assertHeard(CallStatus status, String procedureName) throws Exception {
    Ended c = clientHears.nextEnded();
    assertThat(c.end().status()).isEqualTo(status);
    assertThat(c.end().status().succeeded()).isFalse();
    assertThat(c.end().failure()).isInstanceOf(RpcException.class);
    assertThat(c.call().procedureName()).isEqualTo(procedureName);
    Ended s = serverHears.nextEnded();
    assertThat(s.end().status()).isEqualTo(status);
    assertThat(s.call().procedureName()).isEqualTo(procedureName);
    assertThat(s.end().replyBytes()).isPositive();
  }

  @Test
  void aServedCallThatThrowsPastTheDispatcherIsHeardFailed() throws Exception {
    try (RpcClient client = tcpClient()) {
      // The error ends the connection, not the server: the client sees the connection go.
      assertThatThrownBy(() -> client.call(Echo.CRASH, XdrCodec.VOID, null, XdrCodec.VOID))
          .isInstanceOf(RpcException.class);
    }
    Ended s = serverHears.nextEnded();
    assertThat(s.end().status()).isEqualTo(new CallStatus.Failed(RpcStatus.FAILED));
    assertThat(s.end().failure()).isInstanceOf(AssertionError.class);
    assertThat(s.call().procedureName()).isEqualTo("CRASH");
  }

  @Test
  void aTimedOutCallIsHeardAsAClientFailure() throws Exception {
    try (RpcClient client = tcpClient()) {
      assertThatThrownBy(
              () ->
                  client
                      .withTimeout(Duration.ofMillis(100))
                      .call(Echo.SLEEP, XdrCodec.INT, 1_000, XdrCodec.INT))
          .isInstanceOf(RpcTimeoutException.class);
    }
    Ended c = clientHears.nextEnded();
    assertThat(c.end().status()).isEqualTo(new CallStatus.Failed(RpcStatus.TIMED_OUT));
    assertThat(c.end().status().name()).isEqualTo("TIMED_OUT");
    assertThat(c.end().replyBytes()).isZero();
    assertThat(c.end().failure()).isInstanceOf(RpcTimeoutException.class);
    // The server still serves it, and says so when done.
    assertThat(serverHears.nextEnded().end().status().name()).isEqualTo("SUCCESS");
  }

  @Test
  void argumentsThatCannotBeEncodedAreHeardBegunAndFailed() throws Exception {
    try (RpcClient client = tcpClient()) {
      assertThatThrownBy(
              () -> client.call(Echo.SHORT, Echo.SHORT_STRING, "too long", Echo.SHORT_STRING))
          .isInstanceOf(RpcException.class);
    }
    RpcCall started = RecordingListener.take(clientHears.started);
    assertThat(started.requestBytes()).isZero();
    assertThat(started.procedureName()).isEqualTo("SHORT");
    Ended c = clientHears.nextEnded();
    assertThat(c.end().status()).isEqualTo(new CallStatus.Failed(RpcStatus.CANT_ENCODE_ARGS));
    assertThat(serverHears.started).isEmpty();
  }

  @Test
  void resultsThatCannotBeDecodedAreAClientFailure() throws Exception {
    try (RpcClient client = tcpClient()) {
      assertThatThrownBy(() -> client.call(Echo.SQUARE, XdrCodec.INT, 2, XdrCodec.HYPER))
          .isInstanceOf(RpcException.class);
    }
    Ended c = clientHears.nextEnded();
    assertThat(c.end().status()).isEqualTo(new CallStatus.Failed(RpcStatus.CANT_DECODE_RES));
    assertThat(c.end().replyBytes()).isEqualTo(REPLY_HEADER + 4);
    assertThat(serverHears.nextEnded().end().status().name()).isEqualTo("SUCCESS");
  }

  @Test
  void batchedCallsAreHeardWithoutReply() throws Exception {
    for (RpcClient client : new RpcClient[] {tcpClient(), udpClient()}) {
      try (client) {
        long before = System.nanoTime();
        client.callBatched(Echo.NOTE, XdrCodec.INT, 1);
        long elapsed = System.nanoTime() - before;
        client.flush();
        Ended c = clientHears.nextEnded();
        assertThat(c.end().durationNanos()).isPositive().isLessThanOrEqualTo(elapsed);
        assertThat(c.end().status()).isEqualTo(new CallStatus.NoReply());
        assertThat(c.end().status().succeeded()).isTrue();
        assertThat(c.call().procedureName()).isEqualTo("NOTE");
        Ended s = serverHears.nextEnded();
        assertThat(s.end().status().name()).isEqualTo("NO_REPLY");
        assertThat(s.end().replyBytes()).isZero();
      }
    }
  }

  @Test
  void aBatchedCallThatCannotBeSentIsHeardFailed() throws Exception {
    RpcClient client = tcpClient();
    client.close();
    assertThatThrownBy(() -> client.callBatched(Echo.NOTE, XdrCodec.INT, 1))
        .isInstanceOf(IllegalStateException.class);
    Ended c = clientHears.nextEnded();
    assertThat(c.end().status()).isEqualTo(new CallStatus.Failed(RpcStatus.FAILED));
    assertThat(c.end().failure()).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aCallThatIsNotRpcVersionTwoIsHeardDenied() throws Exception {
    ByteBuffer call =
        ByteBuffer.allocate(CALL_HEADER)
            .putInt(0x1234)
            .putInt(0)
            .putInt(3)
            .putInt(Echo.PROGRAM)
            .putInt(Echo.VERSION)
            .putInt(Echo.SQUARE)
            .putInt(0)
            .putInt(0)
            .putInt(0)
            .putInt(0);
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.send(
          new DatagramPacket(
              call.array(), CALL_HEADER, new InetSocketAddress(Echo.LOOPBACK, server.udpPort())));
    }
    Ended s = serverHears.nextEnded();
    assertThat(s.end().status()).isEqualTo(new CallStatus.RpcMismatch());
    assertThat(s.end().status().succeeded()).isFalse();
    assertThat(s.call().xid()).isEqualTo(0x1234);
    assertThat(s.call().procedureName()).isEqualTo("SQUARE");
  }

  @Test
  void aClientHearsADenialAsDenied() throws Exception {
    try (DatagramSocket peer = new DatagramSocket(0, Echo.LOOPBACK);
        RpcClient client =
            RpcClient.create(
                UdpChannel.open(
                    (InetSocketAddress) peer.getLocalSocketAddress(),
                    ChannelOptions.DEFAULTS.withListener(clientHears)),
                Echo.PROGRAM,
                Echo.VERSION)) {
      Thread answer =
          new Thread(
              () -> {
                try {
                  DatagramPacket call = new DatagramPacket(new byte[512], 512);
                  peer.receive(call);
                  // MSG_DENIED, RPC_MISMATCH, versions 2 to 2.
                  byte[] reply =
                      ByteBuffer.allocate(24)
                          .putInt(ByteBuffer.wrap(call.getData()).getInt())
                          .putInt(1)
                          .putInt(1)
                          .putInt(0)
                          .putInt(2)
                          .putInt(2)
                          .array();
                  peer.send(new DatagramPacket(reply, reply.length, call.getSocketAddress()));
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
      answer.start();
      assertThatThrownBy(client::ping).isInstanceOf(RpcException.class);
      answer.join(5_000);
    }
    Ended c = clientHears.nextEnded();
    assertThat(c.end().status()).isEqualTo(new CallStatus.RpcMismatch());
    assertThat(c.end().replyBytes()).isEqualTo(24);
  }

  @Test
  void messagesThatAreNotCallsAreNotHeard() throws Exception {
    try (DatagramSocket socket = new DatagramSocket()) {
      InetSocketAddress udp = new InetSocketAddress(Echo.LOOPBACK, server.udpPort());
      // A reply, and a call too short to name its procedure.
      socket.send(new DatagramPacket(ByteBuffer.allocate(24).putInt(1).putInt(1).array(), 24, udp));
      socket.send(new DatagramPacket(new byte[20], 20, udp));
    }
    // The server answers what comes after them, and heard only that.
    try (RpcClient client = udpClient()) {
      client.ping();
    }
    Ended s = serverHears.nextEnded();
    assertThat(s.call().procedure()).isZero();
    assertThat(serverHears.started).hasSize(1);
  }

  @Test
  void aListenerThatThrowsNeverFailsACall() throws Exception {
    RpcListener faulty =
        new RpcListener() {
          @Override
          public CallObserver callStarted(RpcCall call) {
            return (c, end) -> {
              throw new IllegalStateException("callEnded fails");
            };
          }

          @Override
          public void connectionOpened(RpcConnection connection) {
            throw new IllegalStateException("connectionOpened fails");
          }

          @Override
          public void connectionClosed(RpcConnection connection) {
            throw new IllegalStateException("connectionClosed fails");
          }
        };
    RpcListener throwsOnStart =
        new RpcListener() {
          @Override
          public CallObserver callStarted(RpcCall call) {
            throw new IllegalStateException("callStarted fails");
          }
        };
    try (RpcServer other =
        RpcServer.builder()
            .program(echo.definition())
            .bindAddress(Echo.LOOPBACK)
            .port(0)
            .listener(RpcListener.all(faulty, throwsOnStart))
            .start()) {
      InetSocketAddress otherAddress = new InetSocketAddress(Echo.LOOPBACK, other.tcpPort());
      ChannelOptions options = ChannelOptions.DEFAULTS.withListener(faulty);
      for (int i = 0; i < 2; i++) {
        try (RpcClient client =
            RpcClient.create(
                TcpChannel.connect(otherAddress, options), Echo.PROGRAM, Echo.VERSION)) {
          assertThat(client.call(Echo.SQUARE, XdrCodec.INT, 4, XdrCodec.INT)).isEqualTo(16);
        }
        try (RpcClient client =
            RpcClient.create(
                UdpChannel.open(otherAddress, options.withListener(throwsOnStart)),
                Echo.PROGRAM,
                Echo.VERSION)) {
          assertThat(client.call(Echo.SQUARE, XdrCodec.INT, 5, XdrCodec.INT)).isEqualTo(25);
        }
      }
    }
  }
}
