package io.jrpcgen.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.client.RpcClient;
import io.jrpcgen.rpc.RpcException;
import io.jrpcgen.rpc.RpcStatus;
import io.jrpcgen.server.RpcServer;
import io.jrpcgen.xdr.XdrCodec;
import io.jrpcgen.xdr.XdrException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What both transports share: a call waits for a slot, and a failed encoding leaves nothing. */
@Timeout(60)
class CallSlotAndEncoderTest {
  private static final int HOLD = 0;

  /**
   * A TCP server squaring its argument that notes each call's XID in {@code xids}; a call of HOLD
   * counts down {@code holding}, then waits for {@code release}.
   */
  private static RpcServer holdingServer(
      CountDownLatch holding, CountDownLatch release, List<Integer> xids) {
    return RpcServer.builder()
        .program(
            Square.program(
                (call, in) -> {
                  xids.add(call.xid());
                  if (in.arg1() == HOLD) {
                    holding.countDown();
                    awaitQuietly(release);
                  }
                  return new Square.Out(in.arg1() * in.arg1());
                }))
        .bindAddress(Square.LOOPBACK)
        .tcp(0)
        .start();
  }

  /**
   * With the only call slot taken by a call the server holds, a second caller waits for a slot;
   * then it is interrupted if {@code interrupt}, or else the first call is let go. What the second
   * caller got: its result, or the RpcException and whether its interrupt status was still set.
   */
  private static Object waitForTheOnlySlot(boolean interrupt) throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch holding = new CountDownLatch(1);
    ExecutorService callers = Executors.newFixedThreadPool(2);
    try (RpcServer server = holdingServer(holding, release, new CopyOnWriteArrayList<>());
        RpcClient client =
            RpcClient.create(
                TcpChannel.connect(
                    new InetSocketAddress(Square.LOOPBACK, server.tcpPort()),
                    ChannelOptions.DEFAULTS.withMaxInFlight(1)),
                Square.PROGRAM,
                Square.VERSION)) {
      Future<Integer> holder = callers.submit(() -> Square.square(client, HOLD));
      assertThat(holding.await(20, TimeUnit.SECONDS)).isTrue();
      Thread[] waiter = new Thread[1];
      Future<Object> waiting =
          callers.submit(
              () -> {
                waiter[0] = Thread.currentThread();
                try {
                  return Square.square(client.withTimeout(Duration.ofSeconds(30)), 6);
                } catch (RpcException e) {
                  return List.of(e, Thread.interrupted());
                }
              });
      awaitWaitingForASlot(waiter);
      if (interrupt) {
        waiter[0].interrupt();
      } else {
        release.countDown();
      }
      Object outcome = waiting.get(20, TimeUnit.SECONDS);
      release.countDown();
      assertThat(holder.get(20, TimeUnit.SECONDS)).isZero();
      return outcome;
    } finally {
      release.countDown();
      callers.shutdownNow();
    }
  }

  @Test
  void aCallerWaitingForTheOnlySlotGetsItWhenTheCallHoldingItEnds() throws Exception {
    assertThat(waitForTheOnlySlot(false)).isEqualTo(36);
  }

  @Test
  void aCallerInterruptedWhileWaitingForASlotFailsAndKeepsItsInterrupt() throws Exception {
    assertThat(waitForTheOnlySlot(true))
        .asList()
        .satisfiesExactly(
            e ->
                assertThat(e)
                    .isInstanceOfSatisfying(
                        RpcException.class,
                        x -> {
                          assertThat(x.status()).isEqualTo(RpcStatus.FAILED);
                          assertThat(x)
                              .hasMessageEndingWith(
                                  "interrupted while waiting for one of 1 call slots");
                        }),
            interrupted -> assertThat(interrupted).as("interrupt status kept").isEqualTo(true));
  }

  @Test
  void callsAreNumberedFromTheFirstXidOnAndReadersAreDaemons() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    List<Integer> xids = new CopyOnWriteArrayList<>();
    try (RpcServer server = holdingServer(new CountDownLatch(1), release, xids);
        TcpChannel channel =
            TcpChannel.connect(
                new InetSocketAddress(Square.LOOPBACK, server.tcpPort()),
                ChannelOptions.DEFAULTS)) {
      RpcClient client = RpcClient.create(channel, Square.PROGRAM, Square.VERSION);
      channel.firstXid(0x1234_5678);
      assertThat(Square.square(client, 2)).isEqualTo(4);
      assertThat(channel.lastXid()).isEqualTo(0x1234_5678);
      // An asynchronous call is read for by a thread of the channel's, which must not keep the
      // JVM alive.
      java.util.concurrent.CompletableFuture<Square.Out> held =
          client.callAsync(
              Square.SQUAREPROC, Square.In.CODEC, new Square.In(HOLD), Square.Out.CODEC);
      String readerName = "jrpcgen-reader " + channel.serverAddress();
      Thread reader = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (reader == null && System.nanoTime() < deadline) {
        reader =
            Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals(readerName))
                .findFirst()
                .orElse(null);
        Thread.sleep(5);
      }
      assertThat(reader).as("the reader thread").isNotNull();
      assertThat(reader.isDaemon()).isTrue();
      release.countDown();
      assertThat(held.get(20, TimeUnit.SECONDS).res1()).isZero();
      assertThat(xids).containsExactly(0x1234_5678, 0x1234_5679);
    } finally {
      release.countDown();
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Waits (bounded) until the thread in {@code holder} is parked taking a call slot. */
  private static void awaitWaitingForASlot(Thread[] holder) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      Thread t = holder[0];
      if (t != null
          && t.getState() == Thread.State.TIMED_WAITING
          && Arrays.stream(t.getStackTrace())
              .anyMatch(f -> f.getMethodName().equals("acquireSlot"))) {
        return;
      }
      assertThat(System.nanoTime() - deadline).as("the caller waits for a slot").isNegative();
      Thread.sleep(5);
    }
  }

  @Test
  void aUdpCallWhoseArgumentsFailedToEncodeLeavesNothingForTheNextCall() {
    // Writes the argument, then fails: the encoder holds a partial call when encoding ends.
    XdrCodec<Square.In> failing =
        XdrCodec.of(
            (out, in) -> {
              out.writeInt(in.arg1());
              throw new XdrException("cannot encode " + in.arg1());
            },
            in -> new Square.In(in.readInt()));
    try (RpcServer server =
            RpcServer.builder()
                .program(Square.program())
                .bindAddress(Square.LOOPBACK)
                .udp(0)
                .start();
        RpcClient client =
            RpcClient.create(
                RpcChannel.udp(new InetSocketAddress(Square.LOOPBACK, server.udpPort())),
                Square.PROGRAM,
                Square.VERSION)) {
      assertThatThrownBy(
              () -> client.call(Square.SQUAREPROC, failing, new Square.In(7), Square.Out.CODEC))
          .isInstanceOf(RpcException.class)
          .satisfies(
              e -> assertThat(((RpcException) e).status()).isEqualTo(RpcStatus.CANT_ENCODE_ARGS));
      assertThat(Square.square(client.withTimeout(Duration.ofSeconds(5)), 5)).isEqualTo(25);
    }
  }
}
