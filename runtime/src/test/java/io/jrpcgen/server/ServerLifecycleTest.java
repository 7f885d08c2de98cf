package io.jrpcgen.server;

import static io.jrpcgen.server.RawWire.assertClosedByServer;
import static io.jrpcgen.server.RawWire.assertIntResult;
import static io.jrpcgen.server.RawWire.assertReply;
import static io.jrpcgen.server.RawWire.call;
import static io.jrpcgen.server.RawWire.concat;
import static io.jrpcgen.server.RawWire.record;
import static io.jrpcgen.server.TestProgram.PROGRAM;
import static io.jrpcgen.server.TestProgram.V2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.internal.rpc.Reply;
import io.jrpcgen.rpc.OpaqueAuth;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Starting and stopping: the shared port and a graceful close. */
class ServerLifecycleTest {
  private final TestProgram prog = new TestProgram();

  private static byte[] sleep(int xid, int millis) {
    return call(xid, PROGRAM, V2, TestProgram.SLEEP, out -> out.writeInt(millis));
  }

  /** Runs {@code server.close()} on a thread of its own, as an operator's shutdown would. */
  private static Thread closeInBackground(RpcServer server) {
    Thread closer = new Thread(server::close, "test-closer");
    closer.setDaemon(true);
    closer.start();
    return closer;
  }

  @Test
  void closeLetsTheCallInProgressReplyThenRefusesConnections() throws Exception {
    try (RpcServer server = prog.server().tcp(0).start()) {
      int port = server.tcpPort();
      try (Socket busy = RawWire.connect(server);
          Socket idle = RawWire.connect(server)) {
        RawWire.send(busy, record(sleep(0x8001, 300)));
        assertThat(prog.sleeping.await(RawWire.TIMEOUT_MS, TimeUnit.MILLISECONDS)).isTrue();
        Thread closer = closeInBackground(server);

        assertIntResult(RawWire.readRecord(busy), 0x8001, 300);
        assertClosedByServer(busy);
        assertClosedByServer(idle);
        closer.join(RawWire.TIMEOUT_MS);
        assertThat(closer.isAlive()).as("close() still running").isFalse();
      }
      assertThat(server.connectionCount()).isZero();
      assertThatThrownBy(() -> new Socket(RawWire.LOOPBACK, port).close())
          .isInstanceOf(ConnectException.class);
    }
  }

  @Test
  void closeDeliversTheReplyOfACallInProgressWithMoreCallsQueuedBehindIt() throws Exception {
    try (RpcServer server = prog.server().tcp(0).start();
        Socket s = RawWire.connect(server)) {
      // The second call is buffered while the first runs: its presence must not hold the first
      // reply back when the connection closes.
      RawWire.send(s, concat(record(sleep(0x8101, 300)), record(sleep(0x8102, 1))));
      assertThat(prog.sleeping.await(RawWire.TIMEOUT_MS, TimeUnit.MILLISECONDS)).isTrue();
      Thread closer = closeInBackground(server);

      assertIntResult(RawWire.readRecord(s), 0x8101, 300);
      // The queued call had not started: it may be answered or dropped, then the stream ends.
      try {
        assertIntResult(RawWire.readRecord(s), 0x8102, 1);
        assertClosedByServer(s);
      } catch (EOFException | SocketException closed) {
        // Dropped: the server closed the connection before serving it.
      }
      closer.join(RawWire.TIMEOUT_MS);
      assertThat(closer.isAlive()).as("close() still running").isFalse();
    }
  }

  @Test
  void closeIsIdempotent() {
    RpcServer server = prog.server().tcp(0).udp(0).start();
    server.close();
    server.close();
    assertThat(server.connectionCount()).isZero();
  }

  @Test
  void portZeroServesTcpAndUdpOnOnePortNumber() throws IOException {
    try (RpcServer server = prog.server().port(0).start()) {
      assertThat(server.tcpPort()).isPositive().isEqualTo(server.udpPort());
      assertThat(server.bindAddress()).isEqualTo(RawWire.LOOPBACK);
      Reply ok = new Reply.Success(0x8201, OpaqueAuth.NONE);
      assertReply(RawWire.tcpExchange(server, call(0x8201, PROGRAM, V2, 0)), ok);
      assertReply(RawWire.udpExchange(server, call(0x8201, PROGRAM, V2, 0)), ok);
    }
  }

  @Test
  void transportNotAskedForIsNotOpened() {
    try (RpcServer udpOnly = prog.server().udp(0).start();
        RpcServer tcpOnly = prog.server().tcp(0).start()) {
      assertThat(udpOnly.tcpPort()).isEqualTo(-1);
      assertThat(udpOnly.udpPort()).isPositive();
      assertThat(tcpOnly.udpPort()).isEqualTo(-1);
      assertThat(tcpOnly.tcpPort()).isPositive();
    }
  }
}
