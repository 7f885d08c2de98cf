package io.jrpcgen.server;

import static io.jrpcgen.server.RawWire.call;
import static io.jrpcgen.server.RawWire.record;
import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.internal.rpc.Reply;
import io.jrpcgen.portmap.EmbeddedPortmapper;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.testsupport.CapturedLog;
import io.jrpcgen.xdr.XdrCodec;
import java.net.DatagramSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Waiting for a server, stopping it by signal, and what it logs (through JUL, the default). */
class ServerLifeTest {
  private final TestProgram prog = new TestProgram();
  @RegisterExtension final CapturedLog log = new CapturedLog(RpcServer.class.getName());

  @Test
  void awaitTerminationReturnsOnceClosed() throws Exception {
    RpcServer server = prog.server().port(0).start();
    AtomicBoolean returned = new AtomicBoolean();
    Thread waiter =
        new Thread(
            () -> {
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
        ChildJvm child =
            ChildJvm.start(
                List.of(),
                List.of("-Xmx64m"),
                "--on-signal",
                "--portmapper",
                Integer.toString(portmapper.port()));
        Socket s = new Socket()) {
      assertThat(portmapper.registrations()).anyMatch(r -> r.program() == TestProgram.PROGRAM);
      s.connect(child.tcp(), 10_000);
      s.setSoTimeout(10_000);
      RawWire.send(
          s,
          record(
              call(
                  9,
                  TestProgram.PROGRAM,
                  TestProgram.V2,
                  TestProgram.SLEEP,
                  out -> out.writeInt(1_500))));
      Thread.sleep(500);
      int exit = child.terminate(20);
      byte[] reply = RawWire.readRecord(s);
      assertThat(RawWire.results(reply, 9).readInt()).isEqualTo(1_500);
      assertThat(portmapper.registrations())
          .as("unregistered")
          .noneMatch(r -> r.program() == TestProgram.PROGRAM);
      assertThat(exit).isEqualTo(143);
    }
  }

  @Test
  void startAndShutdownAreLoggedAtInfo() {
    try (RpcServer server = prog.server().port(0).start()) {
      String started = messages(Level.INFO);
      assertThat(started)
          .contains(Integer.toUnsignedString(TestProgram.PROGRAM))
          .contains("version 2")
          .contains("version 4")
          .contains("tcp")
          .contains("udp")
          .contains(Integer.toString(server.tcpPort()));
    }
    assertThat(messages(Level.INFO)).contains("stopped");
  }

  @Test
  void aProcedureThatThrowsIsAWarningAndACallIsNothingAtInfo() throws Exception {
    try (RpcServer server = prog.server().tcp(0).start();
        Socket s = RawWire.connect(server)) {
      log.clear();
      RawWire.send(s, record(call(1, TestProgram.PROGRAM, TestProgram.V2, 0)));
      RawWire.assertReply(RawWire.readRecord(s), new Reply.Success(1, OpaqueAuth.NONE));
      RawWire.send(s, record(call(2, TestProgram.PROGRAM, TestProgram.V2, TestProgram.FAIL)));
      RawWire.readRecord(s);
      assertThat(log.records())
          .filteredOn(r -> r.getLevel().intValue() >= Level.INFO.intValue())
          .singleElement()
          .satisfies(r -> assertThat(r.getLevel()).isEqualTo(Level.WARNING));
    }
  }

  @Test
  void registrationAndShutdownAreLoggedAtInfo() {
    Registrar registrar =
        new Registrar() {
          @Override
          public Registration register(RpcServer server) {
            return () -> {};
          }

          @Override
          public String toString() {
            return "the test registrar";
          }
        };
    String ports;
    try (RpcServer server = prog.server().port(0).registrar(registrar).start()) {
      ports = "127.0.0.1 tcp port " + server.tcpPort() + ", udp port " + server.udpPort();
      assertThat(messages(Level.INFO))
          .contains("serving program 536875572 version 2 on " + ports + "\n")
          .contains("registered " + ports + " with the test registrar\n");
    }
    assertThat(messages(Level.INFO))
        .contains(
            "shutting down "
                + ports
                + ": waiting up to PT5S for calls in progress\n"
                + "unregistered\nstopped serving "
                + ports
                + "\n");
  }

  @Test
  void aServerOfOneTransportNamesItsPort() {
    try (RpcServer tcp = prog.server().tcp(0).start();
        RpcServer udp = prog.server().udp(0).start()) {
      assertThat(messages(Level.INFO))
          .contains("version 4 on 127.0.0.1 tcp port " + tcp.tcpPort() + "\n")
          .contains("version 4 on 127.0.0.1 udp port " + udp.udpPort() + "\n");
    }
  }

  @Test
  void aRegistrationThatCannotBeWithdrawnIsAWarning() {
    RpcServer server =
        prog.server()
            .tcp(0)
            .registrar(
                s ->
                    () -> {
                      throw new IllegalStateException("portmapper gone (expected by the test)");
                    })
            .start();
    server.close();
    assertThat(messages(Level.WARNING))
        .isEqualTo(
            "cannot unregister: "
                + "java.lang.IllegalStateException: portmapper gone (expected by the test)\n");
  }

  @Test
  void eachConnectionIsLoggedAtDebug() throws Exception {
    try (RpcServer server =
        prog.server()
            .tcp(0)
            .recordTimeout(Duration.ofMillis(300))
            .idleTimeout(Duration.ofMillis(300))
            .start()) {
      String peer;
      try (Socket s = RawWire.connect(server)) {
        peer = "/127.0.0.1:" + s.getLocalPort();
        RawWire.send(s, record(call(1, TestProgram.PROGRAM, TestProgram.V2, 0)));
        RawWire.readRecord(s);
      }
      try (Socket idle = RawWire.connect(server);
          Socket half = RawWire.connect(server)) {
        RawWire.send(half, new byte[] {(byte) 0x80, 0});
        RawWire.assertClosedByServer(idle);
        RawWire.assertClosedByServer(half);
        String fine = "/127.0.0.1:";
        RawWire.awaitTrue(
            "the closes logged",
            () ->
                messages(Level.FINE)
                        .contains(
                            "closing connection from "
                                + fine
                                + idle.getLocalPort()
                                + ": idle for PT0.3S\n")
                    && messages(Level.FINE)
                        .contains(
                            "closing connection from "
                                + fine
                                + half.getLocalPort()
                                + ": record not received in PT0.3S\n"));
      }
      RawWire.awaitTrue(
          "the peer's close logged",
          () -> messages(Level.FINE).contains("connection from " + peer + " closed by peer\n"));
      assertThat(messages(Level.FINE)).contains("connection from " + peer + " accepted\n");
    }
  }

  @Test
  void refusedConnectionsAreAWarning() throws Exception {
    try (RpcServer server = prog.server().tcp(0).maxConnections(1).start();
        Socket first = RawWire.connect(server)) {
      RawWire.awaitTrue("one connection", () -> server.connectionCount() == 1);
      try (Socket second = RawWire.connect(server)) {
        RawWire.assertClosedByServer(second);
        assertThat(messages(Level.WARNING))
            .isEqualTo(
                "refusing a TCP connection from /127.0.0.1:"
                    + second.getLocalPort()
                    + ": 1 connections are open, the limit (maxConnections)\n");
      }
    }
  }

  @Test
  void closeGivesUpOnCallsThatOutlastItsGrace() throws Exception {
    RpcServer server = prog.server().port(0).closeGrace(Duration.ofMillis(100)).start();
    try (Socket tcp = RawWire.connect(server);
        DatagramSocket udp = RawWire.udpSocket()) {
      RawWire.send(
          tcp,
          record(
              call(
                  1,
                  TestProgram.PROGRAM,
                  TestProgram.V2,
                  TestProgram.SLEEP,
                  out -> out.writeInt(2_000))));
      RawWire.send(
          udp,
          server,
          call(
              2,
              TestProgram.PROGRAM,
              TestProgram.V2,
              TestProgram.SLEEP,
              out -> out.writeInt(2_000)));
      assertThat(prog.sleeping.await(RawWire.TIMEOUT_MS, TimeUnit.MILLISECONDS)).isTrue();
      Thread.sleep(100);
      server.close();
      assertThat(server.awaitTermination(Duration.ZERO)).isTrue();
      RawWire.assertClosedByServer(tcp);
    }
  }

  @Test
  void aConnectionsThreadIsNamedAfterItsPeerWhileItServes() throws Exception {
    List<String> names = new CopyOnWriteArrayList<>();
    ProgramDefinition program =
        ProgramDefinition.builder(0x2000_7777, 1)
            .procedure(
                Procedure.of(
                    1,
                    "NAME",
                    XdrCodec.VOID,
                    XdrCodec.VOID,
                    (call, v) -> {
                      names.add(Thread.currentThread().getName());
                      return null;
                    }))
            .build();
    try (RpcServer server =
        RpcServer.builder().program(program).bindAddress(RawWire.LOOPBACK).tcp(0).start()) {
      String name;
      try (Socket s = RawWire.connect(server)) {
        name = "jrpcgen-tcp-/127.0.0.1:" + s.getLocalPort();
        RawWire.send(s, record(call(1, 0x2000_7777, 1, 1)));
        RawWire.readRecord(s);
        assertThat(names).containsExactly(name);
      }
      RawWire.awaitTrue(
          "the name given back",
          () ->
              Thread.getAllStackTraces().keySet().stream()
                  .noneMatch(t -> t.getName().equals(name)));
    }
  }

  private String messages(Level level) {
    StringBuilder all = new StringBuilder();
    for (String m : log.messages(level)) {
      all.append(m).append('\n');
    }
    return all.toString();
  }
}
