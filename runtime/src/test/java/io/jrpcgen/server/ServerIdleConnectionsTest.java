package io.jrpcgen.server;

import static io.jrpcgen.server.RawWire.call;
import static io.jrpcgen.server.RawWire.record;
import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.internal.rpc.Reply;
import io.jrpcgen.rpc.OpaqueAuth;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Many idle connections in a small heap, in a JVM of its own: they cost little, the connection
 * limit refuses the surplus before memory runs out, and busy callers are answered throughout. (The
 * benchmarks module runs the full case: 10,000 connections in 512 MiB.)
 */
class ServerIdleConnectionsTest {
  private static final int IDLE = 1_500;
  private static final int BUSY = 8;

  @Test
  void idleConnectionsCostLittleAndTheSurplusIsRefused() throws Exception {
    List<Socket> idle = new ArrayList<>();
    List<Thread> callers = new ArrayList<>();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger answered = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    // The default limit allows 32 KiB of heap per connection: 1,280 in 40 MiB.
    try (ChildJvm child = ChildJvm.start(List.of(), List.of("-Xmx40m"))) {
      try {
        for (int i = 0; i < BUSY; i++) {
          Socket s = new Socket();
          idle.add(s);
          s.connect(child.tcp(), 10_000);
          s.setSoTimeout(10_000);
          int caller = i;
          Thread t =
              new Thread(
                  () -> {
                    try {
                      for (int xid = caller << 20; !stop.get(); xid++) {
                        nullCall(s, xid);
                        answered.incrementAndGet();
                      }
                    } catch (IOException | RuntimeException | AssertionError e) {
                      failure.compareAndSet(null, e);
                    }
                  });
          t.start();
          callers.add(t);
        }
        List<SocketChannel> opened = new ArrayList<>();
        for (int i = 0; i < IDLE; i++) {
          SocketChannel c = SocketChannel.open(child.tcp());
          opened.add(c);
          idle.add(c.socket());
        }
        // The server accepts (or refuses) what waits in its backlog at its own pace: until the
        // count of refusals settles.
        List<SocketChannel> open = openOnes(opened);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (int before = -1;
            (open.size() == IDLE || open.size() != before) && System.nanoTime() < deadline; ) {
          before = open.size();
          Thread.sleep(1_000);
          open = openOnes(opened);
        }
        List<Socket> kept = new ArrayList<>();
        for (SocketChannel c : open) {
          c.configureBlocking(true);
          kept.add(c.socket());
        }
        assertThat(kept.size()).as("idle connections served").isBetween(1_000, IDLE - 1);
        stop.set(true);
        for (Thread t : callers) {
          t.join(20_000);
        }
        assertThat(failure.get()).as("a busy caller's failure").isNull();
        assertThat(answered.get()).isPositive();
        // Every idle connection the server kept still answers.
        int xid = 1;
        for (Socket s : kept) {
          s.setSoTimeout(10_000);
          nullCall(s, xid++);
        }
        assertThat(child.stderr()).doesNotContain("OutOfMemoryError").contains("refusing");
      } finally {
        stop.set(true);
        for (Socket s : idle) {
          s.close();
        }
      }
    }
  }

  private static List<SocketChannel> openOnes(List<SocketChannel> channels) throws IOException {
    List<SocketChannel> open = new ArrayList<>();
    for (SocketChannel c : channels) {
      if (stillOpen(c)) {
        open.add(c);
      }
    }
    return open;
  }

  /** Whether the server left {@code c} open: nothing to read, not even the end of stream. */
  private static boolean stillOpen(SocketChannel c) throws IOException {
    c.configureBlocking(false);
    try {
      return c.read(ByteBuffer.allocate(1)) == 0;
    } catch (IOException e) {
      // Reset: refused too.
      return false;
    }
  }

  private static void nullCall(Socket s, int xid) throws IOException {
    RawWire.send(s, record(call(xid, TestProgram.PROGRAM, TestProgram.V2, 0)));
    RawWire.assertReply(RawWire.readRecord(s), new Reply.Success(xid, OpaqueAuth.NONE));
  }
}
