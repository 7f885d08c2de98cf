package io.jrpcgen.samples.square;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.portmap.EmbeddedPortmapper;
import io.jrpcgen.portmap.PortmapRegistrar;
import io.jrpcgen.server.CallContext;
import io.jrpcgen.server.RpcServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The book's two {@code clnt_control} programs as the client's {@code --square5} and {@code
 * --square9}, against a server that notes where each call came from.
 */
@Timeout(60)
class SquareControlProgramsTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final Set<InetSocketAddress> callers = ConcurrentHashMap.newKeySet();
  private final AtomicInteger calls = new AtomicInteger();
  private EmbeddedPortmapper portmapper;
  private RpcServer server;

  @BeforeEach
  void startServer() {
    portmapper = EmbeddedPortmapper.start(0);
    SquareProg.SquareVers square =
        in -> {
          callers.add(CallContext.current().remoteAddress());
          calls.incrementAndGet();
          return new SquareOut(in.arg1() * in.arg1());
        };
    server =
        RpcServer.builder()
            .program(SquareProg.bindSquareVers(square))
            .bindAddress(InetAddress.getLoopbackAddress())
            .port(0)
            .registrar(PortmapRegistrar.at(portmapper.localAddress()))
            .start();
  }

  @AfterEach
  void stopServer() {
    server.close();
    portmapper.close();
  }

  private int client(String... args) {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--portmapper-port";
    all[args.length + 1] = Integer.toString(portmapper.port());
    return SquareClient.run(
        all,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String output() {
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void square5OverTcpHasATimeoutAndNoRetryInterval() {
    assertThat(client("127.0.0.1", "5", "tcp", "--square5")).isZero();
    assertThat(output())
        .isEqualTo(
            "timeout = 25 s (CLGET_TIMEOUT)\n"
                + "no retry interval: TCP does not resend (CLGET_RETRY_TIMEOUT unsupported)\n"
                + "result: 25\n");
  }

  @Test
  void square5OverUdpHasBoth() {
    assertThat(client("127.0.0.1", "7", "udp", "--square5", "--timeout", "10")).isZero();
    assertThat(output())
        .isEqualTo(
            "timeout = 10 s (CLGET_TIMEOUT)\n"
                + "retry interval = 15 s (CLGET_RETRY_TIMEOUT)\n"
                + "result: 49\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"-1", "later"})
  void aStayThatIsNoNumberOfSecondsIsAUsageError(String stay) {
    assertThat(client("127.0.0.1", "5", "--square9", "--stay", stay)).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith("square-client: --stay needs a number of seconds, 0 or more: " + stay);
  }

  @Test
  void square9CallsTwiceOnOneConnectionClosesItAndStaysAlive() throws Exception {
    AtomicInteger exit = new AtomicInteger(-1);
    Thread client =
        new Thread(() -> exit.set(client("127.0.0.1", "5", "tcp", "--square9", "--stay", "30")));
    client.start();
    try {
      await("the client closed", () -> output().contains("client closed"));
      // The connection ends while the process stays: the server sees it go.
      await("the connection gone", () -> server.connectionCount() == 0);
      assertThat(client.isAlive()).isTrue();
    } finally {
      client.interrupt();
      client.join(TimeUnit.SECONDS.toMillis(10));
    }
    assertThat(exit.get()).isZero();
    assertThat(calls.get()).isEqualTo(2);
    InetSocketAddress caller = callers.iterator().next();
    assertThat(callers).hasSize(1);
    String[] lines = output().split("\n");
    assertThat(lines).hasSize(4);
    assertThat(lines[0]).isEqualTo("result: 25");
    assertThat(lines[1]).isEqualTo("result: 100");
    assertThat(lines[2])
        .isEqualTo(
            "both calls from 127.0.0.1:"
                + caller.getPort()
                + " to 127.0.0.1:"
                + server.tcpPort()
                + " (tcp)");
    assertThat(lines[3])
        .startsWith(
            "client closed (clnt_destroy); pid "
                + ProcessHandle.current().pid()
                + " stays up: ss -tan '( sport = :"
                + caller.getPort()
                + " )'");
  }

  @Test
  void square9WithNoStayReturns() {
    assertThat(client("127.0.0.1", "5", "udp", "--square9", "--stay", "0")).isZero();
    assertThat(output())
        .startsWith("result: 25\nresult: 100\nboth calls from 127.0.0.1:")
        .contains(" (udp)\nclient closed (clnt_destroy); pid ");
    assertThat(callers).hasSize(1);
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(10);
    }
  }
}
