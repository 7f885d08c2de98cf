package io.jrpcgen.gss;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.server.RpcServer;
import io.jrpcgen.transport.RpcChannel;
import io.jrpcgen.transport.RpcClient;
import io.jrpcgen.transport.TcpChannel;
import io.jrpcgen.transport.UdpChannel;
import io.jrpcgen.xdr.XdrCodec;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The Java client and the Java server talking RPCSEC_GSS with a real MIT KDC. */
class RpcSecGssTest {
  @TempDir
  static Path dir;
  private static TestKdc kdc;
  private static RpcSecGssServer gss;
  private static RpcServer server;
  private static GssLogin alice;
  private static final GssSquare SQUARE = new GssSquare();

  @BeforeAll
  static void start() throws Exception {
    kdc = TestKdc.start(dir);
    gss = RpcSecGssServer.create(GssLogin.acceptor(kdc.serverKeytab()));
    server = RpcServer.builder().bindAddress(InetAddress.getLoopbackAddress()).security(gss)
        .program(SQUARE.definition()).tcp(0).udp(0).start();
    alice = GssLogin.keytab(TestKdc.CLIENT_PRINCIPAL, kdc.clientKeytab());
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    if (kdc != null) {
      kdc.close();
    }
  }

  private static InetSocketAddress address(int port) {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
  }

  @ParameterizedTest
  @EnumSource(GssService.class)
  void callsOverTcpWithEachService(GssService service) {
    long destroyedBefore = gss.stats().contextsDestroyed();
    try (TcpChannel channel = RpcChannel.tcp(address(server.tcpPort()));
        RpcSecGssClient client = RpcSecGssClient.establish(channel, GssSquare.PROGRAM,
            GssSquare.VERSION, GssSettings.of(TestKdc.SERVICE, alice, service))) {
      RpcClient rpc = RpcClient.create(channel, GssSquare.PROGRAM, GssSquare.VERSION,
          client.callOptions().withTimeout(Duration.ofSeconds(10)));
      assertThat(rpc.call(GssSquare.SQUAREPROC, XdrCodec.INT, 5, XdrCodec.INT)).isEqualTo(25);
      assertThat(rpc.call(GssSquare.WHO, XdrCodec.VOID, null, XdrCodec.string(256)))
          .isEqualTo(TestKdc.CLIENT_PRINCIPAL + " " + service + " " + GssCaller.KERBEROS_V5);
      // Big enough for the encoder to hold it by reference: wrapping must see every byte.
      var big = GssSquare.bytes(300_000);
      assertThat(rpc.call(GssSquare.ECHO, XdrCodec.opaque(Integer.MAX_VALUE), big,
          XdrCodec.opaque(Integer.MAX_VALUE))).isEqualTo(big);
      rpc.ping();
      assertThat(client.sequenceWindow()).isEqualTo(RpcSecGssServer.DEFAULT_WINDOW);
    }
    assertThat(gss.stats().contextsDestroyed()).isEqualTo(destroyedBefore + 1);
  }

  @ParameterizedTest
  @EnumSource(GssService.class)
  void callsOverUdpWithEachService(GssService service) {
    try (UdpChannel channel = RpcChannel.udp(address(server.udpPort()));
        RpcSecGssClient client = RpcSecGssClient.establish(channel, GssSquare.PROGRAM,
            GssSquare.VERSION, GssSettings.of(TestKdc.SERVICE, alice, service))) {
      RpcClient rpc = RpcClient.create(channel, GssSquare.PROGRAM, GssSquare.VERSION,
          client.callOptions().withTimeout(Duration.ofSeconds(10)));
      assertThat(rpc.call(GssSquare.SQUAREPROC, XdrCodec.INT, -7, XdrCodec.INT)).isEqualTo(49);
    }
  }
}
