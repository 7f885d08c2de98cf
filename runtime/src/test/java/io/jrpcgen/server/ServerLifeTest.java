package io.jrpcgen.server;

import static io.jrpcgen.server.RawWire.call;
import static io.jrpcgen.server.RawWire.record;
import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.portmap.EmbeddedPortmapper;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.rpc.Reply;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Waiting for a server, stopping it by signal, and what it logs (through JUL, the default). */
class ServerLifeTest {
  private final TestProgram prog = new TestProgram();
  private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
  private final Logger logger = Logger.getLogger(RpcServer.class.getName());
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord r) {
      logged.add(r);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  @BeforeEach
  void captureLogs() {
    logger.addHandler(capture);
  }

  @AfterEach
  void releaseLogs() {
    logger.removeHandler(capture);
  }

  @Test
  void awaitTerminationReturnsOnceClosed() throws Exception {
    RpcServer server = prog.server().port(0).start();
    AtomicBoolean returned = new AtomicBoolean();
    Thread waiter = new Thread(() -> {
      try {
        server.awaitTermination();
        returned.set(true);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    waiter.start();
    try {
      assertThat(server.awaitTermination(Duration.ofMillis(200))).isFalse();
      assertThat(returned).isFalse();
    } finally {
      server.close();
    }
    waiter.join(10_000);
    assertThat(returned).isTrue();
    assertThat(server.awaitTermination(Duration.ZERO)).isTrue();
  }

  @Test
  void sigtermUnregistersAndLetsTheCallInFlightReply() throws Exception {
    try (EmbeddedPortmapper portmapper = EmbeddedPortmapper.start(0);
        ChildJvm child = ChildJvm.start(List.of(), List.of("-Xmx64m"), "--on-signal",
            "--portmapper", Integer.toString(portmapper.port()));
        Socket s = new Socket()) {
      assertThat(portmapper.registrations())
          .anyMatch(r -> r.program() == TestProgram.PROGRAM);
      s.connect(child.tcp(), 10_000);
      s.setSoTimeout(10_000);
      RawWire.send(s, record(call(9, TestProgram.PROGRAM, TestProgram.V2, TestProgram.SLEEP,
          out -> out.writeInt(1_500))));
      Thread.sleep(500);
      int exit = child.terminate(20);
      byte[] reply = RawWire.readRecord(s);
      assertThat(RawWire.results(reply, 9).readInt()).isEqualTo(1_500);
      assertThat(portmapper.registrations()).as("unregistered")
          .noneMatch(r -> r.program() == TestProgram.PROGRAM);
      assertThat(exit).isEqualTo(143);
    }
  }

  @Test
  void startAndShutdownAreLoggedAtInfo() {
    try (RpcServer server = prog.server().port(0).start()) {
      String started = messages(Level.INFO);
      assertThat(started).contains(Integer.toUnsignedString(TestProgram.PROGRAM))
          .contains("version 2").contains("version 4").contains("tcp")
          .contains("udp").contains(Integer.toString(server.tcpPort()));
    }
    assertThat(messages(Level.INFO)).contains("stopped");
  }

  @Test
  void aProcedureThatThrowsIsAWarningAndACallIsNothingAtInfo() throws Exception {
    try (RpcServer server = prog.server().tcp(0).start(); Socket s = RawWire.connect(server)) {
      logged.clear();
      RawWire.send(s, record(call(1, TestProgram.PROGRAM, TestProgram.V2, 0)));
      RawWire.assertReply(RawWire.readRecord(s), new Reply.Success(1, OpaqueAuth.NONE));
      RawWire.send(s, record(call(2, TestProgram.PROGRAM, TestProgram.V2, TestProgram.FAIL)));
      RawWire.readRecord(s);
      assertThat(logged).filteredOn(r -> r.getLevel().intValue() >= Level.INFO.intValue())
          .singleElement().satisfies(r -> assertThat(r.getLevel()).isEqualTo(Level.WARNING));
    }
  }

  private String messages(Level level) {
    StringBuilder all = new StringBuilder();
    for (LogRecord r : logged) {
      if (r.getLevel().equals(level)) {
        all.append(r.getMessage()).append('\n');
      }
    }
    return all.toString();
  }
}
