package io.jrpcgen.server;

import static io.jrpcgen.server.RawWire.assertIntResult;
import static io.jrpcgen.server.RawWire.call;
import static io.jrpcgen.server.RawWire.concat;
import static io.jrpcgen.server.RawWire.record;
import static io.jrpcgen.server.TestProgram.PROGRAM;
import static io.jrpcgen.server.TestProgram.V2;
import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.xdr.XdrDecoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** How the server reads a TCP stream: pipelined calls, fragments, and calls that get no reply. */
class ServerTcpStreamTest {
  private final TestProgram prog = new TestProgram();
  private RpcServer server;

  @BeforeEach
  void start() {
    server = prog.server().tcp(0).udp(0).start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static byte[] add(int xid, int a, int b) {
    return call(
        xid,
        PROGRAM,
        V2,
        TestProgram.ADD,
        out -> {
          out.writeInt(a);
          out.writeInt(b);
        });
  }

  private static byte[] echo(int xid, String s) {
    return call(xid, PROGRAM, V2, TestProgram.ECHO, out -> out.writeString(s, 16));
  }

  private static void assertEcho(byte[] reply, int xid, String s) {
    XdrDecoder in = RawWire.results(reply, xid);
    assertThat(in.readString(16)).isEqualTo(s);
    in.requireEnd();
  }

  @Test
  void fiftyCallsInOneWriteGetFiftyRepliesInOrder() throws IOException {
    ByteArrayOutputStream calls = new ByteArrayOutputStream();
    for (int i = 0; i < 50; i++) {
      calls.writeBytes(record(add(0x5000 + i, i, 1000)));
    }
    try (Socket s = RawWire.connect(server)) {
      RawWire.send(s, calls.toByteArray());
      for (int i = 0; i < 50; i++) {
        assertIntResult(RawWire.readRecord(s), 0x5000 + i, i + 1000);
      }
    }
  }

  @Test
  void callFollowedByPartOfTheNextIsAnsweredWithoutWaitingForTheRest() throws IOException {
    byte[] second = record(echo(0x5101, "second"));
    try (Socket s = RawWire.connect(server)) {
      RawWire.send(s, concat(record(echo(0x5100, "first")), Arrays.copyOf(second, 10)));
      assertEcho(RawWire.readRecord(s), 0x5100, "first");
      RawWire.send(s, Arrays.copyOfRange(second, 10, second.length));
      assertEcho(RawWire.readRecord(s), 0x5101, "second");
    }
  }

  @Test
  void callInThreeFragmentsIsReassembled() throws IOException {
    byte[] message = echo(0x5200, "fragmented");
    // Cuts inside the xid and inside the credential, not on XDR item boundaries.
    byte[] framed = RawWire.fragments(message, 3, 17);
    try (Socket s = RawWire.connect(server)) {
      // Each fragment in its own write, so the server sees them arrive apart.
      int first = 4 + 3;
      int second = first + 4 + 17;
      RawWire.send(s, Arrays.copyOf(framed, first));
      RawWire.send(s, Arrays.copyOfRange(framed, first, second));
      RawWire.send(s, Arrays.copyOfRange(framed, second, framed.length));
      assertEcho(RawWire.readRecord(s), 0x5200, "fragmented");
    }
  }

  @Test
  void emptyFragmentsAreAllowedAnywhere() throws IOException {
    byte[] message = echo(0x5300, "empty parts");
    // An empty first fragment, the message, then an empty last fragment.
    byte[] framed = RawWire.fragments(message, 0, message.length);
    try (Socket s = RawWire.connect(server)) {
      RawWire.send(s, concat(framed, record(echo(0x5301, "next"))));
      assertEcho(RawWire.readRecord(s), 0x5300, "empty parts");
      assertEcho(RawWire.readRecord(s), 0x5301, "next");
    }
  }

  @Test
  void oneWayCallRunsButIsNotAnsweredOverTcp() throws Exception {
    try (Socket s = RawWire.connect(server)) {
      RawWire.send(
          s,
          concat(
              record(call(0x5400, PROGRAM, V2, TestProgram.NOTE, out -> out.writeInt(42))),
              record(echo(0x5401, "after note"))));
      assertEcho(RawWire.readRecord(s), 0x5401, "after note");
      assertThat(prog.notes.poll(RawWire.TIMEOUT_MS, TimeUnit.MILLISECONDS)).isEqualTo(42);
    }
  }

  @Test
  void oneWayCallRunsButIsNotAnsweredOverUdp() throws Exception {
    try (DatagramSocket s = RawWire.udpSocket()) {
      RawWire.send(s, server, call(0x5500, PROGRAM, V2, TestProgram.NOTE, out -> out.writeInt(7)));
      RawWire.send(s, server, echo(0x5501, "after note"));
      assertEcho(RawWire.receive(s), 0x5501, "after note");
      assertThat(prog.notes.poll(RawWire.TIMEOUT_MS, TimeUnit.MILLISECONDS)).isEqualTo(7);
    }
  }

  @Test
  void oneWayCallThatThrowsIsNotAnsweredEither() throws IOException {
    try (Socket s = RawWire.connect(server)) {
      RawWire.send(
          s,
          concat(
              record(call(0x5600, PROGRAM, V2, TestProgram.NOTE_FAIL)),
              record(echo(0x5601, "after failure"))));
      assertEcho(RawWire.readRecord(s), 0x5601, "after failure");
    }
  }
}
