package io.jrpcgen.server;

import static io.jrpcgen.server.RawWire.call;
import static io.jrpcgen.server.RawWire.record;
import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.client.RpcClient;
import io.jrpcgen.testsupport.CapturedLog;
import io.jrpcgen.transport.RpcChannel;
import io.jrpcgen.xdr.Opaque;
import io.jrpcgen.xdr.XdrCodec;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Slow peers, whether they never read or trickle a call, do not hold a server thread for ever. */
class ServerSlowPeerTest {
  @RegisterExtension final CapturedLog log = new CapturedLog(RpcServer.class.getName());

  private static final int PROGRAM = 0x2000_4321;
  private static final int BIG = 1;
  private static final int REPLY_SIZE = 1 << 20;

  @Test
  void aPeerThatNeverReadsIsClosedAfterTheRecordTimeout() throws Exception {
    try (RpcServer server = serverOfBig(Duration.ofMillis(300));
        Socket greedy = new Socket()) {
      greedy.setReceiveBufferSize(4096);
      greedy.connect(new InetSocketAddress(RawWire.LOOPBACK, server.tcpPort()), 3_000);
      // Twenty 1 MiB replies: far more than the two sockets' buffers hold.
      ByteArrayOutputStream calls = new ByteArrayOutputStream();
      for (int i = 0; i < 20; i++) {
        calls.writeBytes(
            record(call(0x7000 + i, PROGRAM, 1, BIG, out -> out.writeInt(REPLY_SIZE))));
      }
      OutputStream toServer = greedy.getOutputStream();
      toServer.write(calls.toByteArray());
      toServer.flush();
      awaitConnections(server, 1);
      awaitConnections(server, 0);
      assertThat(server.connectionCount()).as("the stuck connection was closed").isZero();
      assertThat(log.messages(Level.FINE))
          .contains(
              "closing connection from /127.0.0.1:"
                  + greedy.getLocalPort()
                  + ": it has not read its replies for PT0.3S");

      try (RpcClient client = client(server)) {
        assertThat(client.call(BIG, XdrCodec.INT, 3, XdrCodec.opaque(XdrCodec.UNBOUNDED)))
            .isEqualTo(Opaque.copyOf(new byte[3]));
      }
    }
  }

  @Test
  void aConnectionClosedForARecordTooLongIsLoggedAtDebug() throws Exception {
    try (RpcServer server = new TestProgram().server().tcp(0).maxRecordSize(100).start();
        Socket s = RawWire.connect(server)) {
      RawWire.send(s, new byte[] {(byte) 0x80, 0, 1, 0});
      RawWire.assertClosedByServer(s);
      RawWire.awaitTrue(
          "the close logged",
          () ->
              log.messages(Level.FINE)
                  .contains(
                      "closing connection from /127.0.0.1:"
                          + s.getLocalPort()
                          + ": "
                          + "io.jrpcgen.internal.transport.RecordTooLongException: record of at least 256 bytes"
                          + " exceeds the maximum of 100"));
    }
  }

  @Test
  void aSlowButSteadyReaderIsNotCutOff() throws IOException {
    try (RpcServer server = serverOfBig(Duration.ofSeconds(2));
        RpcClient client = client(server)) {
      for (int i = 0; i < 5; i++) {
        assertThat(
                client
                    .call(BIG, XdrCodec.INT, REPLY_SIZE, XdrCodec.opaque(XdrCodec.UNBOUNDED))
                    .length())
            .isEqualTo(REPLY_SIZE);
      }
    }
  }

  @Test
  void aReplyReadSlowlyButWithinTheRecordTimeoutIsNotCutOff() throws Exception {
    int size = 8 << 20;
    // Read in about 2.6 s: the write outlasts the sockets' buffers and the watchdog looks at it
    // at least once (every second for this timeout), far within the timeout.
    try (RpcServer server = serverOfBig(Duration.ofSeconds(20));
        Socket slow = new Socket()) {
      slow.setReceiveBufferSize(4096);
      slow.connect(new InetSocketAddress(RawWire.LOOPBACK, server.tcpPort()), RawWire.TIMEOUT_MS);
      slow.setSoTimeout(RawWire.TIMEOUT_MS);
      RawWire.send(slow, record(call(0x7100, PROGRAM, 1, BIG, out -> out.writeInt(size))));
      // The reply header (24 bytes), the opaque's length, its bytes.
      assertThat(readRecordSlowly(slow.getInputStream())).isEqualTo(24 + 4 + size);
      assertThat(server.connectionCount()).isEqualTo(1);
    }
  }

  /** Reads one record at about 64 KiB per 20 ms; the length of its message. */
  private static long readRecordSlowly(InputStream in) throws IOException, InterruptedException {
    DataInputStream data = new DataInputStream(in);
    byte[] chunk = new byte[64 * 1024];
    long total = 0;
    boolean last;
    do {
      int header = data.readInt();
      last = header < 0;
      int left = header & 0x7fff_ffff;
      while (left > 0) {
        int n = data.read(chunk, 0, Math.min(chunk.length, left));
        if (n < 0) {
          throw new EOFException("closed after " + total + " bytes");
        }
        if ((total + n) / chunk.length > total / chunk.length) {
          Thread.sleep(20);
        }
        total += n;
        left -= n;
      }
    } while (!last);
    return total;
  }

  @Test
  void aPeerTricklingACallIsClosedAfterTheRecordTimeout() throws Exception {
    try (RpcServer server =
            new TestProgram()
                .server()
                .bindAddress(RawWire.LOOPBACK)
                .tcp(0)
                .recordTimeout(Duration.ofMillis(600))
                .start();
        Socket trickler = RawWire.connect(server)) {
      // A record of 100 bytes, announced, then sent a byte at a time, each well within 600 ms.
      OutputStream toServer = trickler.getOutputStream();
      toServer.write(new byte[] {(byte) 0x80, 0, 0, 100});
      awaitConnections(server, 1);
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      try {
        for (int i = 0;
            i < 100 && server.connectionCount() > 0 && System.nanoTime() < deadline;
            i++) {
          Thread.sleep(150);
          toServer.write(0);
        }
      } catch (IOException e) {
        // The server closed the connection under the writes: what the test waits for.
      }
      awaitConnections(server, 0);
      assertThat(server.connectionCount()).as("the trickling connection was closed").isZero();
    }
  }

  /** A server of {@code opaque BIG(int size)}, whose reply is {@code size} zero bytes, on TCP. */
  private static RpcServer serverOfBig(Duration recordTimeout) {
    ProgramDefinition program =
        ProgramDefinition.builder(PROGRAM, 1)
            .procedure(
                Procedure.of(
                    BIG,
                    "BIG",
                    XdrCodec.INT,
                    XdrCodec.opaque(XdrCodec.UNBOUNDED),
                    (call, size) -> Opaque.copyOf(new byte[size])))
            .build();
    return RpcServer.builder()
        .program(program)
        .bindAddress(RawWire.LOOPBACK)
        .tcp(0)
        .recordTimeout(recordTimeout)
        .start();
  }

  private static RpcClient client(RpcServer server) {
    return RpcClient.create(
        RpcChannel.tcp(new InetSocketAddress(RawWire.LOOPBACK, server.tcpPort())), PROGRAM, 1);
  }

  /** Waits, up to 5 s, for the server to hold {@code n} connections. */
  private static void awaitConnections(RpcServer server, int n) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (server.connectionCount() != n && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
  }
}
