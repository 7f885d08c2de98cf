package io.jrpcgen.gss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.client.RpcClient;
import io.jrpcgen.internal.rpc.CallHeader;
import io.jrpcgen.rpc.RpcTimeoutException;
import io.jrpcgen.server.RpcServer;
import io.jrpcgen.transport.RpcChannel;
import io.jrpcgen.transport.TcpChannel;
import io.jrpcgen.transport.UdpChannel;
import io.jrpcgen.xdr.XdrCodec;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A client made with {@link RpcSecGssClient#create}, whose first call makes the context: an
 * asynchronous call returns its future at once and the context is made off the caller's thread,
 * calls started meanwhile wait for that one context, and a blocking call makes it as {@link
 * RpcSecGssClient#establish} would. The server here holds its answers to context creation calls
 * until the test lets them go.
 */
class GssFirstContextTest extends GssRealmTest {
  private static final Duration BOUND = Duration.ofSeconds(30);

  /** The realm's RPCSEC_GSS server, whose INIT calls wait for {@link #release}. */
  private static final class HeldInits extends AroundGssServer {
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger inits = new AtomicInteger();
    final CompletableFuture<Void> initCame = new CompletableFuture<>();

    @Override
    public Verdict verify(CallHeader header, byte[] message, int credentialEnd, XdrDecoder body) {
      try {
        if (GssCred.decode(header.credential()).procedure() == GssCred.INIT) {
          inits.incrementAndGet();
          initCame.complete(null);
          release.await(BOUND.toSeconds(), TimeUnit.SECONDS);
        }
      } catch (XdrException e) {
        // The server refuses it.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return gss.verify(header, message, credentialEnd, body);
    }
  }

  private HeldInits held;
  private RpcServer server;

  @BeforeEach
  void startServer() {
    held = new HeldInits();
    server = serve(held);
  }

  @AfterEach
  void stopServer() {
    held.release.countDown();
    server.close();
  }

  private static RpcSecGssClient create(RpcChannel channel, GssService service) {
    return RpcSecGssClient.create(
        channel,
        GssSquare.PROGRAM,
        GssSquare.VERSION,
        GssSettings.of(TestKdc.SERVICE, realm.alice, service));
  }

  private static RpcClient client(RpcChannel channel, RpcSecGssClient gss, Duration timeout) {
    return RpcClient.create(
        channel, GssSquare.PROGRAM, GssSquare.VERSION, gss.callOptions().withTimeout(timeout));
  }

  /**
   * What {@code start} returns, run on a thread of its own: a caller blocked in it does not block
   * the test, which asserts how long it waits for the answer instead.
   */
  private static <T> CompletableFuture<T> onAnotherThread(Supplier<T> start) {
    CompletableFuture<T> returned = new CompletableFuture<>();
    Thread caller =
        new Thread(
            () -> {
              try {
                returned.complete(start.get());
              } catch (RuntimeException | Error e) {
                returned.completeExceptionally(e);
              }
            },
            "test caller");
    caller.setDaemon(true);
    caller.start();
    return returned;
  }

  @ParameterizedTest
  @EnumSource(GssService.class)
  void anAsyncCallReturnsItsFutureBeforeTheContextIsMade(GssService service) throws Exception {
    try (TcpChannel channel = tcp(server);
        RpcSecGssClient gss = create(channel, service)) {
      RpcClient rpc = client(channel, gss, BOUND);
      CompletableFuture<CompletableFuture<Integer>> returned =
          onAnotherThread(() -> rpc.callAsync(GssSquare.SQUAREPROC, XdrCodec.INT, 7, XdrCodec.INT));
      // The server answers no context creation yet: a caller making the context waits here.
      assertThat(returned).succeedsWithin(BOUND);
      assertThat(returned.join()).isNotDone();
      // It is made on a thread of its own, which keeps no JVM alive.
      held.initCame.get(BOUND.toSeconds(), TimeUnit.SECONDS);
      String name = "jrpcgen-gss-context " + channel.serverAddress().getHostString();
      assertThat(Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name)))
          .singleElement()
          .matches(Thread::isDaemon, "is a daemon");
      held.release.countDown();
      assertThat(returned.join().get(BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo(49);
      assertThat(held.inits).hasValue(1);
      assertThat(gss.sequenceWindow()).isEqualTo(RpcSecGssServer.DEFAULT_WINDOW);
    }
  }

  @Test
  void asyncCallsStartedTogetherWaitForOneContext() throws Exception {
    try (TcpChannel channel = tcp(server);
        RpcSecGssClient gss = create(channel, GssService.INTEGRITY)) {
      RpcClient rpc = client(channel, gss, BOUND);
      // More calls than the window: those beyond it wait for their turn, as after establish.
      int calls = RpcSecGssServer.DEFAULT_WINDOW * 2 + 10;
      CompletableFuture<List<CompletableFuture<Integer>>> returned =
          onAnotherThread(
              () -> {
                List<CompletableFuture<Integer>> results = new ArrayList<>();
                for (int i = 0; i < calls; i++) {
                  results.add(rpc.callAsync(GssSquare.SQUAREPROC, XdrCodec.INT, i, XdrCodec.INT));
                }
                return results;
              });
      assertThat(returned).succeedsWithin(BOUND);
      held.release.countDown();
      List<CompletableFuture<Integer>> results = returned.join();
      for (int i = 0; i < calls; i++) {
        assertThat(results.get(i).get(BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo(i * i);
      }
      assertThat(held.inits).hasValue(1);
      assertThat(held.gss.stats().contextsEstablished()).isEqualTo(1);
      assertThat(held.gss.stats().tooOldDropped()).isZero();
      assertThat(held.gss.stats().replaysDropped()).isZero();
    }
  }

  @Test
  void aBlockingCallMakesTheContextAndLaterCallsUseIt() {
    held.release.countDown();
    try (TcpChannel channel = tcp(server);
        RpcSecGssClient gss = create(channel, GssService.PRIVACY)) {
      String noContext = "no RPCSEC_GSS context with " + channel.serverAddress().getHostString();
      assertThatThrownBy(gss::sequenceWindow).hasMessage(noContext + " yet");
      assertThatThrownBy(() -> gss.admit(0)).hasMessage(noContext + " yet");
      RpcClient rpc = client(channel, gss, BOUND);
      assertThat(rpc.call(GssSquare.SQUAREPROC, XdrCodec.INT, 5, XdrCodec.INT)).isEqualTo(25);
      assertThat(rpc.call(GssSquare.WHO, XdrCodec.VOID, null, XdrCodec.string(256)))
          .isEqualTo(TestKdc.CLIENT_PRINCIPAL + " PRIVACY " + GssCaller.KERBEROS_V5);
      assertThat(held.inits).hasValue(1);
      assertThat(gss.sequenceWindow()).isEqualTo(RpcSecGssServer.DEFAULT_WINDOW);
    }
    assertThat(held.gss.stats().contextsDestroyed()).isEqualTo(1);
    assertThat(held.gss.contextCount()).isZero();
  }

  @Test
  void aClientClosedBeforeItsFirstCallMakesNoContextAndRefusesCalls() throws Exception {
    held.release.countDown();
    try (TcpChannel channel = tcp(server)) {
      RpcSecGssClient gss = create(channel, GssService.NONE);
      gss.close();
      gss.close();
      String closed =
          "RPCSEC_GSS context with " + channel.serverAddress().getHostString() + " is closed";
      RpcClient rpc = client(channel, gss, BOUND);
      assertThatThrownBy(
              () ->
                  rpc.callAsync(GssSquare.SQUAREPROC, XdrCodec.INT, 3, XdrCodec.INT)
                      .get(BOUND.toSeconds(), TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .hasMessage(closed);
      assertThatThrownBy(() -> rpc.call(GssSquare.SQUAREPROC, XdrCodec.INT, 3, XdrCodec.INT))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage(closed);
      assertThatThrownBy(gss::sequenceWindow).hasMessage(closed);
      assertThat(held.inits).hasValue(0);
    }
  }

  @Test
  void closingTwiceDestroysTheContextOnce() {
    held.release.countDown();
    try (TcpChannel channel = tcp(server)) {
      RpcSecGssClient gss = create(channel, GssService.NONE);
      assertThat(
              client(channel, gss, BOUND).call(GssSquare.SQUAREPROC, XdrCodec.INT, 3, XdrCodec.INT))
          .isEqualTo(9);
      gss.close();
      gss.close();
      assertThat(held.gss.stats().contextsDestroyed()).isEqualTo(1);
      assertThat(held.gss.stats().unknownContexts()).isZero();
    }
  }

  @Test
  void aClientNeedsAChannelAndSettings() {
    GssSettings settings = GssSettings.of(TestKdc.SERVICE, realm.alice, GssService.NONE);
    try (TcpChannel channel = tcp(server)) {
      for (Runnable make :
          List.<Runnable>of(
              () -> RpcSecGssClient.create(null, 1, 1, settings),
              () -> RpcSecGssClient.create(channel, 1, 1, null),
              () -> RpcSecGssClient.establish(null, 1, 1, settings),
              () -> RpcSecGssClient.establish(channel, 1, 1, null))) {
        assertThatThrownBy(make::run)
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("channel and settings must not be null");
      }
    }
  }

  @Test
  void aContextTheServerRefusesFailsTheCallsAndTheNextCallTriesAgain() throws Exception {
    held.release.countDown();
    RpcSecGssServer full =
        RpcSecGssServer.create(GssLogin.acceptor(realm.kdc.serverKeytab()), 8, 1);
    try (RpcServer small = serve(full);
        TcpChannel channel = tcp(small)) {
      RpcSecGssClient first = create(channel, GssService.NONE);
      RpcClient rpc1 = client(channel, first, BOUND);
      assertThat(rpc1.call(GssSquare.SQUAREPROC, XdrCodec.INT, 2, XdrCodec.INT)).isEqualTo(4);
      try (RpcSecGssClient second = create(channel, GssService.NONE)) {
        RpcClient rpc2 = client(channel, second, BOUND);
        CompletableFuture<Integer> refused =
            rpc2.callAsync(GssSquare.SQUAREPROC, XdrCodec.INT, 3, XdrCodec.INT);
        assertThatThrownBy(() -> refused.get(BOUND.toSeconds(), TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class)
            .cause()
            .isInstanceOf(SecurityException.class)
            .hasMessageContaining("RPCSEC_GSS context refused: GSS major d0000");
        assertThatThrownBy(() -> rpc2.call(GssSquare.SQUAREPROC, XdrCodec.INT, 3, XdrCodec.INT))
            .isInstanceOf(SecurityException.class)
            .hasMessageContaining("RPCSEC_GSS context refused: GSS major d0000");
        assertThat(full.stats().failedInits()).isEqualTo(2);
        first.close();
        assertThat(
                rpc2.callAsync(GssSquare.SQUAREPROC, XdrCodec.INT, 3, XdrCodec.INT)
                    .get(BOUND.toSeconds(), TimeUnit.SECONDS))
            .isEqualTo(9);
      }
    }
  }

  @Test
  void anAsyncCallWaitingForTheContextEndsAtItsDeadline() throws Exception {
    try (TcpChannel channel = tcp(server);
        RpcSecGssClient gss = create(channel, GssService.NONE)) {
      CompletableFuture<Integer> late =
          client(channel, gss, Duration.ofMillis(300))
              .callAsync(GssSquare.SQUAREPROC, XdrCodec.INT, 3, XdrCodec.INT);
      assertThatThrownBy(() -> late.get(BOUND.toSeconds(), TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(RpcTimeoutException.class);
      held.release.countDown();
      // The context was made all the same, for the calls that come later.
      assertThat(
              client(channel, gss, BOUND)
                  .callAsync(GssSquare.SQUAREPROC, XdrCodec.INT, 4, XdrCodec.INT)
                  .get(BOUND.toSeconds(), TimeUnit.SECONDS))
          .isEqualTo(16);
      assertThat(held.inits).hasValue(1);
    }
  }

  @Test
  void aCallCancelledWhileTheContextIsMadeIsNeverSent() throws Exception {
    try (TcpChannel channel = tcp(server);
        RpcSecGssClient gss = create(channel, GssService.NONE)) {
      RpcClient rpc = client(channel, gss, BOUND);
      int calls = realm.square.calls.get();
      CompletableFuture<Integer> cancelled =
          rpc.callAsync(GssSquare.SQUAREPROC, XdrCodec.INT, 3, XdrCodec.INT);
      assertThat(cancelled.cancel(false)).isTrue();
      held.release.countDown();
      assertThat(
              rpc.callAsync(GssSquare.SQUAREPROC, XdrCodec.INT, 5, XdrCodec.INT)
                  .get(BOUND.toSeconds(), TimeUnit.SECONDS))
          .isEqualTo(25);
      assertThat(realm.square.calls.get()).isEqualTo(calls + 1);
      // The cancelled call gave its place in the window back: every place is free.
      for (int i = 0; i < gss.sequenceWindow(); i++) {
        assertThat(gss.admit(0)).isTrue();
      }
      for (int i = 0; i < gss.sequenceWindow(); i++) {
        gss.done();
      }
    }
  }

  @Test
  void aClientClosedWhileItsContextIsMadeDestroysTheContext() throws Exception {
    try (TcpChannel channel = tcp(server)) {
      RpcSecGssClient gss = create(channel, GssService.INTEGRITY);
      CompletableFuture<Integer> pending =
          client(channel, gss, BOUND)
              .callAsync(GssSquare.SQUAREPROC, XdrCodec.INT, 3, XdrCodec.INT);
      // Closed while the server holds the context's creation: it is made, then destroyed.
      held.initCame.get(BOUND.toSeconds(), TimeUnit.SECONDS);
      gss.close();
      held.release.countDown();
      assertThatThrownBy(() -> pending.get(BOUND.toSeconds(), TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(IllegalStateException.class)
          .hasMessage(
              "RPCSEC_GSS context with " + channel.serverAddress().getHostString() + " is closed");
      assertThat(held.gss.stats().contextsEstablished()).isEqualTo(1);
      assertThat(held.gss.stats().contextsDestroyed()).isEqualTo(1);
      assertThat(held.gss.contextCount()).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(GssService.class)
  void manyAsyncCallsOverUdpMakeTheirContextFirst(GssService service) throws Exception {
    held.release.countDown();
    try (UdpChannel channel = udp(server);
        RpcSecGssClient gss = create(channel, service)) {
      GssAsyncTest.manySquares(
          RpcClient.create(
              channel,
              GssSquare.PROGRAM,
              GssSquare.VERSION,
              gss.callOptions().withTimeout(Duration.ofSeconds(60))));
      assertThat(held.inits).hasValue(1);
    }
  }
}
