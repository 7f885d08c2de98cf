package io.jrpcgen.gss;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.transport.RpcChannel;
import io.jrpcgen.transport.RpcClient;
import io.jrpcgen.transport.TcpChannel;
import io.jrpcgen.transport.UdpChannel;
import io.jrpcgen.xdr.XdrCodec;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The Java client and the Java server talking RPCSEC_GSS with a real MIT KDC. */
class RpcSecGssTest extends GssRealmTest {

  @ParameterizedTest
  @EnumSource(GssService.class)
  void callsOverTcpWithEachService(GssService service) {
    long destroyedBefore = realm.gss.stats().contextsDestroyed();
    try (TcpChannel channel = RpcChannel.tcp(realm.tcp());
        RpcSecGssClient client = RpcSecGssClient.establish(channel, GssSquare.PROGRAM,
            GssSquare.VERSION, GssSettings.of(TestKdc.SERVICE, realm.alice, service))) {
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
      assertThat(client.service()).isEqualTo(service);
    }
    assertThat(realm.gss.stats().contextsDestroyed()).isEqualTo(destroyedBefore + 1);
  }

  @ParameterizedTest
  @EnumSource(GssService.class)
  void callsOverUdpWithEachService(GssService service) {
    try (UdpChannel channel = RpcChannel.udp(realm.udp());
        RpcSecGssClient client = RpcSecGssClient.establish(channel, GssSquare.PROGRAM,
            GssSquare.VERSION, GssSettings.of(TestKdc.SERVICE, realm.alice, service))) {
      RpcClient rpc = RpcClient.create(channel, GssSquare.PROGRAM, GssSquare.VERSION,
          client.callOptions().withTimeout(Duration.ofSeconds(10)));
      assertThat(rpc.call(GssSquare.SQUAREPROC, XdrCodec.INT, -7, XdrCodec.INT)).isEqualTo(49);
    }
  }
}
