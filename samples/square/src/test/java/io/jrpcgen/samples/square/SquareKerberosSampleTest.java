package io.jrpcgen.samples.square;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.gss.GssLogin;
import io.jrpcgen.gss.RpcSecGssServer;
import io.jrpcgen.portmap.EmbeddedPortmapper;
import io.jrpcgen.server.RpcServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample over RPCSEC_GSS krb5i in the throwaway realm the README's {@code test-realm} script
 * makes: the server with its keytab, the client with alice's. Skips, loudly, without the KDC.
 */
class SquareKerberosSampleTest {
  @TempDir
  Path dir;

  @Test
  void theClientSquaresOverKrb5iAndAPlainCallIsTooWeak() throws Exception {
    if (!Files.isExecutable(Path.of("/usr/sbin/krb5kdc"))
        || !Files.isExecutable(Path.of("/usr/sbin/kadmin.local"))) {
      String message = "SKIPPED: krb5kdc or kadmin.local missing (krb5-kdc, krb5-admin-server):"
          + " the Kerberos sample did not run";
      System.err.println(message);
      Assumptions.abort(message);
    }
    Path realm = dir.resolve("realm");
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Process script = new ProcessBuilder("./test-realm", realm.toString(), Integer.toString(port))
        .redirectErrorStream(true).start();
    assertThat(script.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String said = new String(script.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(script.exitValue()).as(said).isZero();
    long kdc = Long.parseLong(Files.readString(realm.resolve("krb5kdc.pid")).trim());
    try (EmbeddedPortmapper portmapper = EmbeddedPortmapper.start(0)) {
      System.setProperty("java.security.krb5.conf", realm.resolve("krb5.conf").toString());
      RpcSecGssServer gss =
          RpcSecGssServer.create(GssLogin.acceptor(realm.resolve("server.keytab")));
      try (RpcServer server =
          SquareServer.kerberosBuilder(0, portmapper.localAddress(), gss).start()) {
        String pm = Integer.toString(portmapper.port());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = SquareClient.run(new String[] {"127.0.0.1", "5", "--portmapper-port", pm,
            "--sec", "krb5i", "--gss-service", "rpc@localhost",
            "--keytab", realm.resolve("alice.keytab").toString(),
            "--principal", "alice@JRPCGEN.TEST"}, print(out), print(err));
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("result: 25\n");
        assertThat(code).isZero();
        assertThat(gss.stats().contextsEstablished()).isEqualTo(1);
        assertThat(gss.stats().contextsDestroyed()).isEqualTo(1);

        err.reset();
        assertThat(SquareClient.run(new String[] {"127.0.0.1", "5", "--portmapper-port", pm},
            print(out), print(err))).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
            .contains("RPC: Authentication error; why = Client credential too weak");
      }
    } finally {
      ProcessHandle.of(kdc).ifPresent(ProcessHandle::destroy);
    }
  }

  private static PrintStream print(ByteArrayOutputStream bytes) {
    return new PrintStream(bytes, true, StandardCharsets.UTF_8);
  }
}
