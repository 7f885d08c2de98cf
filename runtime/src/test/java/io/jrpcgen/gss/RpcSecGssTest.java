package io.jrpcgen.gss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.client.RpcClient;
import io.jrpcgen.rpc.AuthStat;
import io.jrpcgen.server.RpcServer;
import io.jrpcgen.transport.RpcChannel;
import io.jrpcgen.transport.TcpChannel;
import io.jrpcgen.transport.UdpChannel;
import io.jrpcgen.xdr.XdrCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.security.auth.Subject;
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
      assertThat(rpc.call(GssSquare.SQUAREPROC, XdrCodec.INT, 5, XdrCodec.INT)).isEqualTo(25);
      assertThat(rpc.call(GssSquare.WHO, XdrCodec.VOID, null, XdrCodec.string(256)))
          .isEqualTo(TestKdc.CLIENT_PRINCIPAL + " " + service + " " + GssCaller.KERBEROS_V5);
      // Big enough for the encoder to hold it by reference: wrapping must see every byte.
      var big = GssSquare.bytes(300_000);
      assertThat(
              rpc.call(
                  GssSquare.ECHO,
                  XdrCodec.opaque(Integer.MAX_VALUE),
                  big,
                  XdrCodec.opaque(Integer.MAX_VALUE)))
          .isEqualTo(big);
      rpc.ping();
      assertThat(client.sequenceWindow()).isEqualTo(RpcSecGssServer.DEFAULT_WINDOW);
      assertThat(client.service()).isEqualTo(service);
    }
    assertThat(realm.gss.stats().contextsDestroyed()).isEqualTo(destroyedBefore + 1);
  }

  @Test
  void noMoreCallsAreInFlightThanTheServersWindow() throws Exception {
    RpcSecGssServer narrow =
        RpcSecGssServer.create(GssLogin.acceptor(realm.kdc.serverKeytab()), 2, 16);
    try (RpcServer server = serve(narrow);
        TcpChannel channel = tcp(server);
        RpcSecGssClient client =
            RpcSecGssClient.establish(
                channel,
                GssSquare.PROGRAM,
                GssSquare.VERSION,
                GssSettings.of(TestKdc.SERVICE, realm.alice, GssService.NONE))) {
      assertThat(client.sequenceWindow()).isEqualTo(2);
      assertThat(client.admit(0)).isTrue();
      assertThat(client.admit(0)).isTrue();
      assertThat(client.admit(0)).isFalse();
      client.done();
      assertThat(client.admit(0)).isTrue();
      client.done();
      client.done();
      // Many threads on one connection: none of their calls falls below the window.
      RpcClient rpc =
          RpcClient.create(
              channel,
              GssSquare.PROGRAM,
              GssSquare.VERSION,
              client.callOptions().withTimeout(Duration.ofSeconds(20)));
      ExecutorService threads = Executors.newFixedThreadPool(16);
      try {
        List<Future<Integer>> results = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
          int n = i;
          results.add(
              threads.submit(() -> rpc.call(GssSquare.SQUAREPROC, XdrCodec.INT, n, XdrCodec.INT)));
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
        RpcSecGssClient client =
            RpcSecGssClient.establish(
                channel,
                GssSquare.PROGRAM,
                GssSquare.VERSION,
                GssSettings.of(TestKdc.SERVICE, realm.alice, GssService.PRIVACY))) {
      RpcClient rpc =
          RpcClient.create(
              channel,
              GssSquare.PROGRAM,
              GssSquare.VERSION,
              client
                  .callOptions()
                  .withTimeout(Duration.ofSeconds(10))
                  .withRetryInterval(Duration.ofMillis(200)));
      // The first transmission is served but its reply lost; the resent one must not be
      // dropped as its replay.
      assertThat(rpc.call(GssSquare.FIRST_UNANSWERED, XdrCodec.INT, 6, XdrCodec.INT)).isEqualTo(36);
    }
    assertThat(realm.square.unanswered.get()).isFalse();
    assertThat(realm.gss.stats().replaysDropped()).isEqualTo(replays);
  }

  @Test
  void aServerFullOfContextsRefusesMoreUntilOneIsDestroyed() {
    RpcSecGssServer small =
        RpcSecGssServer.create(GssLogin.acceptor(realm.kdc.serverKeytab()), 8, 1);
    GssSettings settings = GssSettings.of(TestKdc.SERVICE, realm.alice, GssService.INTEGRITY);
    try (RpcServer server = serve(small);
        TcpChannel channel = tcp(server)) {
      RpcSecGssClient first =
          RpcSecGssClient.establish(channel, GssSquare.PROGRAM, GssSquare.VERSION, settings);
      assertThat(small.contextCount()).isEqualTo(1);
      assertThatThrownBy(
              () ->
                  RpcSecGssClient.establish(
                      channel, GssSquare.PROGRAM, GssSquare.VERSION, settings))
          .isInstanceOf(SecurityException.class)
          .hasMessageContaining("RPCSEC_GSS context refused: GSS major d0000");
      assertThat(small.stats().failedInits()).isEqualTo(1);
      first.close();
      assertThat(small.contextCount()).isZero();
      try (RpcSecGssClient second =
          RpcSecGssClient.establish(channel, GssSquare.PROGRAM, GssSquare.VERSION, settings)) {
        assertThat(second.sequenceWindow()).isEqualTo(8);
        assertThat(small.contextCount()).isEqualTo(1);
      }
    }
  }

  @Test
  void onlyACredentialOrContextProblemIsRenewed() {
    try (TcpChannel channel = RpcChannel.tcp(realm.tcp());
        RpcSecGssClient client = establish(channel, GssService.NONE)) {
      long established = realm.gss.stats().contextsEstablished();
      assertThat(client.renewAfter(AuthStat.AUTH_TOOWEAK).join()).isFalse();
      assertThat(client.renewAfter(AuthStat.AUTH_BADCRED).join()).isFalse();
      // No call was refused with the current context: one refused with an older one goes again.
      assertThat(client.renewAfter(AuthStat.RPCSEC_GSS_CTXPROBLEM).getNow(false)).isTrue();
      assertThat(client.renewAfter(AuthStat.RPCSEC_GSS_CREDPROBLEM).getNow(false)).isTrue();
      assertThat(realm.gss.stats().contextsEstablished()).isEqualTo(established);
      client.close();
      assertThat(client.renewAfter(AuthStat.RPCSEC_GSS_CREDPROBLEM).join()).isFalse();
    }
  }

  @Test
  void eachContextHasAHandleOfItsOwn() {
    int before = realm.gss.contextCount();
    try (TcpChannel channel = RpcChannel.tcp(realm.tcp());
        RpcSecGssClient first = establish(channel, GssService.NONE);
        RpcSecGssClient second = establish(channel, GssService.NONE)) {
      assertThat(realm.gss.contextCount()).isEqualTo(before + 2);
    }
    assertThat(realm.gss.contextCount()).isEqualTo(before);
  }

  @Test
  void aClientCallsWithTheTicketsKinitLeft() throws Exception {
    realm.kdc.kinitClient();
    GssLogin cache = GssLogin.ticketCache(realm.kdc.dir().resolve("alice.ccache"));
    try (TcpChannel channel = RpcChannel.tcp(realm.tcp());
        RpcSecGssClient client =
            RpcSecGssClient.establish(
                channel,
                GssSquare.PROGRAM,
                GssSquare.VERSION,
                GssSettings.of(TestKdc.SERVICE, cache, GssService.INTEGRITY))) {
      RpcClient rpc =
          RpcClient.create(channel, GssSquare.PROGRAM, GssSquare.VERSION, client.callOptions());
      assertThat(rpc.call(GssSquare.SQUAREPROC, XdrCodec.INT, 4, XdrCodec.INT)).isEqualTo(16);
    }
  }

  @Test
  void serverLimitsAreChecked() {
    GssLogin none = GssLogin.subject(new Subject());
    assertThatThrownBy(() -> RpcSecGssServer.create(null)).hasMessage("login is null");
    assertThatThrownBy(() -> RpcSecGssServer.create(none, 0, 1))
        .hasMessage("window and maxContexts must be > 0: 0, 1");
    assertThatThrownBy(() -> RpcSecGssServer.create(none, 1, 0))
        .hasMessage("window and maxContexts must be > 0: 1, 0");
    assertThatThrownBy(() -> RpcSecGssServer.create(none))
        .isInstanceOf(SecurityException.class)
        .hasMessageStartingWith("no GSS acceptor credential");
  }

  @ParameterizedTest
  @EnumSource(GssService.class)
  void callsOverUdpWithEachService(GssService service) {
    try (UdpChannel channel = RpcChannel.udp(realm.udp());
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
      assertThat(rpc.call(GssSquare.SQUAREPROC, XdrCodec.INT, -7, XdrCodec.INT)).isEqualTo(49);
    }
  }
}
