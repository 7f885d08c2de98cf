package io.jrpcgen.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.client.RpcClient;
import io.jrpcgen.rpc.RpcException;
import io.jrpcgen.rpc.RpcStatus;
import io.jrpcgen.transport.RpcChannel;
import io.jrpcgen.xdr.XdrCodec;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A handler that overflows its stack or returns an unencodable result costs one SYSTEM_ERR. */
@Timeout(20)
class ServerSurvivesHandlerErrorsTest {
  private static final int PROGRAM = 0x20000077;

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "udp"})
  void stackOverflowAndUnencodableResultsAreSystemErrors(String transport) {
    IntUnaryOperator[] recurse = new IntUnaryOperator[1];
    recurse[0] = n -> recurse[0].applyAsInt(n + 1) + 1;
    ProgramDefinition program =
        ProgramDefinition.builder(PROGRAM, 1)
            .procedure(
                Procedure.of(
                    1,
                    "RECURSE",
                    XdrCodec.INT,
                    XdrCodec.INT,
                    (call, n) -> recurse[0].applyAsInt(n)))
            .procedure(
                Procedure.of(
                    2, "NULL_STRING", XdrCodec.VOID, XdrCodec.string(10), (call, v) -> null))
            .procedure(Procedure.of(3, "ECHO", XdrCodec.INT, XdrCodec.INT, (call, n) -> n))
            .build();
    try (RpcServer server =
            RpcServer.builder()
                .program(program)
                .bindAddress(InetAddress.getLoopbackAddress())
                .port(0)
                .start();
        RpcClient client =
            RpcClient.create(
                transport.equals("udp")
                    ? RpcChannel.udp(new InetSocketAddress("127.0.0.1", server.udpPort()))
                    : RpcChannel.tcp(new InetSocketAddress("127.0.0.1", server.tcpPort())),
                PROGRAM,
                1)) {
      assertThatThrownBy(() -> client.call(1, XdrCodec.INT, 0, XdrCodec.INT))
          .isInstanceOf(RpcException.class)
          .hasMessage("127.0.0.1: RPC: Remote system error")
          .satisfies(
              e -> assertThat(((RpcException) e).status()).isEqualTo(RpcStatus.SYSTEM_ERROR));
      assertThatThrownBy(() -> client.call(2, XdrCodec.VOID, null, XdrCodec.string(10)))
          .hasMessage("127.0.0.1: RPC: Remote system error");
      assertThat(client.call(3, XdrCodec.INT, 42, XdrCodec.INT)).isEqualTo(42);
    }
  }
}
