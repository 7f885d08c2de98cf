package io.jrpcgen.server;

import static io.jrpcgen.server.RawWire.call;
import static io.jrpcgen.server.RawWire.record;
import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.internal.rpc.Reply;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.testsupport.CapturedLog;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A healthy idle connection stays open, as libtirpc's do from clnt_create to clnt_destroy; the
 * record timeout is for records begun and not finished, the idle timeout an explicit choice.
 */
class ServerIdlePolicyTest {
  @RegisterExtension final CapturedLog log = new CapturedLog(RpcServer.class.getName());
  private final TestProgram prog = new TestProgram();

  @Test
  void aHealthyIdleConnectionOutlivesTheRecordTimeout() throws Exception {
    try (RpcServer server = prog.server().tcp(0).recordTimeout(Duration.ofMillis(200)).start();
        Socket s = RawWire.connect(server)) {
      // In two parts, so that the record's deadline is armed for a read: the wait after it must
      // be unbounded again.
      byte[] first = record(call(1, TestProgram.PROGRAM, TestProgram.V2, 0));
      RawWire.send(s, Arrays.copyOf(first, 8));
      Thread.sleep(50);
      RawWire.send(s, Arrays.copyOfRange(first, 8, first.length));
      RawWire.assertReply(RawWire.readRecord(s), new Reply.Success(1, OpaqueAuth.NONE));
      Thread.sleep(1_000);
      assertThat(server.connectionCount()).isEqualTo(1);
      nullCall(s, 2);
    }
  }

  @Test
  void aRecordBegunAndNotFinishedIsClosedAfterTheRecordTimeout() throws Exception {
    try (RpcServer server = prog.server().tcp(0).recordTimeout(Duration.ofMillis(300)).start();
        Socket s = RawWire.connect(server)) {
      nullCall(s, 1);
      // Half a record after a whole one, in one write: the half is buffered, not read later.
      byte[] whole = record(call(2, TestProgram.PROGRAM, TestProgram.V2, 0));
      byte[] both = RawWire.concat(whole, Arrays.copyOf(whole, 10));
      RawWire.send(s, both);
      RawWire.assertReply(RawWire.readRecord(s), new Reply.Success(2, OpaqueAuth.NONE));
      assertThat(s.getInputStream().read()).as("closed by the server").isEqualTo(-1);
      // Logged before the close: the reader of the log finds why, whoever saw the close.
      assertThat(log.messages(Level.FINE))
          .contains(
              "closing connection from /127.0.0.1:"
                  + s.getLocalPort()
                  + ": record not received in PT0.3S");
    }
  }

  @Test
  void eachPipelinedRecordHasADeadlineOfItsOwn() throws Exception {
    try (RpcServer server = prog.server().tcp(0).recordTimeout(Duration.ofSeconds(2)).start();
        Socket s = RawWire.connect(server)) {
      byte[] b = record(call(2, TestProgram.PROGRAM, TestProgram.V2, 0));
      byte[] c = record(call(3, TestProgram.PROGRAM, TestProgram.V2, 0));
      // Each write ends one record and begins the next: 2.8 s in all, 1.4 s per record.
      RawWire.send(
          s,
          RawWire.concat(
              record(call(1, TestProgram.PROGRAM, TestProgram.V2, 0)), Arrays.copyOf(b, 10)));
      RawWire.assertReply(RawWire.readRecord(s), new Reply.Success(1, OpaqueAuth.NONE));
      Thread.sleep(1_400);
      RawWire.send(s, RawWire.concat(Arrays.copyOfRange(b, 10, b.length), Arrays.copyOf(c, 10)));
      RawWire.assertReply(RawWire.readRecord(s), new Reply.Success(2, OpaqueAuth.NONE));
      Thread.sleep(1_400);
      RawWire.send(s, Arrays.copyOfRange(c, 10, c.length));
      RawWire.assertReply(RawWire.readRecord(s), new Reply.Success(3, OpaqueAuth.NONE));
    }
  }

  @Test
  void theIdleTimeoutClosesAHealthyIdleConnectionWhenAskedTo() throws Exception {
    try (RpcServer server = prog.server().tcp(0).idleTimeout(Duration.ofMillis(300)).start();
        Socket s = RawWire.connect(server)) {
      nullCall(s, 1);
      assertThat(s.getInputStream().read()).as("closed by the server").isEqualTo(-1);
      String peer = "/127.0.0.1:" + s.getLocalPort();
      assertThat(log.messages(Level.FINE))
          .containsSubsequence(
              "connection from " + peer + " accepted",
              "closing connection from " + peer + ": idle for PT0.3S");
    }
  }

  private static void nullCall(Socket s, int xid) throws IOException {
    RawWire.send(s, record(call(xid, TestProgram.PROGRAM, TestProgram.V2, 0)));
    RawWire.assertReply(RawWire.readRecord(s), new Reply.Success(xid, OpaqueAuth.NONE));
  }
}
