package io.jrpcgen.gss;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A throwaway MIT Kerberos realm for tests: database, keytabs and {@code krb5.conf} in a directory,
 * a {@code krb5kdc} on a loopback port, stopped by its process handle. No DNS: the service
 * principal is {@code rpc/localhost}. Tests skip, loudly, when the KDC tools are absent.
 */
final class TestKdc implements AutoCloseable {
  static final String REALM = "JRPCGEN.TEST";
  static final String SERVICE = "rpc@localhost";
  static final String SERVICE_PRINCIPAL = "rpc/localhost@" + REALM;
  static final String CLIENT_PRINCIPAL = "alice@" + REALM;
  private static final List<String> SBIN = List.of("/usr/sbin", "/sbin", "/usr/bin");
  private static final long TOOL_SECONDS = 60;
  private static final long START_SECONDS = 15;
  // A KDC whose JVM died before stopping it (a killed test run) ends by itself after this, as
  // the C test servers do with alarm().
  private static final String KDC_LIFETIME_SECONDS = "600";

  private final Path dir;
  private final Process kdc;

  private TestKdc(Path dir, Process kdc) {
    this.dir = dir;
    this.kdc = kdc;
  }

  /** Makes the realm in {@code dir} and starts its KDC; skips the test without the tools. */
  static TestKdc start(Path dir) throws IOException, InterruptedException {
    for (String tool : List.of("krb5kdc", "kdb5_util", "kadmin.local", "kinit")) {
      if (find(tool) == null) {
        String message =
            "SKIPPED: "
                + tool
                + " not found (install krb5-kdc, krb5-admin-server"
                + " and krb5-user): the RPCSEC_GSS Kerberos tests did not run";
        System.err.println(message);
        Assumptions.abort(message);
      }
    }
    int port = freePort();
    Files.writeString(
        dir.resolve("krb5.conf"),
        """
        [libdefaults]
          default_realm = %1$s
          dns_lookup_kdc = false
          dns_lookup_realm = false
          dns_canonicalize_hostname = false
          rdns = false
          udp_preference_limit = 1
          default_tkt_enctypes = aes256-cts-hmac-sha1-96 aes128-cts-hmac-sha1-96
          default_tgs_enctypes = aes256-cts-hmac-sha1-96 aes128-cts-hmac-sha1-96
          permitted_enctypes = aes256-cts-hmac-sha1-96 aes128-cts-hmac-sha1-96
        [realms]
          %1$s = {
            kdc = 127.0.0.1:%2$d
          }
        [domain_realm]
          localhost = %1$s
        """
            .formatted(REALM, port));
    Files.writeString(
        dir.resolve("kdc.conf"),
        """
        [kdcdefaults]
          kdc_listen = 127.0.0.1:%2$d
          kdc_tcp_listen = 127.0.0.1:%2$d
        [realms]
          %1$s = {
            database_name = %3$s/principal
            key_stash_file = %3$s/stash
            acl_file = %3$s/kadm5.acl
            max_life = 1h
            supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal
          }
        [logging]
          kdc = FILE:%3$s/kdc.log
        """
            .formatted(REALM, port, dir));
    Files.writeString(dir.resolve("kadm5.acl"), "");
    run(dir, "kdb5_util", "create", "-s", "-r", REALM, "-P", "throwaway-master-key");
    kadmin(dir, "addprinc -randkey " + SERVICE_PRINCIPAL);
    kadmin(dir, "addprinc -randkey " + CLIENT_PRINCIPAL);
    kadmin(dir, "ktadd -k " + dir.resolve("server.keytab") + " " + SERVICE_PRINCIPAL);
    kadmin(dir, "ktadd -k " + dir.resolve("alice.keytab") + " " + CLIENT_PRINCIPAL);
    ProcessBuilder pb =
        builder(
                dir,
                List.of(
                    "timeout", KDC_LIFETIME_SECONDS, find("krb5kdc").toString(), "-n", "-r", REALM))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("krb5kdc.out").toFile());
    Process kdc = pb.start();
    TestKdc started = new TestKdc(dir, kdc);
    try {
      started.awaitListening(port);
    } catch (IOException | RuntimeException | AssertionError e) {
      started.close();
      throw e;
    }
    // The JDK reads this file; logins refresh it, so that each test class's realm is seen.
    System.setProperty("java.security.krb5.conf", dir.resolve("krb5.conf").toString());
    return started;
  }

  Path dir() {
    return dir;
  }

  Path serverKeytab() {
    return dir.resolve("server.keytab");
  }

  Path clientKeytab() {
    return dir.resolve("alice.keytab");
  }

  /** The environment C peers need: this realm's configuration, keytab and ticket cache. */
  Map<String, String> environment() {
    return Map.of(
        "KRB5_CONFIG",
        dir.resolve("krb5.conf").toString(),
        "KRB5_KTNAME",
        "FILE:" + serverKeytab(),
        "KRB5CCNAME",
        "FILE:" + dir.resolve("alice.ccache"));
  }

  /** Gets alice a ticket-granting ticket in the cache of {@link #environment()}. */
  void kinitClient() throws IOException, InterruptedException {
    run(dir, "kinit", "-k", "-t", clientKeytab().toString(), CLIENT_PRINCIPAL);
  }

  private void awaitListening(int port) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
    while (true) {
      if (!kdc.isAlive()) {
        fail(
            "krb5kdc exited with "
                + kdc.exitValue()
                + ":\n"
                + Files.readString(dir.resolve("krb5kdc.out")));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        return;
      } catch (IOException e) {
        if (System.nanoTime() - deadline > 0) {
          fail("krb5kdc does not listen on port " + port + " after " + START_SECONDS + " s");
        }
        Thread.sleep(50);
      }
    }
  }

  private static void kadmin(Path dir, String query) throws IOException, InterruptedException {
    run(dir, "kadmin.local", "-r", REALM, "-q", query);
  }

  private static void run(Path dir, String tool, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(find(tool).toString());
    command.addAll(List.of(args));
    Path log = Files.createTempFile(dir, tool, ".log");
    Process p =
        builder(dir, command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      if (!p.waitFor(TOOL_SECONDS, TimeUnit.SECONDS)) {
        fail(String.join(" ", command) + " did not finish in " + TOOL_SECONDS + " s");
      }
    } finally {
      if (p.isAlive()) {
        p.destroyForcibly();
      }
    }
    if (p.exitValue() != 0) {
      fail(
          String.join(" ", command)
              + " exited with "
              + p.exitValue()
              + ":\n"
              + Files.readString(log));
    }
  }

  static ProcessBuilder builder(Path dir, List<String> command) {
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    pb.environment().put("KRB5_CONFIG", dir.resolve("krb5.conf").toString());
    pb.environment().put("KRB5_KDC_PROFILE", dir.resolve("kdc.conf").toString());
    pb.environment().put("KRB5CCNAME", "FILE:" + dir.resolve("alice.ccache"));
    pb.environment().put("KRB5_KTNAME", "FILE:" + dir.resolve("server.keytab"));
    return pb;
  }

  private static Path find(String tool) {
    for (String d : SBIN) {
      Path p = Path.of(d, tool);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Stops the KDC by its process handle ({@code timeout} passes SIGTERM on to it). */
  @Override
  public void close() throws InterruptedException {
    if (kdc.isAlive()) {
      kdc.destroy();
      if (!kdc.waitFor(5, TimeUnit.SECONDS)) {
        kdc.destroyForcibly();
        kdc.waitFor(5, TimeUnit.SECONDS);
      }
    }
  }
}
