package io.jrpcgen.transport;

import static io.jrpcgen.transport.AsyncCallTest.HOLD;
import static io.jrpcgen.transport.AsyncCallTest.await;
import static io.jrpcgen.transport.AsyncCallTest.server;
import static io.jrpcgen.transport.AsyncCallTest.square;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.client.RpcClient;
import io.jrpcgen.server.RpcServer;
import io.jrpcgen.xdr.XdrCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An {@link Error} from a caller's result codec, callback or executor (a stack overflow on a deeply
 * nested value, memory for a large one, an assertion) ends that call, and the connection goes on
 * serving its other calls, even when the completion runs on its reader thread.
 */
@Timeout(60)
class CompletionErrorTest {
  /** What the caller's code throws in these tests: an Error, which nothing catches by chance. */
  private static final class CallerBug extends Error {
    CallerBug() {
      super("the caller's code failed (expected by the test)");
    }
  }

  private final CallerBug bug = new CallerBug();

  /** A client of {@code server} over TCP whose calls time out in 5 s, not 25. */
  private static RpcClient tcp(RpcServer server, ChannelOptions options) {
    return AsyncCallTest.tcp(server, options).withTimeout(Duration.ofSeconds(5));
  }

  /** A result codec that, once {@code release} is counted down, throws {@link #bug}. */
  private XdrCodec<Square.Out> throwingAfter(CountDownLatch decoding, CountDownLatch release) {
    return XdrCodec.of(
        (out, v) -> {},
        in -> {
          decoding.countDown();
          await(release);
          throw bug;
        });
  }

  /** An asynchronous call squaring 2, whose results {@code codec} decodes. */
  private static CompletableFuture<Square.Out> squareWith(
      RpcClient client, XdrCodec<Square.Out> codec) {
    return client.callAsync(Square.SQUAREPROC, Square.In.CODEC, new Square.In(2), codec);
  }

  /** How {@code future} ended, within 10 s: its failure, or null for a value. */
  private static Throwable failureOf(CompletableFuture<?> future) throws Exception {
    return future.handle((v, e) -> e).get(10, TimeUnit.SECONDS);
  }

  @Test
  void anAsyncCallWhoseCodecThrowsAnErrorEndsWithItAndGivesItsSlotBack() throws Exception {
    try (RpcServer server = server(new CountDownLatch(0), new AtomicInteger());
        RpcClient client = tcp(server, ChannelOptions.DEFAULTS.withMaxInFlight(1))) {
      CompletableFuture<Square.Out> call =
          squareWith(client, throwingAfter(new CountDownLatch(1), new CountDownLatch(0)));
      // The reply was taken from the reader: neither it nor the deadline ends the call any more.
      assertThat(failureOf(call)).isSameAs(bug);
      // The only slot is free again.
      assertThat(square(client, 3).get(10, TimeUnit.SECONDS).res1()).isEqualTo(9);
    }
  }

  @Test
  void withADirectExecutorACodecErrorLeavesTheReaderServingTheConnectionsOtherCalls()
      throws Exception {
    try (RpcServer server = server(new CountDownLatch(0), new AtomicInteger());
        RpcClient client = tcp(server, ChannelOptions.DEFAULTS).withExecutor(Runnable::run)) {
      CountDownLatch decoding = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      CompletableFuture<Square.Out> bad = squareWith(client, throwingAfter(decoding, release));
      // The codec runs on the connection's reader thread: another call goes out meanwhile.
      assertThat(decoding.await(10, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<Square.Out> inFlight = square(client, 4);
      release.countDown();

      assertThat(failureOf(bad)).isSameAs(bug);
      assertThat(inFlight.get(10, TimeUnit.SECONDS).res1()).isEqualTo(16);
      assertThat(square(client, 5).get(10, TimeUnit.SECONDS).res1()).isEqualTo(25);
      assertThat(server.connectionCount()).isEqualTo(1);
    }
  }

  @Test
  void aCallbackThatThrowsAnErrorOnTheReaderThreadLeavesItServing() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger received = new AtomicInteger();
    try (RpcServer server = server(release, received);
        RpcClient client = tcp(server, ChannelOptions.DEFAULTS).withExecutor(Runnable::run)) {
      CompletableFuture<Square.Out> held = square(client, HOLD);
      CompletableFuture<Square.Out> callback =
          held.whenComplete(
              (v, e) -> {
                throw bug;
              });
      CompletableFuture<Void> action =
          held.thenAccept(
              v -> {
                throw bug;
              });
      // Attached before the reply: they run on the reader thread, as the completion does.
      assertThat(held).isNotDone();
      release.countDown();

      assertThat(held.get(10, TimeUnit.SECONDS).res1()).isZero();
      // CompletableFuture ends the dependent stages with what their actions threw.
      assertThat(failureOf(callback)).hasRootCause(bug);
      assertThat(failureOf(action)).hasRootCause(bug);
      assertThat(square(client, 6).get(10, TimeUnit.SECONDS).res1()).isEqualTo(36);
    } finally {
      release.countDown();
    }
  }

  @Test
  void anArgumentsCodecThatThrowsAnErrorThrowsItAndGivesTheSlotBack() throws Exception {
    try (RpcServer server = server(new CountDownLatch(0), new AtomicInteger());
        RpcClient client = tcp(server, ChannelOptions.DEFAULTS.withMaxInFlight(1))) {
      XdrCodec<Square.In> throwing =
          XdrCodec.of(
              (out, in) -> {
                throw bug;
              },
              in -> null);
      // As an unchecked exception of the caller's codec is: thrown to the caller.
      assertThatThrownBy(
              () ->
                  client.callAsync(Square.SQUAREPROC, throwing, new Square.In(2), Square.Out.CODEC))
          .isSameAs(bug);
      // The only slot is free again.
      assertThat(square(client, 3).get(10, TimeUnit.SECONDS).res1()).isEqualTo(9);
    }
  }

  @Test
  void anExecutorThatThrowsAnErrorEndsTheFutureWithItAndTheConnectionServesOn() throws Exception {
    try (RpcServer server = server(new CountDownLatch(0), new AtomicInteger());
        RpcClient client = tcp(server, ChannelOptions.DEFAULTS.withMaxInFlight(1))) {
      CompletableFuture<Square.Out> call =
          square(
              client.withExecutor(
                  task -> {
                    throw bug;
                  }),
              2);
      assertThat(failureOf(call)).isSameAs(bug);
      assertThat(square(client, 3).get(10, TimeUnit.SECONDS).res1()).isEqualTo(9);
    }
  }

  @Test
  void aBlockingCallWhoseCodecThrowsAnErrorLeavesOtherThreadsCallsServed() throws Exception {
    AtomicInteger received = new AtomicInteger();
    ExecutorService callers = Executors.newFixedThreadPool(3);
    try (RpcServer server = server(new CountDownLatch(0), received);
        RpcClient client = tcp(server, ChannelOptions.DEFAULTS)) {
      CountDownLatch decoding = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      Future<Square.Out> bad =
          callers.submit(
              () ->
                  client.call(
                      Square.SQUAREPROC,
                      Square.In.CODEC,
                      new Square.In(2),
                      throwingAfter(decoding, release)));
      assertThat(decoding.await(10, TimeUnit.SECONDS)).isTrue();
      // Two more threads' calls wait on the connection while the first one's codec runs.
      List<Future<Integer>> others = new ArrayList<>();
      for (int n = 3; n <= 4; n++) {
        int arg = n;
        others.add(callers.submit(() -> Square.square(client, arg)));
      }
      while (received.get() < 3) {
        Thread.sleep(10);
      }
      release.countDown();

      assertThatThrownBy(() -> bad.get(10, TimeUnit.SECONDS)).hasCause(bug);
      assertThat(others.get(0).get(10, TimeUnit.SECONDS)).isEqualTo(9);
      assertThat(others.get(1).get(10, TimeUnit.SECONDS)).isEqualTo(16);
      assertThat(square(client, 5).get(10, TimeUnit.SECONDS).res1()).isEqualTo(25);
    } finally {
      callers.shutdownNow();
    }
  }
}
