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

  @Test
  void aCallerWaitingForTheOnlySlotGetsItWhenTheCallHoldingItEnds() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch holding = new CountDownLatch(1);
    ExecutorService callers = Executors.newFixedThreadPool(2);
    try (RpcServer server =
            RpcServer.builder()
                .program(
                    Square.program(
                        (call, in) -> {
                          if (in.arg1() == HOLD) {
                            holding.countDown();
                            awaitQuietly(release);
                          }
                          return new Square.Out(in.arg1() * in.arg1());
                        }))
                .bindAddress(Square.LOOPBACK)
                .tcp(0)
                .start();
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
      Future<Integer> waiting =
          callers.submit(
              () -> {
                waiter[0] = Thread.currentThread();
                return Square.square(client.withTimeout(Duration.ofSeconds(30)), 6);
              });
      awaitWaitingForASlot(waiter);
      release.countDown();
      assertThat(holder.get(20, TimeUnit.SECONDS)).isZero();
      assertThat(waiting.get(20, TimeUnit.SECONDS)).isEqualTo(36);
    } finally {
      release.countDown();
      callers.shutdownNow();
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
