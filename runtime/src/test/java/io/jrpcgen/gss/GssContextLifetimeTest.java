package io.jrpcgen.gss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.client.RpcClient;
import io.jrpcgen.rpc.AuthStat;
import io.jrpcgen.rpc.CallOptions;
import io.jrpcgen.rpc.CallSecurity;
import io.jrpcgen.rpc.RpcAuthException;
import io.jrpcgen.server.RpcServer;
import io.jrpcgen.transport.TcpChannel;
import io.jrpcgen.xdr.XdrCodec;
import io.jrpcgen.xdr.XdrEncoder;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A server's maximum context lifetime: a context past it is refused with {@code
 * RPCSEC_GSS_CTXPROBLEM}, and the client makes a new one and sends the call again, unseen by its
 * caller. The server's clock is the test's.
 */
class GssContextLifetimeTest extends GssRealmTest {
  private static final Duration LIFETIME = Duration.ofHours(1);

  private final AtomicLong clock = new AtomicLong(1_000);

  private RpcSecGssServer server(int maxContexts, Duration lifetime) {
    return RpcSecGssServer.create(
        GssLogin.acceptor(realm.kdc.serverKeytab()), 8, maxContexts, lifetime, clock::get);
  }

  private static RpcClient client(TcpChannel channel, RpcSecGssClient gss) {
    return RpcClient.create(channel, GssSquare.PROGRAM, GssSquare.VERSION, gss.callOptions());
  }

  private static int square(RpcClient client, int n) {
    return client.call(GssSquare.SQUAREPROC, XdrCodec.INT, n, XdrCodec.INT);
  }

  @Test
  void aContextPastItsLifetimeIsRenewedWithoutTheCallerSeeingIt() {
    RpcSecGssServer gss = server(16, LIFETIME);
    try (RpcServer server = serve(gss);
        TcpChannel channel = tcp(server);
        RpcSecGssClient context = establish(channel, GssService.INTEGRITY)) {
      RpcClient client = client(channel, context);
      assertThat(square(client, 2)).isEqualTo(4);
      clock.addAndGet(LIFETIME.toNanos() - 1);
      assertThat(square(client, 3)).isEqualTo(9);
      assertThat(gss.stats().contextsEstablished()).isEqualTo(1);
      assertThat(gss.stats().contextsExpired()).isZero();

      clock.incrementAndGet();
      int callsBefore = realm.square.calls.get();
      assertThat(square(client, 4)).isEqualTo(16);
      assertThat(realm.square.calls.get()).isEqualTo(callsBefore + 1);
      assertThat(gss.stats().contextsExpired()).isEqualTo(1);
      assertThat(gss.stats().contextsEstablished()).isEqualTo(2);
      assertThat(gss.contextCount()).isEqualTo(1);
      // The new context's lifetime starts at its own creation.
      clock.addAndGet(LIFETIME.toNanos() - 1);
      assertThat(square(client, 5)).isEqualTo(25);
      assertThat(gss.stats().contextsEstablished()).isEqualTo(2);
    }
  }

  @Test
  void aCallThatMayNotBeRenewedSeesTheContextProblem() {
    RpcSecGssServer gss = server(16, LIFETIME);
    try (RpcServer server = serve(gss);
        TcpChannel channel = tcp(server);
        RpcSecGssClient context = establish(channel, GssService.NONE)) {
      clock.addAndGet(LIFETIME.toNanos());
      // A security that renews nothing sees the server's answer to the expired context.
      CallOptions once =
          CallOptions.DEFAULTS.withSecurity(
              new CallSecurity() {
                @Override
                public <A> ReplyCheck writeCall(
                    XdrEncoder out, int headerStart, XdrCodec<A> codec, A args) {
                  return context.writeCall(out, headerStart, codec, args);
                }

                @Override
                public CompletableFuture<Boolean> renewAfter(AuthStat status) {
                  return CompletableFuture.completedFuture(false);
                }
              });
      RpcClient client = RpcClient.create(channel, GssSquare.PROGRAM, GssSquare.VERSION, once);
      assertThatThrownBy(() -> square(client, 2))
          .isInstanceOfSatisfying(
              RpcAuthException.class,
              e -> assertThat(e.authStat()).isEqualTo(AuthStat.RPCSEC_GSS_CTXPROBLEM));
      assertThat(gss.stats().contextsExpired()).isEqualTo(1);
      assertThat(gss.contextCount()).isZero();
    }
  }

  @Test
  void aServerFullOfContextsDropsTheExpiredOnes() {
    RpcSecGssServer gss = server(1, LIFETIME);
    try (RpcServer server = serve(gss);
        TcpChannel channel = tcp(server)) {
      RpcSecGssClient first = establish(channel, GssService.NONE);
      assertThatThrownBy(() -> establish(channel, GssService.NONE))
          .isInstanceOf(SecurityException.class);
      clock.addAndGet(LIFETIME.toNanos());
      try (RpcSecGssClient second = establish(channel, GssService.NONE)) {
        assertThat(gss.contextCount()).isEqualTo(1);
        assertThat(square(client(channel, second), 6)).isEqualTo(36);
      }
      // Gone from the server, the first context's destruction is refused, which close ignores.
      first.close();
      assertThat(gss.stats().contextsDestroyed()).isEqualTo(1);
    }
  }

  @Test
  void aLifetimeBeyondTheClocksRangeNeverEnds() {
    RpcSecGssServer gss = server(16, ChronoUnit.FOREVER.getDuration());
    try (RpcServer server = serve(gss);
        TcpChannel channel = tcp(server);
        RpcSecGssClient context = establish(channel, GssService.NONE)) {
      clock.set(Long.MAX_VALUE);
      assertThat(square(client(channel, context), 7)).isEqualTo(49);
      assertThat(gss.stats().contextsEstablished()).isEqualTo(1);
    }
  }

  @Test
  void theLifetimeMustBePositive() {
    GssLogin login = GssLogin.acceptor(realm.kdc.serverKeytab());
    assertThatThrownBy(() -> RpcSecGssServer.create(login, 8, 8, Duration.ZERO))
        .hasMessage("maxContextLifetime <= 0: PT0S");
    assertThatThrownBy(() -> RpcSecGssServer.create(login, 8, 8, Duration.ofSeconds(-1)))
        .hasMessage("maxContextLifetime <= 0: PT-1S");
    assertThatThrownBy(() -> RpcSecGssServer.create(login, 8, 8, null))
        .hasMessage("maxContextLifetime <= 0: null");
    assertThat(RpcSecGssServer.DEFAULT_MAX_CONTEXT_LIFETIME).isEqualTo(Duration.ofHours(10));
    assertThat(RpcSecGssServer.create(login, 8, 8, Duration.ofNanos(1))).isNotNull();
  }
}
