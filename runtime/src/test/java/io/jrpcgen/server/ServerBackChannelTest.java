package io.jrpcgen.server;

import static io.jrpcgen.server.RawWire.call;
import static io.jrpcgen.server.RawWire.record;
import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.client.RpcClient;
import io.jrpcgen.internal.rpc.CallHeader;
import io.jrpcgen.internal.rpc.RpcMessages;
import io.jrpcgen.rpc.AcceptStat;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.xdr.XdrCodec;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A TCP connection's back channel seen from a raw client: the server's call arrives on the
 * connection, the client's reply reaches the procedure, and calls in progress fail when the client
 * leaves.
 */
class ServerBackChannelTest {
  private static final int PROGRAM = 0x2000_5151;

  /** {@code int ASK(int n)}: calls the client's {@code INC(n)} and replies with its result. */
  private static final int ASK = 1;

  /**
   * {@code int ASK_BLOCKING(int n)}: calls {@code INC(n)} and waits for it on the thread that reads
   * the connection, where its reply can never be read; -1 when the call is refused.
   */
  private static final int ASK_BLOCKING = 2;

  private static final int CLIENT_PROGRAM = 0x4000_5151;
  private static final int INC = 1;

  private final BlockingQueue<CompletableFuture<Integer>> callsBack = new LinkedBlockingQueue<>();
  private final Opened opened = new Opened();

  @AfterEach
  void closeAll() throws Exception {
    opened.close();
  }

  private RpcServer start() {
    ProgramDefinition program =
        ProgramDefinition.builder(PROGRAM, 1)
            .procedure(
                Procedure.ofAsync(
                    ASK,
                    "ASK",
                    XdrCodec.INT,
                    XdrCodec.INT,
                    (call, n) -> {
                      // Long enough that only the connection's end can fail it within the test.
                      CompletableFuture<Integer> back =
                          RpcClient.create(call.backChannel().orElseThrow(), CLIENT_PROGRAM, 1)
                              .withTimeout(Duration.ofMinutes(5))
                              .callAsync(INC, XdrCodec.INT, n, XdrCodec.INT);
                      callsBack.add(back);
                      return back;
                    }))
            .procedure(
                Procedure.of(
                    ASK_BLOCKING,
                    "ASK_BLOCKING",
                    XdrCodec.INT,
                    XdrCodec.INT,
                    (call, n) -> {
                      try {
                        return RpcClient.create(call.backChannel().orElseThrow(), CLIENT_PROGRAM, 1)
                            .withTimeout(Duration.ofMinutes(5))
                            .call(INC, XdrCodec.INT, n, XdrCodec.INT);
                      } catch (RuntimeException refused) {
                        return -1;
                      }
                    }))
            .build();
    return opened.add(
        RpcServer.builder().program(program).bindAddress(RawWire.LOOPBACK).tcp(0).start());
  }

  /** Reads the server's call of {@code INC(n)} on {@code s}; its xid. */
  private static int readIncCall(Socket s, int n) throws Exception {
    XdrDecoder in = new XdrDecoder(RawWire.readRecord(s));
    int xid = in.readInt();
    assertThat(in.readInt()).as("message type").isEqualTo(RpcMessages.CALL);
    assertThat(in.readInt()).as("RPC version").isEqualTo(RpcMessages.RPC_VERSION);
    CallHeader header = RpcMessages.readCallBody(xid, in);
    assertThat(header.program()).isEqualTo(CLIENT_PROGRAM);
    assertThat(header.procedure()).isEqualTo(INC);
    assertThat(in.readInt()).as("argument").isEqualTo(n);
    in.requireEnd();
    return xid;
  }

  @Test
  void theServersCallArrivesOnTheConnectionAndTheClientsReplyAnswersIt() throws Exception {
    Socket s = opened.connect(start());
    RawWire.send(s, record(call(1, PROGRAM, 1, ASK, out -> out.writeInt(41))));
    int xid = readIncCall(s, 41);
    XdrEncoder reply = new XdrEncoder();
    RpcMessages.writeAccepted(reply, xid, OpaqueAuth.NONE, AcceptStat.SUCCESS);
    reply.writeInt(42);
    RawWire.send(s, record(reply.toByteArray()));
    RawWire.assertIntResult(RawWire.readRecord(s), 1, 42);
  }

  @Test
  void aBlockingCallBackFromTheThreadThatReadsTheConnectionIsRefusedNotLeftToTimeOut()
      throws Exception {
    Socket s = opened.connect(start());
    RawWire.send(s, record(call(1, PROGRAM, 1, ASK_BLOCKING, out -> out.writeInt(1))));
    RawWire.assertIntResult(RawWire.readRecord(s), 1, -1);
  }

  @Test
  void aCallToAClientThatLeavesFailsAtOnceNotAtItsTimeout() throws Exception {
    Socket s = opened.connect(start());
    RawWire.send(s, record(call(1, PROGRAM, 1, ASK, out -> out.writeInt(1))));
    readIncCall(s, 1);
    CompletableFuture<Integer> back = callsBack.poll(RawWire.TIMEOUT_MS, TimeUnit.MILLISECONDS);
    assertThat(back).isNotNull();
    s.close();
    RawWire.awaitTrue("the call back failed", back::isCompletedExceptionally);
  }
}
