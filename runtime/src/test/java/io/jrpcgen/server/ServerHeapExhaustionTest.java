package io.jrpcgen.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Connections that arrive while the server's heap is full, in a JVM of its own: none of them may be
 * left open for ever, and service comes back once memory is free. The JDK's accept allocates after
 * the kernel handed the connection over and before anything owns its descriptor, so an accept that
 * runs out of memory leaks the socket (it stays in CLOSE-WAIT once the client goes). The server
 * must not accept while memory is short.
 */
class ServerHeapExhaustionTest {
  private static final Path PROC_TCP = Path.of("/proc/net/tcp");
  // The kernel's number for CLOSE-WAIT in /proc/net/tcp.
  private static final String CLOSE_WAIT = "08";
  private static final List<String> SMALL_HEAP = List.of("-Xmx24m", "-XX:+UseSerialGC");

  @Test
  void connectionsArrivingWhileTheHeapIsFullAreNeverLeftInCloseWait() throws Exception {
    Assumptions.assumeTrue(Files.isReadable(PROC_TCP), "needs /proc/net/tcp (Linux)");
    try (ChildJvm child =
            ChildJvm.start(List.of(), SMALL_HEAP, "--hog", "--max-connections", "100000");
        Socket hogger = child.connect()) {
      // As on any server that has served: the JDK's socket classes are loaded and initialized.
      assertThat(child.nullCall(10)).as("served before the heap is full").isTrue();
      for (int round = 0; round < 2; round++) {
        child.hog(hogger, 0x4040 + round, 2_000);
        // Connections that arrive while the heap is full, each with a call, then gone.
        child.connectWithCalls(20, 50, 1_500);
        assertThat(child.nullCall(20)).as(child.diagnosed("TCP served again")).isTrue();
      }
      // Every connection the server took is closed once its client went: none waits for ever.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      int leaked = closeWaiting(child.tcpPort);
      while (leaked > 0 && System.nanoTime() < deadline) {
        Thread.sleep(200);
        leaked = closeWaiting(child.tcpPort);
      }
      assertThat(leaked)
          .as(child.diagnosed("the server's connections left in CLOSE-WAIT"))
          .isZero();
    }
  }

  @Test
  void aServerWhoseFirstWaitForACallIsWhileTheHeapIsFullServesOnceItIsFree() throws Exception {
    // On Java 21+ the JDK sets up the pollers of virtual threads that wait for sockets the first
    // time one waits: here while the heap is full, unless the server did it at start.
    byte[] hogCall = ChildJvm.hogCall(0x4040, 2_000);
    try (ChildJvm child =
            ChildJvm.start(List.of(), SMALL_HEAP, "--hog", "--max-connections", "100000");
        Socket hogger = child.connect()) {
      // The call follows the connection at once: its thread finds it without waiting.
      child.hog(hogger, hogCall);
      child.connectWithCalls(20, 50, 1_500);
      assertThat(child.nullCall(20)).as(child.diagnosed("TCP served again")).isTrue();
    }
  }

  /** The TCP sockets with local port {@code port} in CLOSE-WAIT, from /proc/net/tcp. */
  private static int closeWaiting(int port) throws IOException {
    String local = String.format(Locale.ROOT, ":%04X", port);
    int count = 0;
    for (String line : Files.readAllLines(PROC_TCP)) {
      String[] fields = line.trim().split("\\s+");
      if (fields.length > 3 && fields[1].endsWith(local) && fields[3].equals(CLOSE_WAIT)) {
        count++;
      }
    }
    return count;
  }
}
