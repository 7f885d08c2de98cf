package io.jrpcgen.samples.square;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.portmap.EmbeddedPortmapper;
import io.jrpcgen.server.RpcServer;
import io.jrpcgen.server.ServerTls;
import io.jrpcgen.transport.TlsContexts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The sample's server and client on loopback, the client finding the server by portmapper; in the
 * clear, and over RPC-with-TLS with the throwaway certificate the README's keytool recipe makes.
 */
class SquareSampleTest {
  private static final char[] PASSWORD = "changeit".toCharArray();

  @TempDir Path dir;
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
    return SquareClient.run(
        all,
        new PrintStream(out, true, StandardCharsets.UTF_8),
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
    try (RpcServer server =
        SquareServer.start(0, Duration.ofSeconds(2), portmapper.localAddress())) {
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
    assertThat(
            SquareClient.run(
                new String[] {"127.0.0.1"}, new PrintStream(out), new PrintStream(err)))
        .isEqualTo(2);
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
    assertThat(
            SquareClient.run(
                new String[] {"127.0.0.1", "5", "--timeout"},
                new PrintStream(out),
                new PrintStream(err, true, StandardCharsets.UTF_8)))
        .isEqualTo(2);
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
    CapturedStdout printed = CapturedStdout.start();
    try (printed) {
      SquareDemo.main(new String[0]);
    }
    assertThat(printed.text())
        .contains(
            "tcp: square(5) -> result: 25",
            "tcp: square(11) -> result: 121",
            "udp: square(7) -> result: 49",
            "slow server, 1 s timeout: 127.0.0.1: RPC: Timed out");
  }

  @Test
  void tlsClientSquaresOverTlsAndAPlainClientIsRefused() throws Exception {
    // The README's recipe, step by step.
    keytool(
        "-genkeypair",
        "-alias",
        "square",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=localhost",
        "-ext",
        "SAN=ip:127.0.0.1,dns:localhost",
        "-validity",
        "7",
        "-keystore",
        "server.p12",
        "-storetype",
        "PKCS12",
        "-storepass",
        "changeit");
    keytool(
        "-exportcert",
        "-alias",
        "square",
        "-keystore",
        "server.p12",
        "-storepass",
        "changeit",
        "-file",
        "server.cer");
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "square",
        "-file",
        "server.cer",
        "-keystore",
        "trust.p12",
        "-storetype",
        "PKCS12",
        "-storepass",
        "changeit");

    ServerTls tls =
        ServerTls.of(
            TlsContexts.of(TlsContexts.load(dir.resolve("server.p12"), PASSWORD), PASSWORD, null));
    try (RpcServer server = SquareServer.start(0, Duration.ZERO, portmapper.localAddress(), tls)) {
      assertThat(client("127.0.0.1", "5", "--tls", dir.resolve("trust.p12").toString())).isZero();
      assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("result: 25\n");

      assertThat(client("127.0.0.1", "5")).isEqualTo(1);
      assertThat(err.toString(StandardCharsets.UTF_8))
          .isEqualTo("127.0.0.1: RPC: Authentication error; why = Client credential too weak\n");
    }
  }

  private void keytool(String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(arguments));
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    try {
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("keytool finished").isTrue();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.exitValue()).as("keytool: " + output).isZero();
    } finally {
      p.destroyForcibly();
    }
  }
}
