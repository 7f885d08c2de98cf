package io.jrpcgen.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.internal.rpc.RpcMessages;
import io.jrpcgen.internal.transport.Message;
import io.jrpcgen.observe.CallEnd;
import io.jrpcgen.observe.CallObserver;
import io.jrpcgen.observe.CallStatus;
import io.jrpcgen.observe.RpcCall;
import io.jrpcgen.observe.RpcListener;
import io.jrpcgen.rpc.AcceptStat;
import io.jrpcgen.rpc.AuthFlavor;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.rpc.RpcStatus;
import io.jrpcgen.xdr.Opaque;
import io.jrpcgen.xdr.XdrEncoder;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the server's probe reads from calls and replies, including what the wire rarely has. */
class ServerCallProbeTest {
  private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 700);
  private final List<RpcCall> started = new ArrayList<>();
  private final List<CallEnd> ended = new ArrayList<>();
  private final RpcListener listener =
      new RpcListener() {
        @Override
        public CallObserver callStarted(RpcCall call) {
          started.add(call);
          return (c, end) -> ended.add(end);
        }
      };
  private final CallDispatcher dispatcher =
      new CallDispatcher(
          List.of(
              ProgramDefinition.builder(9, 1)
                  .programName("NINE")
                  .procedure(Procedure.ofVoid(1, "ONE", io.jrpcgen.xdr.XdrCodec.VOID, (c, v) -> {}))
                  .build()),
          Set.of());

  private static Message call(int length) {
    ByteBuffer b = ByteBuffer.allocate(length);
    b.putInt(0x77).putInt(RpcMessages.CALL).putInt(2).putInt(9).putInt(1);
    if (length >= 24) {
      b.putInt(1);
    }
    return new Message(b.array(), length);
  }

  private ServerCallProbe start(Message request) {
    return ServerCallProbe.start(
        listener, dispatcher, request, null, PEER, CallContext.Transport.TCP, true);
  }

  @Test
  void aCallHeaderIsEnoughToBeHeard() {
    assertThat(start(call(20))).isNull();
    long before = System.nanoTime();
    ServerCallProbe probe = start(call(24));
    assertThat(started)
        .singleElement()
        .isEqualTo(
            new RpcCall(
                RpcCall.Side.SERVER,
                RpcCall.Transport.TCP,
                true,
                null,
                PEER,
                0x77,
                9,
                1,
                1,
                "NINE",
                "ONE",
                24));
    probe.failed(new OutOfMemoryError("no room"));
    long after = System.nanoTime();
    assertThat(ended)
        .singleElement()
        .satisfies(
            end -> {
              assertThat(end.status()).isEqualTo(new CallStatus.Failed(RpcStatus.FAILED));
              assertThat(end.failure()).hasMessage("no room");
              assertThat(end.replyBytes()).isZero();
              assertThat(end.durationNanos()).isPositive().isLessThanOrEqualTo(after - before);
            });
  }

  @Test
  void aReplyWithALongVerifierIsReadPastIt() {
    ServerCallProbe probe = start(call(24));
    XdrEncoder out = new XdrEncoder();
    out.writeInt(0x1234_5678); // what an earlier reply on the connection left
    int from = out.position();
    RpcMessages.writeAccepted(
        out,
        0x77,
        new OpaqueAuth(AuthFlavor.AUTH_SHORT.value(), Opaque.copyOf(new byte[] {1, 2, 3, 4, 5})),
        AcceptStat.GARBAGE_ARGS);
    probe.ended(true, out, from);
    assertThat(ended)
        .singleElement()
        .satisfies(
            end -> {
              assertThat(end.status()).isEqualTo(CallStatus.accepted(AcceptStat.GARBAGE_ARGS));
              assertThat(end.replyBytes()).isEqualTo(out.position() - from);
            });
  }
}
