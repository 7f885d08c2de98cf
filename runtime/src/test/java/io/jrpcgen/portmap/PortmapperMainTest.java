package io.jrpcgen.portmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The command line of {@code jrpcgen-portmap}. */
class PortmapperMainTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return PortmapperMain.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        shutdown -> {
          throw new AssertionError("not expected to serve");
        });
  }

  @Test
  void defaultsToPort111OnEveryInterface() throws Exception {
    assertThat(PortmapperMain.parse(new String[0]))
        .isEqualTo(new PortmapperMain.Options(111, null, false, false));
  }

  @Test
  void takesAPortAndAnAddress() throws Exception {
    assertThat(PortmapperMain.parse(new String[] {"--port", "1111", "--bind", "127.0.0.1"}))
        .isEqualTo(
            new PortmapperMain.Options(1111, InetAddress.getByName("127.0.0.1"), false, false));
    assertThat(PortmapperMain.parse(new String[] {"--port=0", "--bind=::1"}))
        .isEqualTo(new PortmapperMain.Options(0, InetAddress.getByName("::1"), false, false));
  }

  @Test
  void remoteCallsAreOffUnlessAsked() throws Exception {
    assertThat(PortmapperMain.parse(new String[0]).remoteCalls()).isFalse();
    assertThat(PortmapperMain.parse(new String[] {"--remote-calls"}).remoteCalls()).isTrue();
    assertThat(PortmapperMain.parse(new String[] {"-r", "--port", "0"}).remoteCalls()).isTrue();
  }

  @Test
  void servesWhereItSaysUntilShutDown() {
    AtomicInteger port = new AtomicInteger();
    int code =
        PortmapperMain.run(
            new String[] {"--port", "0", "--bind", "127.0.0.1", "-r"},
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            shutdown -> {
              Matcher m =
                  Pattern.compile(
                          "^jrpcgen-portmap: serving PMAP 2 and rpcbind 3, 4 on"
                              + " 127\\.0\\.0\\.1 port (\\d+) \\(TCP and UDP\\), remote calls on\n$")
                      .matcher(out.toString(StandardCharsets.UTF_8));
              assertThat(m.matches()).as(out.toString(StandardCharsets.UTF_8)).isTrue();
              port.set(Integer.parseInt(m.group(1)));
              try (PortmapperClient client =
                  PortmapperClient.tcp(
                      new InetSocketAddress(InetAddress.getLoopbackAddress(), port.get()))) {
                client.ping();
              }
              assertThat(shutdown.isDaemon()).isFalse();
              shutdown.start();
            });
    assertThat(code).isZero();
    assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port.get()).close())
        .isInstanceOf(IOException.class);
  }

  @Test
  void theLastPortIsAPort() throws Exception {
    assertThat(PortmapperMain.parse(new String[] {"--port", "65535"}).port()).isEqualTo(65_535);
    assertThatThrownBy(() -> PortmapperMain.parse(new String[] {"--port=-1"}))
        .hasMessage("--port must be a number from 0 to 65535, got '-1'");
  }

  @Test
  void helpPrintsUsage() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .startsWith("usage: jrpcgen-portmap [--port N] [--bind ADDRESS] [--remote-calls]\n")
        .contains("--port N          the port to serve on (default 111)");
    assertThat(err.size()).isZero();
  }

  @Test
  void badUsageExitsWith2() {
    assertThat(run("--port", "65536")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith(
            "jrpcgen-portmap: --port must be a number from 0 to 65535, got '65536'\nusage: ");
    assertThatThrownBy(() -> PortmapperMain.parse(new String[] {"--port"}))
        .hasMessage("--port needs a value");
    assertThatThrownBy(() -> PortmapperMain.parse(new String[] {"--bind", "localhost"}))
        .hasMessage("--bind must be an IPv4 or IPv6 address, got 'localhost'");
    assertThatThrownBy(() -> PortmapperMain.parse(new String[] {"-p", "1"}))
        .hasMessage("unknown argument '-p'");
  }

  @Test
  void aPortInUseExitsWith1() throws Exception {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (ServerSocket taken = new ServerSocket(0, 1, loopback)) {
      assertThat(run("--port", Integer.toString(taken.getLocalPort()), "--bind", "127.0.0.1"))
          .isEqualTo(1);
      assertThat(err.toString(StandardCharsets.UTF_8))
          .startsWith("jrpcgen-portmap: cannot serve on port " + taken.getLocalPort() + ": ");
    }
  }
}
