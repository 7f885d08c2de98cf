package io.jrpcgen.server;

import static io.jrpcgen.server.RawWire.call;
import static io.jrpcgen.server.RawWire.record;
import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.internal.rpc.Reply;
import io.jrpcgen.internal.rpc.RpcMessages;
import io.jrpcgen.internal.rpc.RpcWithTls;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.testsupport.CapturedLog;
import io.jrpcgen.testsupport.TestCertificates;
import io.jrpcgen.xdr.XdrCodec;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import java.net.Socket;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's side of the switch to TLS (RFC 9289) on a connection that has more in its buffer
 * than the probe: replies to calls ahead of it, and bytes behind it.
 */
class ServerStartTlsTest {
  @TempDir static Path dir;
  private static ServerTls tls;
  // The client's side: it trusts the server's own certificate.
  private static SSLContext clientContext;

  /** A program whose one procedure, {@code int LATER(void)}, replies when {@link #later} does. */
  private static final int LATER_PROGRAM = 0x2000_5152;

  @RegisterExtension final CapturedLog log = new CapturedLog(RpcServer.class.getName());
  private final TestProgram prog = new TestProgram();
  private final CompletableFuture<Integer> later = new CompletableFuture<>();

  @AfterEach
  void release() {
    later.complete(0);
  }

  @BeforeAll
  static void certificates() throws Exception {
    TestCertificates.Identity server =
        TestCertificates.create(dir, "server", "ip:127.0.0.1", null, 2);
    tls = ServerTls.of(server.contextTrusting());
    clientContext = server.contextTrusting(server);
  }

  private static byte[] probe(int xid) {
    XdrEncoder out = new XdrEncoder();
    RpcMessages.writeCall(out, RpcWithTls.probe(xid, TestProgram.PROGRAM, TestProgram.V2));
    return out.toByteArray();
  }

  private static byte[] nullCall(int xid) {
    return record(call(xid, TestProgram.PROGRAM, TestProgram.V2, 0));
  }

  @Test
  void repliesToCallsAheadOfTheProbeLeaveInTheClearBeforeStartTlsAndNotAgainAfter()
      throws Exception {
    ProgramDefinition laterProgram =
        ProgramDefinition.builder(LATER_PROGRAM, 1)
            .procedure(
                Procedure.ofAsync(1, "LATER", XdrCodec.VOID, XdrCodec.INT, (call, v) -> later))
            .build();
    try (RpcServer server = prog.server().program(laterProgram).tcp(0).tls(tls).start();
        Socket s = RawWire.connect(server)) {
      // One write: the NULLPROC reply is held back while the probe waits in the buffer.
      RawWire.send(s, RawWire.concat(nullCall(1), record(probe(2))));
      RawWire.assertReply(RawWire.readRecord(s), new Reply.Success(1, OpaqueAuth.NONE));
      XdrDecoder in = new XdrDecoder(RawWire.readRecord(s));
      assertThat(RpcMessages.readReply(in)).isEqualTo(new Reply.Success(2, RpcWithTls.STARTTLS));
      try (SSLSocket secured =
          (SSLSocket)
              clientContext
                  .getSocketFactory()
                  .createSocket(s, "127.0.0.1", server.tcpPort(), true)) {
        secured.setUseClientMode(true);
        secured.setSSLParameters(RpcWithTls.restrict(secured.getSSLParameters()));
        secured.startHandshake();
        RawWire.send(
            secured,
            RawWire.concat(
                record(call(3, LATER_PROGRAM, 1, 1)), record(call(4, LATER_PROGRAM, 1, 0))));
        RawWire.assertReply(RawWire.readRecord(secured), new Reply.Success(4, OpaqueAuth.NONE));
        // The late reply is written by the thread that completes the call, in TLS too.
        Thread completer = new Thread(() -> later.complete(7), "test-completer");
        completer.setDaemon(true);
        completer.start();
        RawWire.assertIntResult(RawWire.readRecord(secured), 3, 7);
      }
    }
  }

  @Test
  void bytesAfterTheProbeBeforeTheHandshakeCloseTheConnection() throws Exception {
    try (RpcServer server = prog.server().tcp(0).tls(tls).start();
        Socket s = RawWire.connect(server)) {
      // RFC 9289 §5.1.1: nothing but the handshake may follow the probe.
      RawWire.send(s, RawWire.concat(record(probe(1)), nullCall(2)));
      RawWire.assertClosedByServer(s);
      log.await(
          Level.FINE,
          "closing connection from /127.0.0.1:"
              + s.getLocalPort()
              + ": java.io.IOException: data after the AUTH_TLS probe, before the TLS handshake");
    }
  }
}
