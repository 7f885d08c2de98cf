package io.jrpcgen.server;

import static io.jrpcgen.server.RawWire.call;
import static io.jrpcgen.server.RawWire.record;
import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.internal.rpc.Reply;
import io.jrpcgen.rpc.OpaqueAuth;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

/**
 * Connections that arrive while the server's heap is full, in a JVM of its own: none of them may be
 * left open for ever. The JDK's accept allocates after the kernel handed the connection over and
 * before anything owns its descriptor, so an accept that runs out of memory leaks the socket (it
 * stays in CLOSE-WAIT once the client goes). The server must not accept while memory is short.
 */
class ServerHeapExhaustionTest {
  private static final byte[] NULL_CALL =
      record(call(0x5151, TestProgram.PROGRAM, TestProgram.V2, 0));
  private static final Path PROC_TCP = Path.of("/proc/net/tcp");
  // The kernel's number for CLOSE-WAIT in /proc/net/tcp.
  private static final String CLOSE_WAIT = "08";

  @Test
  // Quarantined on virtual threads: in one clean-clone CI run on Temurin 25 the child served no
  // TCP for 20 s after a round (stderr showed nothing); the cause is not found yet (issue 12),
  // and the messages below now carry the child's threads for the next look.
  @DisabledForJreRange(min = JRE.JAVA_21)
  void connectionsArrivingWhileTheHeapIsFullAreNeverLeftInCloseWait() throws Exception {
    Assumptions.assumeTrue(Files.isReadable(PROC_TCP), "needs /proc/net/tcp (Linux)");
    try (ChildJvm child =
            ChildJvm.start(
                List.of(),
                List.of("-Xmx24m", "-XX:+UseSerialGC"),
                "--hog",
                "--max-connections",
                "100000");
        Socket hogger = connect(child.tcp())) {
      // As on any server that has served: the JDK's socket classes are loaded and initialized.
      assertThat(nullCall(child.tcp(), 10)).as("served before the heap is full").isTrue();
      for (int round = 0; round < 2; round++) {
        hogger
            .getOutputStream()
            .write(
                record(
                    call(
                        0x4040 + round,
                        ChildServer.HOG_PROGRAM,
                        1,
                        ChildServer.HOG,
                        out -> out.writeInt(2_000))));
        child.awaitLine("hogging");
        // Connections that arrive while the heap is full, each with a call, then gone.
        List<Socket> during = new ArrayList<>();
        try {
          for (int i = 0; i < 20; i++) {
            Socket s = connect(child.tcp());
            during.add(s);
            s.getOutputStream().write(NULL_CALL);
            Thread.sleep(50);
          }
          Thread.sleep(1_500);
        } finally {
          for (Socket s : during) {
            s.close();
          }
        }
        assertThat(nullCall(child.tcp(), 20))
            .as("TCP served again; %s", child.diagnostics())
            .isTrue();
      }
      // Every connection the server took is closed once its client went: none waits for ever.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      int leaked = closeWaiting(child.tcpPort);
      while (leaked > 0 && System.nanoTime() < deadline) {
        Thread.sleep(200);
        leaked = closeWaiting(child.tcpPort);
      }
      assertThat(leaked)
          .as("the server's connections left in CLOSE-WAIT; %s", child.diagnostics())
          .isZero();
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

  private static Socket connect(InetSocketAddress address) throws IOException {
    Socket s = new Socket();
    try {
      s.connect(address, 10_000);
      return s;
    } catch (IOException e) {
      s.close();
      throw e;
    }
  }

  /** Whether a NULL call on a new connection is answered within {@code seconds}, retrying. */
  private static boolean nullCall(InetSocketAddress address, int seconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      try (Socket s = connect(address)) {
        s.setSoTimeout(2_000);
        s.getOutputStream().write(NULL_CALL);
        RawWire.assertReply(RawWire.readRecord(s), new Reply.Success(0x5151, OpaqueAuth.NONE));
        return true;
      } catch (IOException e) {
        Thread.sleep(200);
      }
    }
    return false;
  }
}
