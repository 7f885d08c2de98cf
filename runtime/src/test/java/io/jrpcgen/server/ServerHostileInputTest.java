package io.jrpcgen.server;

import static io.jrpcgen.server.RawWire.assertClosedByServer;
import static io.jrpcgen.server.RawWire.assertIntResult;
import static io.jrpcgen.server.RawWire.assertReply;
import static io.jrpcgen.server.RawWire.assertServes;
import static io.jrpcgen.server.RawWire.awaitTrue;
import static io.jrpcgen.server.RawWire.call;
import static io.jrpcgen.server.RawWire.concat;
import static io.jrpcgen.server.RawWire.record;
import static io.jrpcgen.server.RawWire.words;
import static io.jrpcgen.server.TestProgram.PROGRAM;
import static io.jrpcgen.server.TestProgram.V2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.internal.rpc.Reply;
import io.jrpcgen.internal.rpc.RpcMessages;
import io.jrpcgen.rpc.AcceptStat;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.server.CallContext.Transport;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile and broken input: the server survives it, frees what it held, and answers the next
 * well-formed call.
 */
class ServerHostileInputTest {
  private final TestProgram prog = new TestProgram();

  /** A well-formed ECHO call, the "next call" after each attack. */
  private static byte[] echo(int xid, String s) {
    return call(xid, PROGRAM, V2, TestProgram.ECHO, out -> out.writeString(s, 16));
  }

  private static void assertEcho(byte[] reply, int xid, String s) {
    XdrDecoder in = RawWire.results(reply, xid);
    assertThat(in.readString(16)).isEqualTo(s);
    in.requireEnd();
  }

  @ParameterizedTest
  @ValueSource(ints = {0x7fff_ffff, 0xffff_ffff, 0x8100_0001})
  void fragmentHeaderOverTheMaximumClosesTheConnection(int header) throws IOException {
    // The default idle timeout is minutes: only the size check can close the connection in time.
    try (RpcServer server = prog.server().tcp(0).start()) {
      try (Socket s = RawWire.connect(server)) {
        RawWire.send(s, concat(words(header), echo(1, "x")));
        assertClosedByServer(s);
      }
      assertServes(server);
      awaitTrue("the connection count to drop to 0", () -> server.connectionCount() == 0);
    }
  }

  @Test
  void callsBeforeARecordOverTheMaximumAreAnsweredBeforeTheClose() throws IOException {
    // The calls and the record too long arrive in one write: the calls' replies are held back
    // to go out together with the next call's, which never runs. They still go out.
    try (RpcServer server = prog.server().tcp(0).maxRecordSize(128).start()) {
      try (Socket s = RawWire.connect(server)) {
        RawWire.send(
            s, concat(record(echo(1, "one")), record(echo(2, "two")), record(new byte[200])));
        assertEcho(RawWire.readRecord(s), 1, "one");
        assertEcho(RawWire.readRecord(s), 2, "two");
        assertClosedByServer(s);
      }
      assertServes(server);
      awaitTrue("the connection count to drop to 0", () -> server.connectionCount() == 0);
    }
  }

  @Test
  void hugeFragmentHeaderUnderAHugeLimitCostsOnlyWhatArrives() throws IOException {
    // Were 2 GiB allocated on the header's word, the connection thread would die of OOM and the
    // connection close at once; instead it waits for the bytes that never come.
    try (RpcServer server = prog.server().tcp(0).maxRecordSize(Integer.MAX_VALUE).start()) {
      try (Socket s = RawWire.connect(server)) {
        RawWire.send(s, concat(words(0xffff_ffff), echo(1, "x")));
        s.setSoTimeout(300);
        assertThatThrownBy(() -> s.getInputStream().read())
            .isInstanceOf(SocketTimeoutException.class);
        awaitTrue("the connection to be counted", () -> server.connectionCount() == 1);
      }
      assertServes(server);
      awaitTrue("the connection count to drop to 0", () -> server.connectionCount() == 0);
    }
  }

  @Test
  void recordCutShortByEofClosesTheConnection() throws IOException {
    try (RpcServer server = prog.server().tcp(0).start()) {
      byte[] message = echo(2, "truncated");
      try (Socket s = RawWire.connect(server)) {
        byte[] framed = record(message);
        RawWire.send(s, Arrays.copyOf(framed, framed.length - 6));
        s.shutdownOutput();
        assertClosedByServer(s);
      }
      try (Socket s = RawWire.connect(server)) {
        // EOF inside a fragment header, too.
        RawWire.send(s, new byte[] {(byte) 0x80, 0});
        s.shutdownOutput();
        assertClosedByServer(s);
      }
      assertServes(server);
      awaitTrue("the connection count to drop to 0", () -> server.connectionCount() == 0);
    }
  }

  @Test
  void recordsTooShortForACallAreDroppedAndTheConnectionServesOn() throws IOException {
    try (RpcServer server = prog.server().tcp(0).start();
        Socket s = RawWire.connect(server)) {
      byte[] full = echo(3, "after");
      RawWire.send(
          s,
          concat(
              record(new byte[0]),
              record(new byte[3]),
              record(words(0x77)),
              record(words(0x77, RpcMessages.CALL)),
              record(Arrays.copyOf(full, 10)),
              record(Arrays.copyOf(full, 16)),
              record(full)));
      assertEcho(RawWire.readRecord(s), 3, "after");
    }
  }

  @Test
  void repliesAndUnknownMessageTypesSentToTheServerAreIgnored() throws IOException {
    XdrEncoder reply = new XdrEncoder();
    RpcMessages.writeAccepted(reply, 0x44, OpaqueAuth.NONE, AcceptStat.SUCCESS);
    byte[] replyMessage = reply.toByteArray();
    byte[] unknownType = words(0x45, 2, 2, PROGRAM, V2, TestProgram.ECHO, 0, 0, 0, 0, 0);
    try (RpcServer server = prog.server().tcp(0).udp(0).start()) {
      try (Socket s = RawWire.connect(server)) {
        RawWire.send(s, concat(record(replyMessage), record(unknownType), record(echo(4, "t"))));
        assertEcho(RawWire.readRecord(s), 4, "t");
      }
      try (DatagramSocket s = RawWire.udpSocket()) {
        RawWire.send(s, server, replyMessage);
        RawWire.send(s, server, unknownType);
        RawWire.send(s, server, echo(5, "u"));
        assertEcho(RawWire.receive(s), 5, "u");
      }
    }
  }

  @Test
  void peersSilentInsideARecordOrIdleAreClosedAfterTheirTimeouts() throws IOException {
    try (RpcServer server =
        prog.server()
            .tcp(0)
            .recordTimeout(Duration.ofMillis(300))
            .idleTimeout(Duration.ofMillis(300))
            .start()) {
      try (Socket halfRecord = RawWire.connect(server);
          Socket silent = RawWire.connect(server)) {
        byte[] framed = record(echo(6, "half"));
        RawWire.send(halfRecord, Arrays.copyOf(framed, framed.length / 2));
        awaitTrue("both connections to be counted", () -> server.connectionCount() == 2);
        // ~300 ms of silence closes both; the 2 s read timeout bounds the wait.
        halfRecord.setSoTimeout(2_000);
        silent.setSoTimeout(2_000);
        assertClosedByServer(halfRecord);
        assertClosedByServer(silent);
        awaitTrue("the connection count to drop to 0", () -> server.connectionCount() == 0);
      }
      try (Socket s = RawWire.connect(server)) {
        RawWire.send(s, record(echo(7, "fresh")));
        assertEcho(RawWire.readRecord(s), 7, "fresh");
      }
    }
  }

  @Test
  void garbageDatagramsAreIgnored() throws IOException {
    byte[] random = new byte[100];
    new Random(5531).nextBytes(random);
    try (RpcServer server = prog.server().udp(0).start();
        DatagramSocket s = RawWire.udpSocket()) {
      RawWire.send(s, server, new byte[0]);
      RawWire.send(s, server, new byte[] {1, 2, 3});
      RawWire.send(s, server, random);
      RawWire.send(s, server, words(0x46, RpcMessages.CALL, 2, PROGRAM));
      RawWire.send(s, server, echo(8, "good"));
      assertEcho(RawWire.receive(s), 8, "good");
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void deeplyNestedArgumentsDoNotKillTheServer(Transport t) throws IOException {
    // 16,000 nested optionals fit in one datagram and may overflow a recursive decoder's stack.
    int depth = 16_000;
    byte[] nested = new byte[(depth + 1) * 4];
    for (int i = 0; i < depth; i++) {
      nested[i * 4 + 3] = 1;
    }
    byte[] message = concat(call(9, PROGRAM, V2, TestProgram.DEPTH), nested);
    try (RpcServer server = prog.server().tcp(0).udp(0).start()) {
      byte[] reply = RawWire.exchange(t, server, message);
      Reply header = RpcMessages.readReply(new XdrDecoder(reply));
      if (header instanceof Reply.Success) {
        assertIntResult(reply, 9, depth);
      } else {
        assertReply(reply, new Reply.AcceptedError(9, OpaqueAuth.NONE, AcceptStat.GARBAGE_ARGS));
      }
      assertServes(server);
    }
  }

  @Test
  void argumentsNestedDeeperThanAnyStackAreGarbageArgs() throws IOException {
    // Over TCP a record can hold a million levels: no thread stack decodes that by recursion.
    int depth = 1_000_000;
    byte[] nested = new byte[(depth + 1) * 4];
    for (int i = 0; i < depth; i++) {
      nested[i * 4 + 3] = 1;
    }
    byte[] message = concat(call(10, PROGRAM, V2, TestProgram.DEPTH), nested);
    try (RpcServer server = prog.server().tcp(0).start();
        Socket s = RawWire.connect(server)) {
      RawWire.send(s, concat(record(message), record(echo(11, "still here"))));
      assertReply(
          RawWire.readRecord(s),
          new Reply.AcceptedError(10, OpaqueAuth.NONE, AcceptStat.GARBAGE_ARGS));
      assertEcho(RawWire.readRecord(s), 11, "still here");
    }
  }
}
