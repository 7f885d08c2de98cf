package io.jrpcgen.server;

import static io.jrpcgen.server.RawWire.call;
import static io.jrpcgen.server.RawWire.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.internal.rpc.Reply;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.testsupport.CapturedLog;
import io.jrpcgen.testsupport.NativeTools;
import io.jrpcgen.xdr.XdrCodec;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Failures in this JVM that the server must outlive: an error no procedure catches, descriptors
 * running out, sockets that cannot be bound; and what its threads and sockets are.
 */
class ServerSurvivesFailuresTest {
  private static final int PROGRAM = 0x2000_5555;
  private static final int OOM = 1;

  // A result codec that writes part of its reply, then runs out of memory: past the procedure,
  // in the connection's own code.
  private static final ProgramDefinition OUT_OF_MEMORY_IN_REPLY =
      ProgramDefinition.builder(PROGRAM, 1)
          .procedure(
              Procedure.of(
                  OOM,
                  "OOM",
                  XdrCodec.VOID,
                  XdrCodec.of(
                      (out, v) -> {
                        out.writeInt(v);
                        throw new OutOfMemoryError(
                            "no memory for the reply (expected by the test)");
                      },
                      in -> in.readInt()),
                  (call, v) -> 1))
          .build();

  private final TestProgram prog = new TestProgram();
  @RegisterExtension final CapturedLog log = new CapturedLog(RpcServer.class.getName());

  @Test
  void anErrorOutsideTheProcedureClosesOnlyItsConnection() throws Exception {
    // A slow log handler, as a busy disk makes one: the close must still come after the report.
    Handler slow =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            if (r.getLevel().equals(Level.WARNING)) {
              try {
                Thread.sleep(300);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    log.logger().removeHandler(log);
    log.logger().addHandler(slow);
    log.logger().addHandler(log);
    try (RpcServer server = prog.server().program(OUT_OF_MEMORY_IN_REPLY).tcp(0).start();
        Socket bystander = RawWire.connect(server);
        Socket victim = RawWire.connect(server)) {
      RawWire.send(victim, record(call(1, PROGRAM, 1, OOM)));
      RawWire.assertClosedByServer(victim);
      assertThat(warnings())
          .as("the reason, logged before the close")
          .containsExactly(
              "closing the connection from /127.0.0.1:"
                  + victim.getLocalPort()
                  + ": java.lang.OutOfMemoryError: no memory for the reply"
                  + " (expected by the test); going on");
      RawWire.send(bystander, record(call(2, TestProgram.PROGRAM, TestProgram.V2, 0)));
      RawWire.assertReply(RawWire.readRecord(bystander), new Reply.Success(2, OpaqueAuth.NONE));
      RawWire.assertServes(server);
    } finally {
      log.logger().removeHandler(slow);
    }
  }

  @Test
  void repliesHeldBeforeAnErrorOutsideTheProcedureStillGoOut() throws Exception {
    try (RpcServer server = prog.server().program(OUT_OF_MEMORY_IN_REPLY).tcp(0).start();
        Socket s = RawWire.connect(server)) {
      // In one write: the first call's reply is held back to go out with the second's.
      RawWire.send(
          s,
          RawWire.concat(
              record(call(1, TestProgram.PROGRAM, TestProgram.V2, 0)),
              record(call(2, PROGRAM, 1, OOM))));
      RawWire.assertReply(RawWire.readRecord(s), new Reply.Success(1, OpaqueAuth.NONE));
      // Nothing of the failed call's reply follows it.
      RawWire.assertClosedByServer(s);
      log.await(
          Level.WARNING,
          "closing the connection from /127.0.0.1:"
              + s.getLocalPort()
              + ": java.lang.OutOfMemoryError: no memory for the reply"
              + " (expected by the test); going on");
    }
  }

  @Test
  void aFailureWhileReportingTheEndOfAConnectionEndsNoThread() throws Exception {
    List<Throwable> uncaught = new CopyOnWriteArrayList<>();
    AtomicReference<Thread> reporter = new AtomicReference<>();
    Handler failing =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            if (r.getMessage().endsWith("closed by peer")) {
              reporter.set(Thread.currentThread());
              throw new OutOfMemoryError("no memory for the report (expected by the test)");
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler((t, e) -> uncaught.add(e));
    log.logger().addHandler(failing);
    try (RpcServer server = prog.server().tcp(0).start()) {
      try (Socket s = RawWire.connect(server)) {
        RawWire.send(s, record(call(3, TestProgram.PROGRAM, TestProgram.V2, 0)));
        RawWire.assertReply(RawWire.readRecord(s), new Reply.Success(3, OpaqueAuth.NONE));
      }
      // The connection's thread goes back to its pool (parked) or ends; an error that escaped
      // its task would have reached the uncaught-exception handler before either.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      Thread t = reporter.get();
      while ((t == null
              || (t.getState() != Thread.State.TERMINATED
                  && t.getState() != Thread.State.TIMED_WAITING))
          && System.nanoTime() < deadline) {
        Thread.sleep(10);
        t = reporter.get();
      }
      assertThat(t).as("the end of the connection was reported").isNotNull();
      assertThat(uncaught).as("errors that escaped a connection's thread").isEmpty();
      RawWire.assertServes(server);
    } finally {
      log.logger().removeHandler(failing);
      Thread.setDefaultUncaughtExceptionHandler(before);
    }
  }

  @Test
  void acceptingComesBackWhenThisProcessHasDescriptorsAgain() throws Exception {
    Path prlimit = NativeTools.findTool("prlimit");
    if (prlimit == null) {
      NativeTools.skipLoudly("prlimit (util-linux) is not installed: test skipped");
    }
    String pid = Long.toString(ProcessHandle.current().pid());
    try (RpcServer server = prog.server().tcp(0).maxConnections(100_000).start()) {
      RawWire.assertServes(server);
      List<Socket> flood = new ArrayList<>();
      String[] soft = limits(prlimit, pid);
      // Started while descriptors are plenty: starting a process needs some (pipes, and on newer
      // JDKs a spawn helper), so the limit could not be put back by a process started at the end.
      Process restore =
          new ProcessBuilder(
                  "sh",
                  "-c",
                  "read go; exec \"$0\" --pid \"$1\" --nofile=\"$2\"",
                  prlimit.toString(),
                  pid,
                  soft[0] + ":" + soft[1])
              .redirectErrorStream(true)
              .start();
      long open = countOpenDescriptors();
      try {
        // Room for a few connections only: the server's accepts run out of descriptors.
        run(prlimit.toString(), "--pid", pid, "--nofile=" + (open + 24) + ":" + soft[1]);
        for (int i = 0; i < 40; i++) {
          try {
            flood.add(RawWire.connect(server));
          } catch (IOException e) {
            break;
          }
        }
        RawWire.awaitTrue(
            "a failed accept reported",
            () ->
                warnings().stream()
                    .anyMatch(w -> w.startsWith("cannot accept TCP connections on")));
      } finally {
        for (Socket s : flood) {
          s.close();
        }
        try (OutputStream go = restore.getOutputStream()) {
          go.write('\n');
        }
        String out = new String(restore.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(restore.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(restore.exitValue()).as("restoring the limit: %s", out).isZero();
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (true) {
        try {
          RawWire.assertServes(server);
          break;
        } catch (IOException e) {
          assertThat(System.nanoTime()).as("served again within 20 s").isLessThan(deadline);
          Thread.sleep(200);
        }
      }
    }
  }

  @Test
  void socketsThatCannotBeBoundAreAllReleased() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, RawWire.LOOPBACK)) {
      port = probe.getLocalPort();
    }
    try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress(RawWire.LOOPBACK, port))) {
      assertThatThrownBy(() -> prog.server().tcp(port).udp(port).start())
          .isInstanceOf(UncheckedIOException.class)
          .hasMessage("cannot bind the server's sockets")
          .hasCauseInstanceOf(BindException.class);
    }
    // The TCP listener bound before the UDP socket failed was closed again.
    try (ServerSocket again = new ServerSocket(port, 1, RawWire.LOOPBACK);
        RpcServer server = prog.server().tcp(0).start()) {
      assertThatThrownBy(() -> prog.server().tcp(server.tcpPort()).start())
          .isInstanceOf(UncheckedIOException.class);
      assertThat(again.getLocalPort()).isEqualTo(port);
    }
  }

  @Test
  void theServerHasThePortsAndAddressAskedForAndDaemonThreads() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, RawWire.LOOPBACK)) {
      port = probe.getLocalPort();
    }
    try (RpcServer tcp = prog.server().tcp(port).start();
        RpcServer udp = prog.server().udp(0).start()) {
      assertThat(tcp.tcpPort()).isEqualTo(port);
      assertThat(tcp.bindAddress()).isEqualTo(RawWire.LOOPBACK);
      assertThat(udp.bindAddress()).isEqualTo(RawWire.LOOPBACK);
      assertThat(Thread.getAllStackTraces().keySet())
          .filteredOn(
              t ->
                  t.getName().equals("jrpcgen-tcp-accept-" + port)
                      || t.getName().equals("jrpcgen-udp-" + udp.udpPort()))
          .hasSize(2)
          .allMatch(Thread::isDaemon);
    }
  }

  @Test
  void aSmallDatagramDoesNotShortenTheNextAndCallsWarnOfNothing() throws IOException {
    try (RpcServer server = prog.server().udp(0).start();
        DatagramSocket s = RawWire.udpSocket()) {
      RawWire.send(s, server, call(1, TestProgram.PROGRAM, TestProgram.V2, 0));
      RawWire.assertReply(RawWire.receive(s), new Reply.Success(1, OpaqueAuth.NONE));
      RawWire.send(
          s,
          server,
          call(
              2,
              TestProgram.PROGRAM,
              TestProgram.V2,
              TestProgram.ECHO,
              out -> out.writeString("sixteen bytes!!!", TestProgram.ECHO_BOUND)));
      assertThat(RawWire.results(RawWire.receive(s), 2).readString(TestProgram.ECHO_BOUND))
          .isEqualTo("sixteen bytes!!!");
      assertThat(warnings()).isEmpty();
    }
  }

  private List<String> warnings() {
    return log.messages(Level.WARNING);
  }

  /** This process's soft and hard descriptor limits, as prlimit prints them. */
  private static String[] limits(Path prlimit, String pid) throws Exception {
    return run(
            prlimit.toString(), "--pid", pid, "--nofile", "--noheadings", "--output", "SOFT,HARD")
        .trim()
        .split("\\s+");
  }

  private static long countOpenDescriptors() throws IOException {
    try (var fds = java.nio.file.Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  private static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("%s: %s", String.join(" ", command), out).isZero();
    return out;
  }
}
