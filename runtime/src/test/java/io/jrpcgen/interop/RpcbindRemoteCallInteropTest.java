package io.jrpcgen.interop;

import static io.jrpcgen.interop.RpcbindInteropTest.SQUAREPROC;
import static io.jrpcgen.interop.RpcbindInteropTest.SQUARE_PROG;
import static io.jrpcgen.interop.RpcbindInteropTest.square;
import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.portmap.BroadcastCall;
import io.jrpcgen.portmap.PortmapRegistrar;
import io.jrpcgen.portmap.PortmapperClient;
import io.jrpcgen.portmap.RpcbindClient;
import io.jrpcgen.server.RpcServer;
import io.jrpcgen.testsupport.NativeTools;
import io.jrpcgen.transport.RpcChannel;
import io.jrpcgen.xdr.XdrCodec;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Remote calls (PMAP CALLIT, rpcbind CALLIT and BCAST) through the real rpcbind with remote calls
 * on ({@code rpcbind -f -r}, started here as root and stopped by its process id), which answers
 * them from its forwarding socket, not from port 111. An rpcbind already running is used if it
 * forwards, and the tests are skipped loudly if it does not (started without {@code -r}).
 */
class RpcbindRemoteCallInteropTest {
  private static final String SKIP = "SKIPPED: rpcbind remote call tests: ";
  private static final InetSocketAddress IPV4 = PortmapperOn111.ADDRESS;

  @TempDir static Path dir;
  private static PortmapperOn111.Rpcbind rpcbind;
  private static String skipped;

  private RpcServer ipv4Server;

  @BeforeAll
  static void startRpcbind() throws Exception {
    if (NativeTools.findTool("rpcbind") == null) {
      skipped = SKIP + "rpcbind is not installed (apt-get install rpcbind)";
      return;
    }
    rpcbind = PortmapperOn111.Rpcbind.useOrStart(dir, true);
    if (!rpcbind.startedHere()) {
      try (RpcServer server = registered(InetAddress.getLoopbackAddress())) {
        if (BroadcastCall.to(List.of(IPV4))
            .withTimeLimit(Duration.ofSeconds(2))
            .call(SQUARE_PROG, 1, SQUAREPROC, XdrCodec.INT, 2, XdrCodec.INT)
            .isEmpty()) {
          skipped =
              SKIP
                  + "the rpcbind already running does not forward remote calls (no -r);"
                  + " stop it and these tests start rpcbind -f -r themselves";
        }
      }
    }
  }

  @AfterAll
  static void stopRpcbind() throws InterruptedException {
    if (rpcbind != null) {
      rpcbind.close();
    }
  }

  @BeforeEach
  void startServer() {
    if (skipped != null) {
      NativeTools.skipLoudly(skipped);
    }
    ipv4Server = registered(InetAddress.getLoopbackAddress());
  }

  @AfterEach
  void stopServer() {
    if (ipv4Server != null) {
      ipv4Server.close();
    }
  }

  /** The square server on {@code address}, registered with rpcbind. */
  static RpcServer registered(InetAddress address) {
    return RpcServer.builder()
        .program(square())
        .bindAddress(address)
        .port(0)
        .registrar(PortmapRegistrar.local())
        .start();
  }

  static String uaddr(String host, int port) {
    return host + "." + (port >> 8) + "." + (port & 255);
  }

  @Test
  void pmapCallItGetsTheReply() {
    try (PortmapperClient client =
        PortmapperClient.create(RpcChannel.udp(IPV4), PortmapperOn111.SHORT)) {
      assertThat(client.callIt(SQUARE_PROG, 1, SQUAREPROC, XdrCodec.INT, 12, XdrCodec.INT))
          .isEqualTo(new PortmapperClient.CallItReply<>(ipv4Server.udpPort(), 144));
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {3, 4})
  void rpcbindCallItGetsTheReplyOverIpv4(int version) {
    try (RpcbindClient client =
        RpcbindClient.create(RpcChannel.udp(IPV4), version, PortmapperOn111.SHORT)) {
      assertThat(client.callIt(SQUARE_PROG, 1, SQUAREPROC, XdrCodec.INT, -3, XdrCodec.INT))
          .isEqualTo(new RpcbindClient.CallItReply<>(uaddr("127.0.0.1", ipv4Server.udpPort()), 9));
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {3, 4})
  void rpcbindCallItGetsTheReplyOverIpv6(int version) throws Exception {
    InetAddress ipv6 = ipv6LoopbackOrSkip();
    try (RpcServer server = registered(ipv6);
        RpcbindClient client =
            RpcbindClient.create(
                RpcChannel.udp(new InetSocketAddress(ipv6, 111)), version, PortmapperOn111.SHORT)) {
      assertThat(client.callIt(SQUARE_PROG, 1, SQUAREPROC, XdrCodec.INT, 5, XdrCodec.INT))
          .isEqualTo(new RpcbindClient.CallItReply<>(uaddr("::1", server.udpPort()), 25));
    }
  }

  @Test
  void aBroadcastReachesServersOverIpv4AndIpv6() throws Exception {
    InetAddress ipv6 = ipv6LoopbackOrSkip();
    try (RpcServer server = registered(ipv6)) {
      List<BroadcastCall.Reply<Integer>> replies =
          BroadcastCall.to(List.of(IPV4, new InetSocketAddress(ipv6, 111)))
              .withTimeLimit(Duration.ofSeconds(3))
              .call(SQUARE_PROG, 1, SQUAREPROC, XdrCodec.INT, 7, XdrCodec.INT);
      assertThat(replies)
          .containsExactlyInAnyOrder(
              new BroadcastCall.Reply<>(
                  new InetSocketAddress(InetAddress.getLoopbackAddress(), ipv4Server.udpPort()),
                  49),
              new BroadcastCall.Reply<>(new InetSocketAddress(ipv6, server.udpPort()), 49));
    }
  }

  private static InetAddress ipv6LoopbackOrSkip() throws UnknownHostException {
    InetAddress ipv6 = InetAddress.getByName("::1");
    try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(ipv6, 0))) {
      return ipv6;
    } catch (SocketException e) {
      NativeTools.skipLoudly(SKIP + "no IPv6 loopback (::1): " + e.getMessage());
      return null;
    }
  }
}
