package io.jrpcgen.samples.square;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.client.RpcClientFactory;
import io.jrpcgen.gss.GssCaller;
import io.jrpcgen.gss.GssLogin;
import io.jrpcgen.gss.GssService;
import io.jrpcgen.gss.GssSettings;
import io.jrpcgen.gss.RpcSecGssClient;
import io.jrpcgen.gss.RpcSecGssServer;
import io.jrpcgen.portmap.EmbeddedPortmapper;
import io.jrpcgen.portmap.PortmapRegistrar;
import io.jrpcgen.server.CallContext;
import io.jrpcgen.server.RpcServer;
import io.jrpcgen.transport.RpcChannel;
import io.jrpcgen.transport.TcpChannel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample over RPCSEC_GSS krb5i in the throwaway realm the README's {@code test-realm} script
 * makes, and the README's Kerberos code, line for line. Skips, loudly, without the KDC.
 */
class SquareKerberosSampleTest {
  @TempDir static Path dir;
  private static Path realmDir;
  private static long kdcPid;

  @BeforeAll
  static void makeRealm() throws IOException, InterruptedException {
    if (!Files.isExecutable(Path.of("/usr/sbin/krb5kdc"))
        || !Files.isExecutable(Path.of("/usr/sbin/kadmin.local"))) {
      String message =
          "SKIPPED: krb5kdc or kadmin.local missing (krb5-kdc, krb5-admin-server):"
              + " the Kerberos sample did not run";
      System.err.println(message);
      Assumptions.abort(message);
    }
    realmDir = dir.resolve("realm");
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Process script =
        new ProcessBuilder("./test-realm", realmDir.toString(), Integer.toString(port))
            .redirectErrorStream(true)
            .start();
    assertThat(script.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String said = new String(script.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(script.exitValue()).as(said).isZero();
    kdcPid = Long.parseLong(Files.readString(realmDir.resolve("krb5kdc.pid")).trim());
    System.setProperty("java.security.krb5.conf", realmDir.resolve("krb5.conf").toString());
  }

  @AfterAll
  static void stopKdc() {
    if (kdcPid != 0) {
      ProcessHandle.of(kdcPid).ifPresent(ProcessHandle::destroy);
    }
  }

  @Test
  void theClientSquaresOverKrb5iAndAPlainCallIsTooWeak() {
    try (EmbeddedPortmapper portmapper = EmbeddedPortmapper.start(0)) {
      RpcSecGssServer gss =
          RpcSecGssServer.create(GssLogin.acceptor(realmDir.resolve("server.keytab")));
      try (RpcServer server =
          SquareServer.kerberosBuilder(0, portmapper.localAddress(), gss).start()) {
        String pm = Integer.toString(portmapper.port());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code =
            SquareClient.run(
                new String[] {
                  "127.0.0.1",
                  "5",
                  "--portmapper-port",
                  pm,
                  "--sec",
                  "krb5i",
                  "--gss-service",
                  "rpc@localhost",
                  "--keytab",
                  realmDir.resolve("alice.keytab").toString(),
                  "--principal",
                  "alice@JRPCGEN.TEST"
                },
                print(out),
                print(err));
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("result: 25\n");
        assertThat(code).isZero();
        assertThat(gss.stats().contextsEstablished()).isEqualTo(1);
        assertThat(gss.stats().contextsDestroyed()).isEqualTo(1);

        err.reset();
        assertThat(
                SquareClient.run(
                    new String[] {"127.0.0.1", "5", "--portmapper-port", pm},
                    print(out),
                    print(err)))
            .isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
            .contains("RPC: Authentication error; why = Client credential too weak");
      }
    }
  }

  @Test
  void theReadmeKerberosCodeRuns() throws IOException {
    String realm = realmDir.toString();
    CapturedStdout printed = CapturedStdout.start();
    try (printed) {
      // spotless:off
      // From here to the end marker: the README's Kerberos example, verbatim.
      // Server: accept contexts with the keys in the service's keytab; procedures see the caller.
      GssLogin service = GssLogin.acceptor(Path.of(realm, "server.keytab"));
      RpcSecGssServer gss = RpcSecGssServer.create(service);
      SquareProg.SquareVers square = in -> {
        GssCaller caller = CallContext.current().gssCaller().orElseThrow();  // alice@JRPCGEN.TEST
        return new SquareOut(in.arg1() * in.arg1());
      };
      RpcServer server = RpcServer.builder().program(SquareProg.bindSquareVers(square))
          .security(gss).port(0).start();

      // Client: a context on the channel, then calls encrypted (krb5p).
      GssLogin alice = GssLogin.keytab("alice@JRPCGEN.TEST", Path.of(realm, "alice.keytab"));
      InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.tcpPort());
      try (TcpChannel channel = RpcChannel.tcp(address);
          RpcSecGssClient context = RpcSecGssClient.establish(channel, SquareProg.SQUARE_PROG,
              SquareProg.SQUARE_VERS, GssSettings.of("rpc@localhost", alice, GssService.PRIVACY))) {
        SquareProg.SquareVersClient client =
            SquareProg.SquareVersClient.create(channel).withOptions(context.callOptions());
        System.out.println(client.squareproc(new SquareIn(5)).res1());   // 25
        System.out.println(client.squareprocAsync(new SquareIn(6)).join().res1());  // 36
      }
      server.close();
      // End of the README's example.
      // spotless:on
    }
    assertThat(printed.text()).isEqualTo("25\n36\n");
    assertThat(readmeExample("kerberos-example")).isEqualTo(thisExample("README's Kerberos"));
  }

  @Test
  void theReadmeKerberosFactoryCodeRuns() throws IOException {
    String realm = realmDir.toString();
    CapturedStdout printed = CapturedStdout.start();
    try (printed) {
      // spotless:off
      // From here to the end marker: the README's Kerberos factory example, verbatim.
      // A server registered with a portmapper (embedded here; rpcbind on port 111 by default).
      GssLogin service = GssLogin.acceptor(Path.of(realm, "server.keytab"));
      GssLogin alice = GssLogin.keytab("alice@JRPCGEN.TEST", Path.of(realm, "alice.keytab"));
      try (EmbeddedPortmapper portmapper = EmbeddedPortmapper.start(0);
          RpcServer server = RpcServer.builder()
              .program(SquareProg.bindSquareVers(in -> new SquareOut(in.arg1() * in.arg1())))
              .security(RpcSecGssServer.create(service)).port(0)
              .registrar(PortmapRegistrar.at(portmapper.localAddress())).start()) {
        // clnt_create with Kerberos: find the server, then make a krb5i context the client owns.
        RpcClientFactory krb5i = RpcClientFactory.DEFAULT.withPortmapperPort(portmapper.port())
            .withGss(GssSettings.of("rpc@localhost", alice, GssService.INTEGRITY));
        try (SquareProg.SquareVersClient client =
            SquareProg.SquareVersClient.create(krb5i, "127.0.0.1", "tcp")) {
          System.out.println(client.squareproc(new SquareIn(7)).res1());   // 49
        }  // RPCSEC_GSS_DESTROY, then the connection closes
        // Or on a channel of your own (NFS's port 2049, say): the client owns the context as well.
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.tcpPort());
        try (SquareProg.SquareVersClient client = SquareProg.SquareVersClient.create(
            RpcChannel.tcp(address), GssSettings.of("rpc@localhost", alice, GssService.PRIVACY))) {
          System.out.println(client.squareproc(new SquareIn(8)).res1());   // 64
        }
      }
      // End of the README's example.
      // spotless:on
    }
    assertThat(printed.text()).isEqualTo("49\n64\n");
    assertThat(readmeExample("kerberos-factory-example"))
        .isEqualTo(thisExample("README's Kerberos factory"));
  }

  /** The README's example after {@code <!-- marker -->}, each line stripped of its indent. */
  private static String readmeExample(String marker) throws IOException {
    String readme = Files.readString(Path.of("../../README.md"));
    Matcher m = Pattern.compile("(?s)<!-- " + marker + " -->\n```java\n(.*?)```").matcher(readme);
    assertThat(m.find()).as("README's " + marker + " block").isTrue();
    return stripped(m.group(1));
  }

  /**
   * The example of this class that starts after "the {@code name} example, verbatim", each line
   * stripped of its indent.
   */
  private static String thisExample(String name) throws IOException {
    String source =
        Files.readString(
            Path.of("src/test/java/io/jrpcgen/samples/square/SquareKerberosSampleTest.java"));
    int start = source.indexOf("the " + name + " example, verbatim.");
    int from = source.indexOf('\n', start) + 1;
    int to = source.lastIndexOf('\n', source.indexOf("// End of the README's example.", start)) + 1;
    return stripped(source.substring(from, to));
  }

  private static String stripped(String lines) {
    return lines.lines().map(String::strip).reduce("", (a, b) -> a + b + "\n");
  }

  private static PrintStream print(ByteArrayOutputStream bytes) {
    return new PrintStream(bytes, true, StandardCharsets.UTF_8);
  }
}
