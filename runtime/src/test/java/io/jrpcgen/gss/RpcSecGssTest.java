package io.jrpcgen.gss;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.client.RpcClient;
import io.jrpcgen.server.RpcServer;
import io.jrpcgen.transport.RpcChannel;
import io.jrpcgen.transport.TcpChannel;
import io.jrpcgen.transport.UdpChannel;
import io.jrpcgen.xdr.XdrCodec;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
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

  @Test
  void noMoreCallsAreInFlightThanTheServersWindow() throws Exception {
    RpcSecGssServer narrow = RpcSecGssServer.create(GssLogin.acceptor(realm.kdc.serverKeytab()),
        2, 16);
    try (RpcServer server = RpcServer.builder().bindAddress(InetAddress.getLoopbackAddress())
            .security(narrow).program(realm.square.definition()).tcp(0).start();
        TcpChannel channel = RpcChannel.tcp(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), server.tcpPort()));
        RpcSecGssClient client = RpcSecGssClient.establish(channel, GssSquare.PROGRAM,
            GssSquare.VERSION, GssSettings.of(TestKdc.SERVICE, realm.alice, GssService.NONE))) {
      assertThat(client.sequenceWindow()).isEqualTo(2);
      assertThat(client.admit(0)).isTrue();
      assertThat(client.admit(0)).isTrue();
      assertThat(client.admit(0)).isFalse();
      client.done();
      assertThat(client.admit(0)).isTrue();
      client.done();
      client.done();
      // Many threads on one connection: none of their calls falls below the window.
      RpcClient rpc = RpcClient.create(channel, GssSquare.PROGRAM, GssSquare.VERSION,
          client.callOptions().withTimeout(Duration.ofSeconds(20)));
      ExecutorService threads = Executors.newFixedThreadPool(16);
      try {
        List<Future<Integer>> results = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
          int n = i;
          results.add(threads.submit(
              () -> rpc.call(GssSquare.SQUAREPROC, XdrCodec.INT, n, XdrCodec.INT)));
        }
        for (int i = 0; i < results.size(); i++) {
          assertThat(results.get(i).get(30, TimeUnit.SECONDS)).isEqualTo(i * i);
        }
      } finally {
        threads.shutdownNow();
      }
      assertThat(narrow.stats().tooOldDropped()).isZero();
    }
  }

  @Test
  void aCallResentOverUdpHasASequenceNumberOfItsOwn() {
    long replays = realm.gss.stats().replaysDropped();
    realm.square.unanswered.set(true);
    try (UdpChannel channel = RpcChannel.udp(realm.udp());
        RpcSecGssClient client = RpcSecGssClient.establish(channel, GssSquare.PROGRAM,
            GssSquare.VERSION, GssSettings.of(TestKdc.SERVICE, realm.alice, GssService.PRIVACY))) {
      RpcClient rpc = RpcClient.create(channel, GssSquare.PROGRAM, GssSquare.VERSION,
          client.callOptions().withTimeout(Duration.ofSeconds(10))
              .withRetryInterval(Duration.ofMillis(200)));
      // The first transmission is served but its reply lost; the resent one must not be
      // dropped as its replay.
      assertThat(rpc.call(GssSquare.FIRST_UNANSWERED, XdrCodec.INT, 6, XdrCodec.INT))
          .isEqualTo(36);
    }
    assertThat(realm.square.unanswered.get()).isFalse();
    assertThat(realm.gss.stats().replaysDropped()).isEqualTo(replays);
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
