package io.jrpcgen.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.client.RpcClient;
import io.jrpcgen.rpc.CallOptions;
import io.jrpcgen.transport.RpcChannel;
import io.jrpcgen.xdr.XdrCodec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When a server calls its registrar, and what happens when the registrar fails. */
class ServerRegistrarTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final int PROGRAM = 0x2000_4321;

  private final List<String> events = new ArrayList<>();

  private static ProgramDefinition version(int version) {
    return ProgramDefinition.builder(PROGRAM, version)
        .procedure(Procedure.of(1, "ONE", XdrCodec.VOID, XdrCodec.INT, (c, v) -> 1))
        .build();
  }

  /** Whether the server at {@code port} answers NULLPROC over TCP. */
  private static String ping(int port) {
    try (RpcClient client =
        RpcClient.create(
            RpcChannel.tcp(new InetSocketAddress(LOOPBACK, port)),
            PROGRAM,
            1,
            CallOptions.DEFAULTS.withTimeout(Duration.ofSeconds(3)))) {
      client.ping();
      return "serving";
    } catch (RuntimeException e) {
      return "not serving";
    }
  }

  @Test
  void registersOnceServingAndUnregistersBeforeClosing() {
    Registrar registrar =
        server -> {
          events.add(
              "register " + server.programs().size() + " versions, " + ping(server.tcpPort()));
          return () -> events.add("unregister, " + ping(server.tcpPort()));
        };
    RpcServer server =
        RpcServer.builder()
            .bindAddress(LOOPBACK)
            .port(0)
            .program(version(1))
            .program(version(2))
            .registrar(registrar)
            .start();
    assertThat(server.programs()).extracting(ProgramDefinition::version).containsExactly(1, 2);
    events.add("started");
    server.close();
    server.close();
    assertThat(events)
        .containsExactly("register 2 versions, serving", "started", "unregister, serving");
  }

  @Test
  void aRegistrarThatFailsClosesTheServer() {
    int[] port = new int[1];
    Registrar failing =
        server -> {
          port[0] = server.tcpPort();
          throw new IllegalStateException("no portmapper (expected by the test)");
        };
    assertThatThrownBy(
            () ->
                RpcServer.builder()
                    .bindAddress(LOOPBACK)
                    .port(0)
                    .program(version(1))
                    .registrar(failing)
                    .start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no portmapper (expected by the test)");
    assertThatThrownBy(() -> new Socket(LOOPBACK, port[0]).close()).isInstanceOf(IOException.class);
  }

  @Test
  void anUnregistrationThatFailsDoesNotStopClose() {
    RpcServer server =
        RpcServer.builder()
            .bindAddress(LOOPBACK)
            .port(0)
            .program(version(1))
            .registrar(
                s ->
                    () -> {
                      throw new IllegalStateException("portmapper gone (expected by the test)");
                    })
            .start();
    int port = server.tcpPort();
    server.close();
    assertThat(ping(port)).isEqualTo("not serving");
  }

  @Test
  void aNullRegistrarIsRefused() {
    assertThatThrownBy(() -> RpcServer.builder().registrar(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("registrar is null");
  }
}
