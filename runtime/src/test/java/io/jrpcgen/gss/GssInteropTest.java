package io.jrpcgen.gss;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.client.RpcClient;
import io.jrpcgen.transport.RpcChannel;
import io.jrpcgen.transport.TcpChannel;
import io.jrpcgen.transport.UdpChannel;
import io.jrpcgen.xdr.XdrCodec;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * RPCSEC_GSS between jrpcgen and libtirpc, both ways, for krb5, krb5i and krb5p: a C client using
 * {@code authgss_create_default} calls the Java server, and the Java client calls a C server using
 * {@code svcauth_gss}, with blocking calls and with many asynchronous calls at once, over TCP and
 * UDP; all in a throwaway MIT Kerberos realm.
 */
class GssInteropTest extends GssRealmTest {
  private static GssCPeers peers;

  @BeforeAll
  static void buildPeers() throws Exception {
    peers = GssCPeers.build(realm.kdc);
  }

  private static String cName(GssService service) {
    return service.name().toLowerCase(Locale.ROOT);
  }

  @ParameterizedTest
  @EnumSource(GssService.class)
  void cClientCallsJavaServer(GssService service) throws Exception {
    GssServerStats before = realm.gss.stats();
    int callsBefore = realm.square.calls.get();
    GssCPeers.Run run = peers.runClient(realm.server.tcpPort(), cName(service), 12, 3);
    assertThat(run.output()).isEqualTo("result: 144\nresult: 144\nresult: 144\n");
    assertThat(run.exitCode()).isZero();
    assertThat(realm.square.calls.get()).isEqualTo(callsBefore + 3);
    assertThat(realm.square.lastCaller.get())
        .isEqualTo(new GssCaller(TestKdc.CLIENT_PRINCIPAL, GssCaller.KERBEROS_V5, service));
    GssServerStats after = realm.gss.stats();
    assertThat(after.contextsEstablished()).isEqualTo(before.contextsEstablished() + 1);
    assertThat(after.contextsDestroyed()).isEqualTo(before.contextsDestroyed() + 1);
    assertThat(after.badBodies()).isEqualTo(before.badBodies());
  }

  @ParameterizedTest
  @EnumSource(GssService.class)
  void javaClientCallsCServer(GssService service) throws Exception {
    try (GssCPeers.Server c = peers.startServer();
        TcpChannel channel =
            RpcChannel.tcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), c.port()));
        RpcSecGssClient client =
            RpcSecGssClient.establish(
                channel,
                GssSquare.PROGRAM,
                GssSquare.VERSION,
                GssSettings.of(TestKdc.SERVICE, realm.alice, service))) {
      RpcClient rpc =
          RpcClient.create(
              channel,
              GssSquare.PROGRAM,
              GssSquare.VERSION,
              client.callOptions().withTimeout(Duration.ofSeconds(10)));
      assertThat(rpc.call(GssSquare.SQUAREPROC, XdrCodec.INT, 9, XdrCodec.INT)).isEqualTo(81);
      assertThat(rpc.call(GssSquare.SQUAREPROC, XdrCodec.INT, -3, XdrCodec.INT)).isEqualTo(9);
      assertThat(c.errors())
          .contains("caller: " + TestKdc.CLIENT_PRINCIPAL + " service " + service.value());
    }
  }

  @ParameterizedTest
  @EnumSource(GssService.class)
  void javaAsyncCallsToCServer(GssService service) throws Exception {
    try (GssCPeers.Server c = peers.startServer()) {
      InetAddress loopback = InetAddress.getLoopbackAddress();
      try (TcpChannel channel = RpcChannel.tcp(new InetSocketAddress(loopback, c.port()))) {
        GssAsyncTest.manySquares(channel, service);
      }
      try (UdpChannel channel = RpcChannel.udp(new InetSocketAddress(loopback, c.udpPort()))) {
        GssAsyncTest.manySquares(channel, service);
      }
      assertThat(c.errors())
          .contains("caller: " + TestKdc.CLIENT_PRINCIPAL + " service " + service.value());
    }
  }
}
