package io.jrpcgen.portmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.internal.rpc.CallHeader;
import io.jrpcgen.internal.rpc.RpcMessages;
import io.jrpcgen.rpc.AcceptStat;
import io.jrpcgen.rpc.AuthSys;
import io.jrpcgen.rpc.CallOptions;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.rpc.RpcException;
import io.jrpcgen.rpc.RpcStatus;
import io.jrpcgen.rpc.RpcTimeoutException;
import io.jrpcgen.transport.RpcChannel;
import io.jrpcgen.xdr.XdrCodec;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Single-host CALLIT and broadcasts against a portmapper that answers as rpcbind {@code -r} does:
 * from its forwarding socket, whose port is not the one the call went to.
 */
class RemoteCallReplyTest {
  static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  static final int PROG = 0x2000_0a02;
  static final CallOptions SHORT =
      CallOptions.DEFAULTS
          .withTimeout(Duration.ofSeconds(3))
          .withRetryInterval(Duration.ofMillis(500));
  static final CallOptions BRIEF =
      CallOptions.DEFAULTS
          .withTimeout(Duration.ofMillis(600))
          .withRetryInterval(Duration.ofMillis(300));

  private FakePortmapper fake;

  @AfterEach
  void stop() throws Exception {
    if (fake != null) {
      fake.close();
    }
  }

  @Test
  void pmapCallItTakesTheReplyFromTheForwardingPort() throws Exception {
    fake =
        new FakePortmapper(
            LOOPBACK,
            LOOPBACK,
            call ->
                success(
                    call,
                    out -> {
                      out.writeInt(4242);
                      out.writeVariableOpaque(
                          RawBytes.encode(XdrCodec.INT, 144), XdrCodec.UNBOUNDED);
                    }));
    try (PortmapperClient client = PortmapperClient.create(RpcChannel.udp(fake.address()), SHORT)) {
      assertThat(client.callIt(PROG, 1, 1, XdrCodec.INT, 12, XdrCodec.INT))
          .isEqualTo(new PortmapperClient.CallItReply<>(4242, 144));
    }
    CallHeader call = fake.calls.take();
    assertThat(List.of(call.program(), call.version(), call.procedure()))
        .containsExactly(
            PortmapProtocol.PROGRAM, PortmapProtocol.PMAP_VERSION, PortmapProtocol.PROC_CALLIT);
  }

  @ParameterizedTest
  @ValueSource(ints = {3, 4})
  void rpcbindCallItTakesTheReplyFromTheForwardingPort(int version) throws Exception {
    fake =
        new FakePortmapper(
            LOOPBACK,
            LOOPBACK,
            call ->
                success(
                    call,
                    out -> {
                      out.writeString("127.0.0.1.16.146", XdrCodec.UNBOUNDED);
                      out.writeVariableOpaque(RawBytes.encode(XdrCodec.INT, 9), XdrCodec.UNBOUNDED);
                    }));
    try (RpcbindClient client =
        RpcbindClient.create(RpcChannel.udp(fake.address()), version, SHORT)) {
      assertThat(client.callIt(PROG, 1, 1, XdrCodec.INT, -3, XdrCodec.INT))
          .isEqualTo(new RpcbindClient.CallItReply<>("127.0.0.1.16.146", 9));
    }
    assertThat(fake.calls.take().version()).isEqualTo(version);
  }

  @Test
  void aShortDatagramBeforeTheReplyDoesNotShortenIt() throws Exception {
    fake =
        new FakePortmapper(
            LOOPBACK,
            LOOPBACK,
            call ->
                success(
                    call,
                    out -> {
                      out.writeString("127.0.0.1.16.146", XdrCodec.UNBOUNDED);
                      out.writeVariableOpaque(RawBytes.encode(XdrCodec.INT, 9), XdrCodec.UNBOUNDED);
                    }));
    fake.junkFirst = true;
    try (RpcbindClient client = RpcbindClient.create(RpcChannel.udp(fake.address()), 3, SHORT)) {
      assertThat(client.callIt(PROG, 1, 1, XdrCodec.INT, 3, XdrCodec.INT).value()).isEqualTo(9);
    }
    fake.close();
    fake =
        new FakePortmapper(
            LOOPBACK,
            LOOPBACK,
            call ->
                success(
                    call,
                    out -> {
                      out.writeInt(4242);
                      out.writeVariableOpaque(RawBytes.encode(XdrCodec.INT, 9), XdrCodec.UNBOUNDED);
                    }));
    fake.junkFirst = true;
    List<BroadcastCall.Reply<Integer>> replies = new ArrayList<>();
    BroadcastCall.to(List.of(fake.address()))
        .withTimeLimit(Duration.ofSeconds(5))
        .call(PROG, 1, 1, XdrCodec.INT, 3, XdrCodec.INT, replies::add);
    assertThat(replies)
        .containsExactly(new BroadcastCall.Reply<>(new InetSocketAddress(LOOPBACK, 4242), 9));
  }

  @Test
  void aReplyFromAnotherHostOrToAnotherCallIsNotTaken() throws Exception {
    InetAddress otherHost = InetAddress.getByName("127.0.0.2");
    fake =
        new FakePortmapper(
            LOOPBACK,
            otherHost,
            call ->
                success(
                    call,
                    out -> {
                      out.writeInt(4242);
                      out.writeVariableOpaque(
                          RawBytes.encode(XdrCodec.INT, 144), XdrCodec.UNBOUNDED);
                    }));
    try (PortmapperClient client = PortmapperClient.create(RpcChannel.udp(fake.address()), BRIEF)) {
      assertThatThrownBy(() -> client.callIt(PROG, 1, 1, XdrCodec.INT, 12, XdrCodec.INT))
          .isInstanceOf(RpcTimeoutException.class);
    }
    fake.close();
    fake =
        new FakePortmapper(
            LOOPBACK,
            LOOPBACK,
            call -> {
              XdrEncoder out = new XdrEncoder();
              RpcMessages.writeAccepted(out, call.xid() + 1, OpaqueAuth.NONE, AcceptStat.SUCCESS);
              out.writeInt(4242);
              out.writeVariableOpaque(RawBytes.encode(XdrCodec.INT, 144), XdrCodec.UNBOUNDED);
              return out.toByteArray();
            });
    try (PortmapperClient client = PortmapperClient.create(RpcChannel.udp(fake.address()), BRIEF)) {
      assertThatThrownBy(() -> client.callIt(PROG, 1, 1, XdrCodec.INT, 12, XdrCodec.INT))
          .isInstanceOf(RpcTimeoutException.class);
    }
  }

  @Test
  void anErrorReplyIsReportedAsFromAnyCall() throws Exception {
    fake =
        new FakePortmapper(
            LOOPBACK,
            LOOPBACK,
            call -> {
              XdrEncoder out = new XdrEncoder();
              RpcMessages.writeAccepted(out, call.xid(), OpaqueAuth.NONE, AcceptStat.PROC_UNAVAIL);
              return out.toByteArray();
            });
    try (RpcbindClient client = RpcbindClient.create(RpcChannel.udp(fake.address()), 3, SHORT)) {
      assertThatThrownBy(() -> client.callIt(PROG, 1, 1, XdrCodec.INT, 1, XdrCodec.INT))
          .isInstanceOfSatisfying(
              RpcException.class, e -> assertThat(e.status()).isEqualTo(RpcStatus.PROC_UNAVAIL))
          .hasMessage("127.0.0.1: RPC: Procedure unavailable");
    }
  }

  @Test
  void theCredentialOfTheClientIsSent() throws Exception {
    OpaqueAuth credential = new AuthSys(7, "host", 1000, 1000, List.of()).toOpaqueAuth();
    fake =
        new FakePortmapper(
            LOOPBACK,
            LOOPBACK,
            call ->
                success(
                    call,
                    out -> {
                      out.writeInt(1);
                      out.writeVariableOpaque(RawBytes.encode(XdrCodec.INT, 1), XdrCodec.UNBOUNDED);
                    }));
    try (PortmapperClient client =
        PortmapperClient.create(RpcChannel.udp(fake.address()), SHORT.withCredential(credential))) {
      client.callIt(PROG, 1, 1, XdrCodec.INT, 1, XdrCodec.INT);
    }
    assertThat(fake.calls.take().credential()).isEqualTo(credential);
  }

  @Test
  void pmapCallItRefusesIpv6Hosts() throws Exception {
    InetSocketAddress ipv6 = new InetSocketAddress(IpAddresses.ipv6Loopback(), 111);
    Assumptions.assumeTrue(ipv6Loopback(), "no IPv6 loopback");
    try (PortmapperClient client = PortmapperClient.create(RpcChannel.udp(ipv6), BRIEF)) {
      assertThatThrownBy(() -> client.callIt(PROG, 1, 1, XdrCodec.INT, 1, XdrCodec.INT))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("IPv4 only");
    }
  }

  @Test
  void broadcastSendsRpcbindBcastToIpv6Targets() throws Exception {
    Assumptions.assumeTrue(ipv6Loopback(), "no IPv6 loopback");
    InetAddress v6 = IpAddresses.ipv6Loopback();
    fake =
        new FakePortmapper(
            v6,
            v6,
            call ->
                success(
                    call,
                    out -> {
                      out.writeString("::1.16.146", XdrCodec.UNBOUNDED);
                      out.writeVariableOpaque(
                          RawBytes.encode(XdrCodec.INT, 49), XdrCodec.UNBOUNDED);
                    }));
    List<BroadcastCall.Reply<Integer>> replies = new ArrayList<>();
    BroadcastCall.to(List.of(fake.address()))
        .withTimeLimit(Duration.ofSeconds(5))
        .call(PROG, 1, 1, XdrCodec.INT, 7, XdrCodec.INT, replies::add);
    // PMAP version 2 has no IPv6: rpcbind would run the procedure and never answer.
    CallHeader call = fake.calls.take();
    assertThat(List.of(call.version(), call.procedure()))
        .containsExactly(PortmapProtocol.RPCB_VERSION_4, PortmapProtocol.PROC_CALLIT);
    assertThat(replies)
        .containsExactly(new BroadcastCall.Reply<>(new InetSocketAddress(v6, 4242), 49));
  }

  @Test
  void withNobodyThereTheCallTimesOut() throws Exception {
    int nobody = EmbeddedPortmapperTest.freePort();
    try (RpcbindClient client =
        RpcbindClient.create(RpcChannel.udp(new InetSocketAddress(LOOPBACK, nobody)), 4, BRIEF)) {
      assertThatThrownBy(() -> client.callIt(PROG, 1, 1, XdrCodec.INT, 1, XdrCodec.INT))
          .isInstanceOf(RpcTimeoutException.class);
    }
  }

  @Test
  void argumentsThatCannotBeEncodedFailBeforeSending() throws Exception {
    XdrCodec<String> tooLong = XdrCodec.string(2);
    try (PortmapperClient client =
        PortmapperClient.create(RpcChannel.udp(new InetSocketAddress(LOOPBACK, 111)), BRIEF)) {
      assertThatThrownBy(() -> client.callIt(PROG, 1, 1, tooLong, "long", XdrCodec.INT))
          .isInstanceOfSatisfying(
              RpcException.class, e -> assertThat(e.status()).isEqualTo(RpcStatus.CANT_ENCODE_ARGS))
          .hasMessageStartingWith("localhost: RPC: Can't encode arguments; ");
    }
    assertThatThrownBy(
            () ->
                BroadcastCall.to(List.of(new InetSocketAddress(LOOPBACK, 111)))
                    .call(PROG, 1, 1, tooLong, "long", XdrCodec.INT))
        .isInstanceOfSatisfying(
            RpcException.class, e -> assertThat(e.status()).isEqualTo(RpcStatus.CANT_ENCODE_ARGS));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 65_535, 65_536})
  void aBroadcastReplyNeedsAPort(int port) throws Exception {
    fake =
        new FakePortmapper(
            LOOPBACK,
            LOOPBACK,
            call ->
                success(
                    call,
                    out -> {
                      out.writeInt(port);
                      out.writeVariableOpaque(RawBytes.encode(XdrCodec.INT, 4), XdrCodec.UNBOUNDED);
                    }));
    OpaqueAuth credential = new AuthSys(1, "b", 2, 3, List.of()).toOpaqueAuth();
    BroadcastCall broadcast =
        BroadcastCall.to(List.of(fake.address()))
            .withTimeLimit(Duration.ofMillis(800))
            .withCredential(credential);
    assertThat(broadcast.targets()).containsExactly(fake.address());
    List<BroadcastCall.Reply<Integer>> replies =
        broadcast.call(PROG, 1, 1, XdrCodec.INT, 2, XdrCodec.INT);
    assertThat(replies).hasSize(port == 65_535 ? 1 : 0);
    assertThat(fake.calls.take().credential()).isEqualTo(credential);
    assertThatThrownBy(() -> broadcast.withCredential(null)).hasMessage("credential is null");
  }

  @Test
  void toLocalNetworksSendsToPort111OfEachBroadcastAddressOfAnInterfaceThatIsUp() throws Exception {
    Set<InetSocketAddress> expected = new LinkedHashSet<>();
    for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      for (InterfaceAddress ia :
          nif.isUp() ? nif.getInterfaceAddresses() : List.<InterfaceAddress>of()) {
        if (ia.getBroadcast() != null) {
          expected.add(new InetSocketAddress(ia.getBroadcast(), 111));
        }
      }
    }
    Assumptions.assumeFalse(expected.isEmpty(), "no interface with a broadcast address");
    assertThat(BroadcastCall.toLocalNetworks().targets()).containsExactlyElementsOf(expected);
  }

  @Test
  void theLimitedBroadcastAddressCanBeSentTo() throws Exception {
    // It needs SO_BROADCAST; port 9 (discard), so that nothing there is called.
    InetAddress limited = InetAddress.getByName("255.255.255.255");
    assertThat(
            BroadcastCall.to(List.of(new InetSocketAddress(limited, 9)))
                .withTimeLimit(Duration.ofMillis(200))
                .call(PROG, 1, 1, XdrCodec.INT, 2, XdrCodec.INT))
        .isEmpty();
  }

  static boolean ipv6Loopback() {
    try (DatagramSocket s =
        new DatagramSocket(new InetSocketAddress(IpAddresses.ipv6Loopback(), 0))) {
      return true;
    } catch (SocketException e) {
      return false;
    }
  }

  interface ResultWriter {
    void write(XdrEncoder out);
  }

  static byte[] success(CallHeader call, ResultWriter results) {
    XdrEncoder out = new XdrEncoder();
    RpcMessages.writeAccepted(out, call.xid(), OpaqueAuth.NONE, AcceptStat.SUCCESS);
    results.write(out);
    return out.toByteArray();
  }

  /**
   * Takes calls on one socket and answers each, as {@code answer} says, from another socket, bound
   * to {@code replyFrom}: rpcbind {@code -r} answers CALLIT from its forwarding socket.
   */
  static final class FakePortmapper implements AutoCloseable {
    final BlockingQueue<CallHeader> calls = new LinkedBlockingQueue<>();
    // A short datagram that is no reply, sent before each reply.
    volatile boolean junkFirst;
    private final DatagramSocket front;
    private final DatagramSocket back;
    private final Function<CallHeader, byte[]> answer;
    private final Thread thread = new Thread(this::serve, "fake-portmapper");

    FakePortmapper(InetAddress host, InetAddress replyFrom, Function<CallHeader, byte[]> answer)
        throws IOException {
      this.front = new DatagramSocket(new InetSocketAddress(host, 0));
      this.back = new DatagramSocket(new InetSocketAddress(replyFrom, 0));
      this.answer = answer;
      thread.setDaemon(true);
      thread.start();
    }

    InetSocketAddress address() {
      return (InetSocketAddress) front.getLocalSocketAddress();
    }

    private void serve() {
      byte[] buffer = new byte[65_536];
      while (!front.isClosed()) {
        try {
          DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
          front.receive(packet);
          XdrDecoder in = new XdrDecoder(packet.getData(), 0, packet.getLength());
          int xid = in.readInt();
          in.readInt();
          in.readInt();
          CallHeader call = RpcMessages.readCallBody(xid, in);
          calls.add(call);
          byte[] reply = answer.apply(call);
          if (junkFirst) {
            back.send(new DatagramPacket(new byte[4], 4, packet.getSocketAddress()));
          }
          back.send(new DatagramPacket(reply, reply.length, packet.getSocketAddress()));
        } catch (IOException | RuntimeException e) {
          // Closed, or a datagram that is no call: the loop decides.
        }
      }
    }

    @Override
    public void close() throws InterruptedException {
      front.close();
      back.close();
      thread.join(5_000);
    }
  }
}
