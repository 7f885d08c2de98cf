package io.jrpcgen.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.client.RpcClient;
import io.jrpcgen.server.RpcServer;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a square call allocates in the heap on the calling thread and on the server's connection
 * thread, beyond the call's own values: the guard of the "no garbage per call" figure. Measured
 * with HotSpot's per-thread allocation counter over many calls, so a figure is an average, with no
 * timing in it.
 */
@Timeout(120)
class CallAllocationTest {
  private static final int CALLS = 20_000;
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private static long allocated(long threadId) {
    return THREADS.getThreadAllocatedBytes(threadId);
  }

  @Test
  void aTcpSquareCallAllocatesOnlyItsValuesOnEitherSide() {
    THREADS.setThreadAllocatedMemoryEnabled(true);
    AtomicLong serverThread = new AtomicLong();
    try (RpcServer server =
            RpcServer.builder()
                .program(
                    Square.program(
                        (call, in) -> {
                          serverThread.set(Thread.currentThread().getId());
                          return new Square.Out(in.arg1() * in.arg1());
                        }))
                .bindAddress(Square.LOOPBACK)
                .tcp(0)
                .start();
        RpcClient client =
            RpcClient.create(
                RpcChannel.tcp(new InetSocketAddress(Square.LOOPBACK, server.tcpPort())),
                Square.PROGRAM,
                Square.VERSION)) {
      Square.In in = new Square.In(7);
      // Warm-up: class loading, JIT, buffers grown to size.
      for (int i = 0; i < 3 * CALLS; i++) {
        assertThat(client.call(Square.SQUAREPROC, Square.In.CODEC, in, Square.Out.CODEC).res1())
            .isEqualTo(49);
      }
      long self = Thread.currentThread().getId();
      long clientBefore = allocated(self);
      long serverBefore = allocated(serverThread.get());
      for (int i = 0; i < CALLS; i++) {
        client.call(Square.SQUAREPROC, Square.In.CODEC, in, Square.Out.CODEC);
      }
      long clientPerCall = (allocated(self) - clientBefore) / CALLS;
      long serverPerCall = (allocated(serverThread.get()) - serverBefore) / CALLS;
      System.out.println(
          "per call: client " + clientPerCall + " B, server " + serverPerCall + " B");
      assertThat(clientPerCall).isLessThanOrEqualTo(0);
      assertThat(serverPerCall).isLessThanOrEqualTo(0);
    }
  }
}
