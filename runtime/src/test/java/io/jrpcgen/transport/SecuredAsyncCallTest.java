package io.jrpcgen.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.client.RpcClient;
import io.jrpcgen.internal.rpc.CallHeader;
import io.jrpcgen.internal.rpc.RpcMessages;
import io.jrpcgen.observe.CallObserver;
import io.jrpcgen.observe.RpcCall;
import io.jrpcgen.observe.RpcListener;
import io.jrpcgen.rpc.AuthFlavor;
import io.jrpcgen.rpc.AuthStat;
import io.jrpcgen.rpc.CallOptions;
import io.jrpcgen.rpc.CallSecurity;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.rpc.RpcAuthException;
import io.jrpcgen.rpc.RpcException;
import io.jrpcgen.rpc.RpcTimeoutException;
import io.jrpcgen.server.CallAuthenticator;
import io.jrpcgen.server.RpcServer;
import io.jrpcgen.xdr.Opaque;
import io.jrpcgen.xdr.XdrCodec;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Calls protected by a {@link CallSecurity} whose server refuses every call with {@code
 * RPCSEC_GSS_CTXPROBLEM}, and whose readiness and renewal the test controls: nothing sent before
 * the security is ready, one more send after a renewal, never two, the deadline over the whole, the
 * leave given back once, whatever ends the call.
 */
class SecuredAsyncCallTest {
  private final AtomicInteger served = new AtomicInteger();
  // What the server does with the n-th call (from 1); every call is refused unless a test says.
  private volatile IntFunction<CallAuthenticator.Verdict> verdicts =
      n -> new CallAuthenticator.Deny(AuthStat.RPCSEC_GSS_CTXPROBLEM);
  private RpcServer server;
  private FakeSecurity security;

  /** Writes an RPCSEC_GSS-flavored credential and counts what the channel asks of it. */
  private static final class FakeSecurity implements CallSecurity {
    volatile CompletableFuture<?> ready = CompletableFuture.completedFuture(null);
    volatile CompletableFuture<Boolean> renewal = new CompletableFuture<>();
    // Admit waits for this, then admits unless the test says otherwise.
    volatile CompletableFuture<Boolean> admits = CompletableFuture.completedFuture(true);
    final CompletableFuture<Void> inAdmit = new CompletableFuture<>();
    final AtomicInteger renewals = new AtomicInteger();
    final AtomicInteger admitted = new AtomicInteger();
    final AtomicInteger done = new AtomicInteger();
    final List<AuthStat> refusals = new CopyOnWriteArrayList<>();

    @Override
    public <A> ReplyCheck writeCall(XdrEncoder out, int headerStart, XdrCodec<A> codec, A args) {
      RpcMessages.writeAuth(
          out, new OpaqueAuth(AuthFlavor.RPCSEC_GSS.value(), Opaque.copyOf(new byte[] {1, 2})));
      RpcMessages.writeAuth(out, OpaqueAuth.NONE);
      codec.encode(out, args);
      return new ReplyCheck() {
        @Override
        public <R> R readResults(OpaqueAuth verifier, XdrDecoder in, XdrCodec<R> resultCodec) {
          return resultCodec.decode(in);
        }

        @Override
        public void refused(AuthStat status) {
          refusals.add(status);
        }
      };
    }

    @Override
    public CompletableFuture<Boolean> renewAfter(AuthStat status) {
      renewals.incrementAndGet();
      return renewal;
    }

    @Override
    public CompletableFuture<?> ready() {
      return ready;
    }

    @Override
    public boolean admit(long timeoutNanos) {
      inAdmit.complete(null);
      boolean admit = admits.join();
      if (admit) {
        admitted.incrementAndGet();
      }
      return admit;
    }

    @Override
    public void done() {
      done.incrementAndGet();
    }
  }

  @BeforeEach
  void start() {
    security = new FakeSecurity();
    CallAuthenticator refuseAll =
        new CallAuthenticator() {
          @Override
          public int flavor() {
            return AuthFlavor.RPCSEC_GSS.value();
          }

          @Override
          public Verdict verify(
              CallHeader header, byte[] message, int credentialEnd, XdrDecoder body) {
            return verdicts.apply(served.incrementAndGet());
          }
        };
    server =
        RpcServer.builder()
            .bindAddress(Square.LOOPBACK)
            .security(refuseAll)
            .program(Square.program())
            .tcp(0)
            .udp(0)
            .start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private RpcChannel channel(boolean tcp) {
    return tcp
        ? RpcChannel.tcp(new InetSocketAddress(Square.LOOPBACK, server.tcpPort()))
        : RpcChannel.udp(new InetSocketAddress(Square.LOOPBACK, server.udpPort()));
  }

  /** The server's answer to a call: the results of squaring 3. */
  private static CallAuthenticator.Verdict nine() {
    return new CallAuthenticator.Answer(OpaqueAuth.NONE, out -> out.writeInt(9));
  }

  private CompletableFuture<Square.Out> call(RpcChannel channel, Duration timeout) {
    RpcClient client =
        RpcClient.create(
            channel,
            Square.PROGRAM,
            Square.VERSION,
            CallOptions.DEFAULTS.withSecurity(security).withTimeout(timeout));
    return client.callAsync(Square.SQUAREPROC, Square.In.CODEC, new Square.In(3), Square.Out.CODEC);
  }

  private static Throwable failureOf(CompletableFuture<?> future) throws Exception {
    try {
      future.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("the call did not fail");
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aRenewalThatNeverEndsFailsTheCallAtItsDeadline(boolean tcp) throws Exception {
    try (RpcChannel channel = channel(tcp)) {
      assertThat(failureOf(call(channel, Duration.ofMillis(300))))
          .isInstanceOf(RpcTimeoutException.class);
      assertThat(served.get()).isEqualTo(1);
      assertThat(security.refusals).containsExactly(AuthStat.RPCSEC_GSS_CTXPROBLEM);
      assertThat(security.done.get()).isEqualTo(1);
      // A renewal ending after the deadline sends nothing more.
      security.renewal.complete(true);
      assertThat(served.get()).isEqualTo(1);
      assertThat(security.done.get()).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aCallIsSentOnceMoreAfterARenewalAndNoMore(boolean tcp) throws Exception {
    security.renewal.complete(true);
    try (RpcChannel channel = channel(tcp)) {
      assertThat(failureOf(call(channel, Duration.ofSeconds(10))))
          .isInstanceOfSatisfying(
              RpcAuthException.class,
              e -> assertThat(e.authStat()).isEqualTo(AuthStat.RPCSEC_GSS_CTXPROBLEM));
      assertThat(served.get()).isEqualTo(2);
      assertThat(security.renewals.get()).isEqualTo(1);
      assertThat(security.refusals).hasSize(2);
      assertThat(security.admitted.get()).isEqualTo(1);
      assertThat(security.done.get()).isEqualTo(1);
    }
  }

  @Test
  void aCallTheSecurityWillNotRenewFailsWithItsRefusal() throws Exception {
    security.renewal.complete(false);
    try (RpcChannel channel = channel(true)) {
      assertThat(failureOf(call(channel, Duration.ofSeconds(10))))
          .isInstanceOfSatisfying(
              RpcAuthException.class,
              e -> assertThat(e.authStat()).isEqualTo(AuthStat.RPCSEC_GSS_CTXPROBLEM));
      assertThat(served.get()).isEqualTo(1);
      assertThat(security.done.get()).isEqualTo(1);
    }
  }

  @Test
  void aFailedRenewalFailsTheCallWithItsException() throws Exception {
    SecurityException kdcDown = new SecurityException("KDC unreachable");
    security.renewal.completeExceptionally(kdcDown);
    try (RpcChannel channel = channel(true)) {
      assertThat(failureOf(call(channel, Duration.ofSeconds(10)))).isSameAs(kdcDown);
      assertThat(served.get()).isEqualTo(1);
      // The blocking call throws it too.
      RpcClient blocking =
          RpcClient.create(
              channel,
              Square.PROGRAM,
              Square.VERSION,
              CallOptions.DEFAULTS.withSecurity(security).withTimeout(Duration.ofSeconds(10)));
      assertThatThrownBy(() -> Square.square(blocking, 2)).isSameAs(kdcDown);
      assertThat(security.done.get()).isEqualTo(2);
    }
  }

  @Test
  void aCancelDuringTheRenewalSendsNothingMore() throws Exception {
    try (RpcChannel channel = channel(true)) {
      CompletableFuture<Square.Out> result = call(channel, Duration.ofSeconds(10));
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (security.renewals.get() == 0 && System.nanoTime() - until < 0) {
        Thread.sleep(5);
      }
      assertThat(security.renewals.get()).isEqualTo(1);
      result.cancel(false);
      security.renewal.complete(true);
      assertThat(result).isCancelled();
      assertThat(served.get()).isEqualTo(1);
      assertThat(security.done.get()).isEqualTo(1);
    }
  }

  @Test
  void aBlockingCallWaitsForARenewalNoLongerThanItsDeadline() {
    try (RpcChannel channel = channel(true)) {
      RpcClient blocking =
          RpcClient.create(
              channel,
              Square.PROGRAM,
              Square.VERSION,
              CallOptions.DEFAULTS.withSecurity(security).withTimeout(Duration.ofMillis(300)));
      assertThatThrownBy(() -> Square.square(blocking, 2)).isInstanceOf(RpcTimeoutException.class);
      assertThat(served.get()).isEqualTo(1);
      assertThat(security.done.get()).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aCallAcceptedAfterTheRenewalEndsWithItsReply(boolean tcp) throws Exception {
    verdicts = n -> n == 1 ? new CallAuthenticator.Deny(AuthStat.RPCSEC_GSS_CTXPROBLEM) : nine();
    security.renewal.complete(true);
    try (RpcChannel channel = channel(tcp)) {
      // The leave is given back before the caller's next step runs.
      assertThat(
              call(channel, Duration.ofSeconds(10))
                  .thenApply(out -> List.of(out, security.done.get()))
                  .get(10, TimeUnit.SECONDS))
          .containsExactly(new Square.Out(9), 1);
      assertThat(served.get()).isEqualTo(2);
      assertThat(security.refusals).containsExactly(AuthStat.RPCSEC_GSS_CTXPROBLEM);
      assertThat(security.done.get()).isEqualTo(1);
    }
  }

  @Test
  void aCancelReachesTheCallOnTheWireAndFreesItsSlot() throws Exception {
    // The server never answers the first call: only the cancel frees the channel's one slot.
    verdicts = n -> n == 1 ? new CallAuthenticator.Drop("held") : nine();
    try (RpcChannel channel =
        TcpChannel.connect(
            new InetSocketAddress(Square.LOOPBACK, server.tcpPort()),
            ChannelOptions.DEFAULTS.withMaxInFlight(1))) {
      CompletableFuture<Square.Out> held = call(channel, Duration.ofSeconds(60));
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (served.get() == 0 && System.nanoTime() - until < 0) {
        Thread.sleep(5);
      }
      assertThat(served.get()).isEqualTo(1);
      // No slot comes free for a second call within its deadline: it fails, its leave given back.
      assertThat(failureOf(call(channel, Duration.ofMillis(200))))
          .isInstanceOf(RpcTimeoutException.class);
      assertThat(security.done.get()).isEqualTo(1);
      held.cancel(false);
      assertThat(security.done.get()).isEqualTo(2);
      assertThat(call(channel, Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS))
          .isEqualTo(new Square.Out(9));
      assertThat(security.done.get()).isEqualTo(3);
    }
  }

  @Test
  void aCallOnAClosedChannelThrowsAndGivesItsLeaveBack() {
    RpcChannel channel = channel(true);
    channel.close();
    assertThatThrownBy(() -> call(channel, Duration.ofSeconds(10)))
        .isInstanceOf(IllegalStateException.class);
    assertThat(security.admitted.get()).isEqualTo(1);
    assertThat(security.done.get()).isEqualTo(1);
    assertThat(served.get()).isZero();
  }

  @Test
  void aChannelClosedDuringTheRenewalFailsTheCall() throws Exception {
    RpcChannel channel = channel(true);
    CompletableFuture<Square.Out> result = call(channel, Duration.ofSeconds(10));
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (security.renewals.get() == 0 && System.nanoTime() - until < 0) {
      Thread.sleep(5);
    }
    assertThat(security.renewals.get()).isEqualTo(1);
    channel.close();
    security.renewal.complete(true);
    assertThat(failureOf(result)).isInstanceOf(IllegalStateException.class);
    assertThat(served.get()).isEqualTo(1);
    assertThat(security.done.get()).isEqualTo(1);
  }

  @Test
  void aCheckedRenewalFailureWrappedByItsFutureFailsTheCallWithAnRpcExceptionOfIt()
      throws Exception {
    IOException kdcDown = new IOException("KDC unreachable");
    security.renewal.completeExceptionally(new CompletionException(kdcDown));
    try (RpcChannel channel = channel(true)) {
      assertThat(failureOf(call(channel, Duration.ofSeconds(10))))
          .isInstanceOf(RpcException.class)
          .hasCause(kdcDown);
      assertThat(security.done.get()).isEqualTo(1);
    }
  }

  private void assertNeitherSentNorAdmitted() {
    assertThat(served.get()).isZero();
    assertThat(security.admitted.get()).isZero();
    assertThat(security.done.get()).isZero();
  }

  private RpcClient client(RpcChannel channel, Duration timeout) {
    return RpcClient.create(
        channel,
        Square.PROGRAM,
        Square.VERSION,
        CallOptions.DEFAULTS.withSecurity(security).withTimeout(timeout));
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aCallWaitsUntilTheSecurityIsReadyThenIsAdmittedSentAndRenewedOnce(boolean tcp)
      throws Exception {
    verdicts = n -> n == 1 ? new CallAuthenticator.Deny(AuthStat.RPCSEC_GSS_CTXPROBLEM) : nine();
    CompletableFuture<Void> ready = new CompletableFuture<>();
    security.ready = ready;
    security.renewal.complete(true);
    try (RpcChannel channel = channel(tcp)) {
      CompletableFuture<Square.Out> result = call(channel, Duration.ofSeconds(10));
      assertThat(result).isNotDone();
      assertNeitherSentNorAdmitted();
      ready.complete(null);
      assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo(new Square.Out(9));
      assertThat(served.get()).isEqualTo(2);
      assertThat(security.renewals.get()).isEqualTo(1);
      assertThat(security.admitted.get()).isEqualTo(1);
      assertThat(security.done.get()).isEqualTo(1);
    }
  }

  @Test
  void aSecurityThatCannotBeMadeReadyFailsTheCallsWithItsException() throws Exception {
    SecurityException kdcDown = new SecurityException("KDC unreachable");
    CompletableFuture<Void> ready = new CompletableFuture<>();
    security.ready = ready;
    try (RpcChannel channel = channel(true)) {
      CompletableFuture<Square.Out> waiting = call(channel, Duration.ofSeconds(10));
      ready.completeExceptionally(kdcDown);
      assertThat(failureOf(waiting)).isSameAs(kdcDown);
      // A call started after the failure gets it too, and so do blocking and batched calls.
      assertThat(failureOf(call(channel, Duration.ofSeconds(10)))).isSameAs(kdcDown);
      RpcClient blocking = client(channel, Duration.ofSeconds(10));
      assertThatThrownBy(() -> Square.square(blocking, 2)).isSameAs(kdcDown);
      assertThatThrownBy(
              () -> blocking.callBatched(Square.SQUAREPROC, Square.In.CODEC, new Square.In(2)))
          .isSameAs(kdcDown);
      assertNeitherSentNorAdmitted();
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aCallWaitingForTheSecurityEndsAtItsDeadline(boolean tcp) throws Exception {
    CompletableFuture<Void> ready = new CompletableFuture<>();
    security.ready = ready;
    try (RpcChannel channel = channel(tcp)) {
      assertThat(failureOf(call(channel, Duration.ofMillis(300))))
          .isInstanceOf(RpcTimeoutException.class);
      RpcClient blocking = client(channel, Duration.ofMillis(300));
      assertThatThrownBy(() -> Square.square(blocking, 2)).isInstanceOf(RpcTimeoutException.class);
      assertThatThrownBy(
              () -> blocking.callBatched(Square.SQUAREPROC, Square.In.CODEC, new Square.In(2)))
          .isInstanceOf(RpcTimeoutException.class);
      // Ready after the deadline: nothing is sent for the calls that timed out.
      ready.complete(null);
      assertNeitherSentNorAdmitted();
    }
  }

  @Test
  void aCallCancelledWhileWaitingForTheSecurityIsNeverSent() throws Exception {
    CompletableFuture<Void> ready = new CompletableFuture<>();
    security.ready = ready;
    try (RpcChannel channel = channel(true)) {
      CompletableFuture<Square.Out> result = call(channel, Duration.ofSeconds(10));
      assertThat(result.cancel(false)).isTrue();
      ready.complete(null);
      assertNeitherSentNorAdmitted();
    }
  }

  @Test
  void aCallNotAdmittedAfterWaitingForTheSecurityTimesOut() throws Exception {
    CompletableFuture<Void> ready = new CompletableFuture<>();
    security.ready = ready;
    security.admits = CompletableFuture.completedFuture(false);
    try (RpcChannel channel = channel(true)) {
      CompletableFuture<Square.Out> result = call(channel, Duration.ofSeconds(10));
      ready.complete(null);
      assertThat(failureOf(result)).isInstanceOf(RpcTimeoutException.class);
      assertThat(served.get()).isZero();
      assertThat(security.done.get()).isZero();
    }
  }

  @Test
  void aCallCancelledWhileBeingAdmittedGivesItsLeaveBack() throws Exception {
    CompletableFuture<Void> ready = new CompletableFuture<>();
    CompletableFuture<Boolean> admits = new CompletableFuture<>();
    security.ready = ready;
    security.admits = admits;
    try (RpcChannel channel = channel(true)) {
      CompletableFuture<Square.Out> result = call(channel, Duration.ofSeconds(10));
      // The thread that makes the security ready admits the call: it waits in admit.
      Thread maker = new Thread(() -> ready.complete(null), "test security maker");
      maker.start();
      security.inAdmit.get(10, TimeUnit.SECONDS);
      result.cancel(false);
      admits.complete(true);
      maker.join(10_000);
      assertThat(maker.isAlive()).isFalse();
      assertThat(security.admitted.get()).isEqualTo(1);
      assertThat(security.done.get()).isEqualTo(1);
      assertThat(served.get()).isZero();
    }
  }

  @Test
  void aChannelClosedWhileWaitingForTheSecurityFailsTheCall() throws Exception {
    CompletableFuture<Void> ready = new CompletableFuture<>();
    security.ready = ready;
    RpcChannel channel = channel(true);
    CompletableFuture<Square.Out> result = call(channel, Duration.ofSeconds(10));
    channel.close();
    ready.complete(null);
    assertThat(failureOf(result)).isInstanceOf(IllegalStateException.class);
    assertThat(served.get()).isZero();
    assertThat(security.admitted.get()).isEqualTo(1);
    assertThat(security.done.get()).isEqualTo(1);
  }

  @Test
  void aCallToAReadySecurityIsAdmittedOnItsCallersThread() throws Exception {
    verdicts = n -> nine();
    security.admits = new CompletableFuture<>();
    try (RpcChannel channel = channel(true)) {
      CompletableFuture<CompletableFuture<Square.Out>> returned = new CompletableFuture<>();
      Thread caller = new Thread(() -> returned.complete(call(channel, Duration.ofSeconds(10))));
      caller.start();
      // The caller waits for its leave, as a blocking call does.
      caller.join(200);
      assertThat(returned).isNotDone();
      security.admits.complete(true);
      assertThat(returned.get(10, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS))
          .isEqualTo(new Square.Out(9));
    }
  }

  @Test
  void aCallCancelledInFlightAfterWaitingForTheSecurityGivesItsLeaveBack() throws Exception {
    verdicts = n -> new CallAuthenticator.Drop("held");
    CompletableFuture<Void> ready = new CompletableFuture<>();
    security.ready = ready;
    try (RpcChannel channel = channel(true)) {
      CompletableFuture<Square.Out> result = call(channel, Duration.ofSeconds(30));
      ready.complete(null);
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (served.get() == 0 && System.nanoTime() - until < 0) {
        Thread.sleep(5);
      }
      assertThat(served.get()).isEqualTo(1);
      result.cancel(false);
      assertThat(security.done.get()).isEqualTo(1);
    }
  }

  /** An executor that runs its tasks only when the test says. */
  private static final class HeldExecutor implements Executor {
    final BlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();

    @Override
    public void execute(Runnable task) {
      tasks.add(task);
    }

    void runAll() {
      for (Runnable t = tasks.poll(); t != null; t = tasks.poll()) {
        t.run();
      }
    }
  }

  @Test
  void aSecurityReadyOnlyAfterTheDeadlineSendsNothing() throws Exception {
    CompletableFuture<Void> ready = new CompletableFuture<>();
    security.ready = ready;
    HeldExecutor executor = new HeldExecutor();
    try (RpcChannel channel = channel(true)) {
      CompletableFuture<Square.Out> result =
          client(channel, Duration.ofMillis(200))
              .withExecutor(executor)
              .callAsync(Square.SQUAREPROC, Square.In.CODEC, new Square.In(3), Square.Out.CODEC);
      // The deadline's timer has handed the call's end to the executor, which has not run it.
      Runnable timedOut = executor.tasks.poll(10, TimeUnit.SECONDS);
      assertThat(timedOut).isNotNull();
      assertThat(result).isNotDone();
      ready.complete(null);
      timedOut.run();
      executor.runAll();
      assertThat(failureOf(result)).isInstanceOf(RpcTimeoutException.class);
      assertNeitherSentNorAdmitted();
    }
  }

  @Test
  void aRenewalDoneOnlyAfterTheDeadlineSendsNothingMore() throws Exception {
    HeldExecutor executor = new HeldExecutor();
    try (RpcChannel channel = channel(true)) {
      CompletableFuture<Square.Out> result =
          client(channel, Duration.ofSeconds(2))
              .withExecutor(executor)
              .callAsync(Square.SQUAREPROC, Square.In.CODEC, new Square.In(3), Square.Out.CODEC);
      // The refusal's end reaches the executor first; run it so that the renewal is asked for.
      executor.tasks.poll(10, TimeUnit.SECONDS).run();
      assertThat(security.renewals.get()).isEqualTo(1);
      Runnable timedOut = executor.tasks.poll(10, TimeUnit.SECONDS);
      assertThat(timedOut).isNotNull();
      security.renewal.complete(true);
      timedOut.run();
      executor.runAll();
      assertThat(failureOf(result)).isInstanceOf(RpcTimeoutException.class);
      assertThat(served.get()).isEqualTo(1);
      assertThat(security.done.get()).isEqualTo(1);
    }
  }

  @Test
  void anExecutorThatRefusesTheEndStillEndsTheCall() throws Exception {
    SecurityException kdcDown = new SecurityException("KDC unreachable");
    security.ready = CompletableFuture.failedFuture(kdcDown);
    try (RpcChannel channel = channel(true)) {
      CompletableFuture<Square.Out> result =
          client(channel, Duration.ofSeconds(10))
              .withExecutor(
                  task -> {
                    throw new RejectedExecutionException("shut down");
                  })
              .callAsync(Square.SQUAREPROC, Square.In.CODEC, new Square.In(3), Square.Out.CODEC);
      assertThat(failureOf(result))
          .isInstanceOf(RejectedExecutionException.class)
          .hasMessage("shut down");
      assertNeitherSentNorAdmitted();
    }
  }

  @Test
  void anExecutorThatThrowsAnErrorStillEndsTheCall() throws Exception {
    security.ready = CompletableFuture.failedFuture(new SecurityException("KDC unreachable"));
    AssertionError broken = new AssertionError("the executor is broken (expected by the test)");
    try (RpcChannel channel = channel(true)) {
      CompletableFuture<Square.Out> result =
          client(channel, Duration.ofSeconds(10))
              .withExecutor(
                  task -> {
                    throw broken;
                  })
              .callAsync(Square.SQUAREPROC, Square.In.CODEC, new Square.In(3), Square.Out.CODEC);
      assertThat(failureOf(result)).isSameAs(broken);
      assertNeitherSentNorAdmitted();
    }
  }

  /** Arguments whose codec throws {@code bug}, as one may on a deeply nested value. */
  private static XdrCodec<Square.In> throwing(Error bug) {
    return XdrCodec.of(
        (out, in) -> {
          throw bug;
        },
        in -> null);
  }

  @Test
  void anArgumentsCodecThatThrowsAnErrorThrowsItAndGivesTheLeaveBack() throws Exception {
    AssertionError bug = new AssertionError("cannot encode (expected by the test)");
    try (RpcChannel channel = channel(true)) {
      RpcClient client = client(channel, Duration.ofSeconds(10));
      assertThatThrownBy(
              () ->
                  client.callAsync(
                      Square.SQUAREPROC, throwing(bug), new Square.In(3), Square.Out.CODEC))
          .isSameAs(bug);
      assertThat(security.admitted.get()).isEqualTo(1);
      assertThat(security.done.get()).isEqualTo(1);
      assertThat(served.get()).isZero();
    }
  }

  @Test
  void anArgumentsCodecThatThrowsAnErrorOnceTheSecurityIsReadyEndsTheCallWithIt() throws Exception {
    AssertionError bug = new AssertionError("cannot encode (expected by the test)");
    CompletableFuture<Void> ready = new CompletableFuture<>();
    security.ready = ready;
    try (RpcChannel channel = channel(true)) {
      CompletableFuture<Square.Out> result =
          client(channel, Duration.ofSeconds(10))
              .callAsync(Square.SQUAREPROC, throwing(bug), new Square.In(3), Square.Out.CODEC);
      // Sent by the thread that makes the security ready: the Error is the call's, not its.
      ready.complete(null);
      assertThat(failureOf(result)).isSameAs(bug);
      assertThat(security.done.get()).isEqualTo(1);
      assertThat(served.get()).isZero();
    }
  }

  @Test
  void aListenerThatThrowsAnErrorAsTheCallEndsLeavesTheResultToEnd() throws Exception {
    verdicts = n -> nine();
    AssertionError bug = new AssertionError("the listener failed (expected by the test)");
    RpcListener throwing =
        new RpcListener() {
          @Override
          public CallObserver callStarted(RpcCall call) {
            return (c, end) -> {
              throw bug;
            };
          }
        };
    try (RpcChannel channel =
        TcpChannel.connect(
            new InetSocketAddress(Square.LOOPBACK, server.tcpPort()),
            ChannelOptions.DEFAULTS.withListener(throwing))) {
      assertThat(call(channel, Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS))
          .isEqualTo(new Square.Out(9));
      assertThat(security.done.get()).isEqualTo(1);
    }
  }
}
