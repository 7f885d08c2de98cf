package io.jrpcgen.server;

import static io.jrpcgen.server.RawWire.call;
import static io.jrpcgen.server.RawWire.record;
import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.internal.rpc.RpcMessages;
import io.jrpcgen.rpc.AcceptStat;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.xdr.Opaque;
import io.jrpcgen.xdr.XdrCodec;
import io.jrpcgen.xdr.XdrEncoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Replies holding large opaques, which leave from the opaque's own array: byte for byte what a
 * reply encoded in one array would be, alone or gathered with the replies to pipelined calls.
 */
class ServerLargeReplyTest {
  private static final int PROGRAM = 0x2000_4321;
  private static final int ECHO = 1;
  private static final XdrCodec<Opaque> BLOB = XdrCodec.opaque(XdrCodec.UNBOUNDED);

  private RpcServer server;

  @BeforeEach
  void start() {
    server =
        RpcServer.builder()
            .program(
                ProgramDefinition.builder(PROGRAM, 1)
                    .procedure(Procedure.of(ECHO, "ECHO", BLOB, BLOB, (context, data) -> data))
                    .build())
            .bindAddress(RawWire.LOOPBACK)
            .tcp(0)
            .start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static byte[] payload(int length, int seed) {
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = (byte) (i * 13 + seed);
    }
    return b;
  }

  private static byte[] echoCall(int xid, byte[] data) {
    return call(
        xid,
        PROGRAM,
        1,
        ECHO,
        out -> out.writeVariableOpaque(Opaque.copyOf(data), XdrCodec.UNBOUNDED));
  }

  /** The reply as one contiguous encoding, written by hand rather than by the server's code. */
  private static byte[] expectedReply(int xid, byte[] data) {
    XdrEncoder out = new XdrEncoder();
    RpcMessages.writeAccepted(out, xid, OpaqueAuth.NONE, AcceptStat.SUCCESS);
    out.writeInt(data.length);
    out.writeRaw(data, 0, data.length);
    return out.toByteArray();
  }

  @Test
  void largeReplyIsTheBytesOfOneContiguousEncoding() throws IOException {
    byte[] data = payload(XdrEncoder.REFERENCE_THRESHOLD * 4 + 3, 1);
    try (Socket s = RawWire.connect(server)) {
      RawWire.send(s, record(echoCall(0x6000, data)));
      assertThat(Arrays.equals(RawWire.readRecord(s), expectedReply(0x6000, data))).isTrue();
    }
  }

  @Test
  void pipelinedLargeAndSmallRepliesGatheredInOneWriteStayWholeAndInOrder() throws IOException {
    int[] sizes = {
      XdrEncoder.REFERENCE_THRESHOLD,
      5,
      XdrEncoder.REFERENCE_THRESHOLD + 1,
      0,
      XdrEncoder.REFERENCE_THRESHOLD * 2 + 2
    };
    ByteArrayOutputStream calls = new ByteArrayOutputStream();
    for (int i = 0; i < sizes.length; i++) {
      calls.writeBytes(record(echoCall(0x6100 + i, payload(sizes[i], i))));
    }
    try (Socket s = RawWire.connect(server)) {
      // One write: the server finds the next calls buffered and gathers the replies.
      RawWire.send(s, calls.toByteArray());
      for (int i = 0; i < sizes.length; i++) {
        assertThat(
                Arrays.equals(
                    RawWire.readRecord(s), expectedReply(0x6100 + i, payload(sizes[i], i))))
            .as("reply %d", i)
            .isTrue();
      }
    }
  }
}
