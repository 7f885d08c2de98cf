package io.jrpcgen.gss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.client.RpcClient;
import io.jrpcgen.rpc.AuthStat;
import io.jrpcgen.rpc.CallOptions;
import io.jrpcgen.rpc.CallSecurity;
import io.jrpcgen.server.RpcServer;
import io.jrpcgen.transport.RpcChannel;
import io.jrpcgen.transport.TcpChannel;
import io.jrpcgen.transport.UdpChannel;
import io.jrpcgen.xdr.XdrCodec;
import io.jrpcgen.xdr.XdrEncoder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Asynchronous RPCSEC_GSS calls between the Java client and the Java server. */
class GssAsyncTest extends GssRealmTest {
  private static final int CALLS = 300;

  private static RpcClient client(RpcChannel channel, CallOptions options) {
    return RpcClient.create(channel, GssSquare.PROGRAM, GssSquare.VERSION, options);
  }

  /** Makes a context with {@code service} on {@code channel}, then {@link #manySquares} with it. */
  static void manySquares(RpcChannel channel, GssService service) throws Exception {
    try (RpcSecGssClient gss = establish(channel, service)) {
      manySquares(
          client(
              channel,
              gss.callOptions()
                  .withTimeout(Duration.ofSeconds(60))
                  .withRetryInterval(Duration.ofSeconds(2))));
    }
  }

  /** Starts {@link #CALLS} calls at once and checks every result. */
  static void manySquares(RpcClient rpc) throws Exception {
    List<CompletableFuture<Integer>> results = new ArrayList<>();
    for (int i = 0; i < CALLS; i++) {
      results.add(rpc.callAsync(GssSquare.SQUAREPROC, XdrCodec.INT, i, XdrCodec.INT));
    }
    for (int i = 0; i < CALLS; i++) {
      assertThat(results.get(i).get(60, TimeUnit.SECONDS)).isEqualTo(i * i);
    }
  }

  @ParameterizedTest
  @EnumSource(GssService.class)
  void manyAsyncCallsOverTcp(GssService service) throws Exception {
    GssServerStats before = realm.gss.stats();
    try (TcpChannel channel = RpcChannel.tcp(realm.tcp());
        RpcSecGssClient gss = establish(channel, service)) {
      RpcClient rpc = client(channel, gss.callOptions().withTimeout(Duration.ofSeconds(60)));
      manySquares(rpc);
      // Results that krb5i and krb5p protect: big enough to be held by reference.
      var big = GssSquare.bytes(200_000);
      assertThat(
              rpc.callAsync(
                      GssSquare.ECHO,
                      XdrCodec.opaque(Integer.MAX_VALUE),
                      big,
                      XdrCodec.opaque(Integer.MAX_VALUE))
                  .get(60, TimeUnit.SECONDS))
          .isEqualTo(big);
      assertThat(
              rpc.callAsync(GssSquare.WHO, XdrCodec.VOID, null, XdrCodec.string(256))
                  .get(60, TimeUnit.SECONDS))
          .isEqualTo(TestKdc.CLIENT_PRINCIPAL + " " + service + " " + GssCaller.KERBEROS_V5);
    }
    GssServerStats after = realm.gss.stats();
    assertThat(after.tooOldDropped()).isEqualTo(before.tooOldDropped());
    assertThat(after.replaysDropped()).isEqualTo(before.replaysDropped());
    assertThat(after.badBodies()).isEqualTo(before.badBodies());
  }

  @ParameterizedTest
  @EnumSource(GssService.class)
  void manyAsyncCallsOverUdp(GssService service) throws Exception {
    try (UdpChannel channel = RpcChannel.udp(realm.udp())) {
      manySquares(channel, service);
    }
  }

  @Test
  void anAsyncCallResentOverUdpHasASequenceNumberOfItsOwn() throws Exception {
    long replays = realm.gss.stats().replaysDropped();
    realm.square.unanswered.set(true);
    try (UdpChannel channel = RpcChannel.udp(realm.udp());
        RpcSecGssClient gss = establish(channel, GssService.PRIVACY)) {
      RpcClient rpc =
          client(
              channel,
              gss.callOptions()
                  .withTimeout(Duration.ofSeconds(10))
                  .withRetryInterval(Duration.ofMillis(200)));
      assertThat(
              rpc.callAsync(GssSquare.FIRST_UNANSWERED, XdrCodec.INT, 6, XdrCodec.INT)
                  .get(20, TimeUnit.SECONDS))
          .isEqualTo(36);
    }
    assertThat(realm.square.unanswered.get()).isFalse();
    assertThat(realm.gss.stats().replaysDropped()).isEqualTo(replays);
  }

  /** Destroys {@code gss}'s context on the server behind its back, as a server restart loses it. */
  private static void forget(RpcChannel channel, RpcSecGssClient gss) {
    CallSecurity destroy =
        new CallSecurity() {
          @Override
          public <A> ReplyCheck writeCall(
              XdrEncoder out, int headerStart, XdrCodec<A> codec, A args) {
            return gss.writeCall(GssCred.DESTROY, out, headerStart, codec, args);
          }

          @Override
          public CompletableFuture<Boolean> renewAfter(AuthStat status) {
            return CompletableFuture.completedFuture(false);
          }
        };
    channel.call(
        GssSquare.PROGRAM,
        GssSquare.VERSION,
        0,
        CallOptions.DEFAULTS.withSecurity(destroy),
        XdrCodec.VOID,
        null,
        XdrCodec.VOID);
  }

  @ParameterizedTest
  @EnumSource(GssService.class)
  void asyncCallsRefusedTogetherShareOneNewContext(GssService service) throws Exception {
    try (TcpChannel channel = RpcChannel.tcp(realm.tcp());
        RpcSecGssClient gss = establish(channel, service)) {
      RpcClient rpc = client(channel, gss.callOptions().withTimeout(Duration.ofSeconds(30)));
      forget(channel, gss);
      long established = realm.gss.stats().contextsEstablished();
      long unknown = realm.gss.stats().unknownContexts();
      manySquares(rpc);
      assertThat(realm.gss.stats().unknownContexts()).isGreaterThan(unknown);
      assertThat(realm.gss.stats().contextsEstablished()).isEqualTo(established + 1);
    }
  }

  @Test
  void asyncCallsRefusedOverUdpAreSentAgainWithTheNewContext() throws Exception {
    try (UdpChannel channel = RpcChannel.udp(realm.udp());
        RpcSecGssClient gss = establish(channel, GssService.INTEGRITY)) {
      RpcClient rpc = client(channel, gss.callOptions().withTimeout(Duration.ofSeconds(30)));
      forget(channel, gss);
      long established = realm.gss.stats().contextsEstablished();
      manySquares(rpc);
      assertThat(realm.gss.stats().contextsEstablished()).isEqualTo(established + 1);
    }
  }

  @Test
  void aContextLostTwiceIsMadeAgainTwice() throws Exception {
    try (TcpChannel channel = RpcChannel.tcp(realm.tcp());
        RpcSecGssClient gss = establish(channel, GssService.INTEGRITY)) {
      RpcClient rpc = client(channel, gss.callOptions().withTimeout(Duration.ofSeconds(30)));
      long established = realm.gss.stats().contextsEstablished();
      for (int n = 2; n < 4; n++) {
        forget(channel, gss);
        assertThat(
                rpc.callAsync(GssSquare.SQUAREPROC, XdrCodec.INT, n, XdrCodec.INT)
                    .get(30, TimeUnit.SECONDS))
            .isEqualTo(n * n);
      }
      assertThat(realm.gss.stats().contextsEstablished()).isEqualTo(established + 2);
    }
  }

  @Test
  void aRenewalThatFailedIsTriedAgainByTheNextRefusedCall() throws Exception {
    RpcSecGssServer oneContext =
        RpcSecGssServer.create(GssLogin.acceptor(realm.kdc.serverKeytab()), 8, 1);
    GssSettings settings = GssSettings.of(TestKdc.SERVICE, realm.alice, GssService.INTEGRITY);
    try (RpcServer server = serve(oneContext);
        TcpChannel channel = tcp(server);
        RpcSecGssClient gss =
            RpcSecGssClient.establish(channel, GssSquare.PROGRAM, GssSquare.VERSION, settings)) {
      RpcClient rpc = client(channel, gss.callOptions().withTimeout(Duration.ofSeconds(30)));
      forget(channel, gss);
      RpcSecGssClient other =
          RpcSecGssClient.establish(channel, GssSquare.PROGRAM, GssSquare.VERSION, settings);
      // The server has no room for the renewal: the call fails with its refusal.
      assertThatThrownBy(
              () ->
                  rpc.callAsync(GssSquare.SQUAREPROC, XdrCodec.INT, 2, XdrCodec.INT)
                      .get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(SecurityException.class)
          .hasMessageContaining("RPCSEC_GSS context refused");
      other.close();
      // Room again: the next call refused with the lost context renews it and succeeds.
      assertThat(rpc.call(GssSquare.SQUAREPROC, XdrCodec.INT, 3, XdrCodec.INT)).isEqualTo(9);
      assertThat(oneContext.stats().failedInits()).isEqualTo(1);
      assertThat(oneContext.stats().contextsEstablished()).isEqualTo(3);
    }
  }

  @Test
  void blockingCallsRefusedTogetherShareOneNewContext() throws Exception {
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (TcpChannel channel = RpcChannel.tcp(realm.tcp());
        RpcSecGssClient gss = establish(channel, GssService.NONE)) {
      RpcClient rpc = client(channel, gss.callOptions().withTimeout(Duration.ofSeconds(30)));
      forget(channel, gss);
      long established = realm.gss.stats().contextsEstablished();
      CyclicBarrier together = new CyclicBarrier(threads);
      List<Future<Integer>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        int n = i;
        results.add(
            pool.submit(
                () -> {
                  together.await(10, TimeUnit.SECONDS);
                  return rpc.call(GssSquare.SQUAREPROC, XdrCodec.INT, n, XdrCodec.INT);
                }));
      }
      for (int i = 0; i < threads; i++) {
        assertThat(results.get(i).get(30, TimeUnit.SECONDS)).isEqualTo(i * i);
      }
      assertThat(realm.gss.stats().contextsEstablished()).isEqualTo(established + 1);
    } finally {
      pool.shutdownNow();
    }
  }
}
