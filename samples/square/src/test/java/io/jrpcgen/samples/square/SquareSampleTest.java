package io.jrpcgen.samples.square;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.portmap.EmbeddedPortmapper;
import io.jrpcgen.server.RpcServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The sample's server and client on loopback, the client finding the server by portmapper. */
class SquareSampleTest {
  private EmbeddedPortmapper portmapper;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void startPortmapper() {
    portmapper = EmbeddedPortmapper.start(0);
  }

  @AfterEach
  void stopPortmapper() {
    portmapper.close();
  }

  private int client(String... args) {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--portmapper-port";
    all[args.length + 1] = Integer.toString(portmapper.port());
    return SquareClient.run(all, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "udp"})
  void theClientFindsTheServerAndSquares(String protocol) {
    try (RpcServer server = SquareServer.start(0, Duration.ZERO, portmapper.localAddress())) {
      assertThat(client("127.0.0.1", "5", protocol)).isZero();
      assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("result: 25\n");
    }
  }

  @Test
  void aSleepingServerTimesOutAShortOverride() {
    try (RpcServer server = SquareServer.start(0, Duration.ofSeconds(2),
        portmapper.localAddress())) {
      assertThat(client("127.0.0.1", "5", "tcp", "--timeout", "1")).isEqualTo(1);
      assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("127.0.0.1: RPC: Timed out\n");
    }
  }

  @Test
  void noServerIsReportedAsRpcgenDoes() {
    assertThat(client("127.0.0.1", "5")).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo("127.0.0.1: RPC: Program not registered\n");
  }

  @Test
  void badUsageExitsWithTwo() {
    assertThat(SquareClient.run(new String[] {"127.0.0.1"}, new PrintStream(out),
        new PrintStream(err))).isEqualTo(2);
    assertThat(client("127.0.0.1", "five")).isEqualTo(2);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-1", "soon"})
  void aTimeoutThatIsNotAPositiveNumberIsAUsageError(String timeout) {
    assertThat(client("127.0.0.1", "5", "tcp", "--timeout", timeout)).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith("square-client: --timeout needs a positive number of seconds: " + timeout)
        .contains("usage: square-client");
  }

  @Test
  void anOptionWithoutItsValueIsAUsageError() {
    assertThat(SquareClient.run(new String[] {"127.0.0.1", "5", "--timeout"},
        new PrintStream(out), new PrintStream(err, true, StandardCharsets.UTF_8))).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith("square-client: --timeout needs a value");
  }

  @Test
  void theServerLauncherBoundsTheHeap() throws Exception {
    String launcher = java.nio.file.Files.readString(java.nio.file.Path.of("run-sample"));
    assertThat(launcher).contains("-Xmx");
  }

  @Test
  void theDemoRunsEndToEnd() {
    PrintStream original = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      SquareDemo.main(new String[0]);
    } finally {
      System.setOut(original);
    }
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("tcp: square(5) -> result: 25", "tcp: square(11) -> result: 121",
            "udp: square(7) -> result: 49", "slow server, 1 s timeout: 127.0.0.1: RPC: Timed out");
  }
}
