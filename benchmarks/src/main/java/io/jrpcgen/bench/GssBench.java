package io.jrpcgen.bench;

import io.jrpcgen.bench.gen.SquareIn;
import io.jrpcgen.bench.gen.SquareOut;
import io.jrpcgen.bench.gen.SquareProg;
import io.jrpcgen.bench.load.Sample;
import io.jrpcgen.bench.load.ThreadedLoad;
import io.jrpcgen.bench.load.Timing;
import io.jrpcgen.gss.GssLogin;
import io.jrpcgen.gss.GssService;
import io.jrpcgen.gss.GssSettings;
import io.jrpcgen.gss.RpcSecGssClient;
import io.jrpcgen.gss.RpcSecGssServer;
import io.jrpcgen.rpc.AuthSys;
import io.jrpcgen.server.RpcServer;
import io.jrpcgen.transport.RpcChannel;
import io.jrpcgen.transport.TcpChannel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Sequential square calls (one thread, one TCP connection, jrpcgen on both sides) with {@code
 * AUTH_SYS} and with RPCSEC_GSS krb5, krb5i and krb5p, in one run, in a throwaway MIT Kerberos
 * realm that {@code samples/square/test-realm} makes: {@code java -cp
 * benchmarks/target/benchmarks.jar io.jrpcgen.bench.GssBench [RUNS [MEASURE_MS]]}, from the
 * repository's root. Client and server share this JVM; each cell is the median of the runs,
 * interleaved.
 */
public final class GssBench {
  private static final Path REALM_SCRIPT = Path.of("samples/square/test-realm");
  private static final String SERVICE = "rpc@localhost";
  private static final String ALICE = "alice@JRPCGEN.TEST";

  private GssBench() {}

  /** One column: how the calls are authenticated. */
  private enum Security {
    AUTH_SYS("AUTH_SYS", null),
    KRB5("krb5", GssService.NONE),
    KRB5I("krb5i", GssService.INTEGRITY),
    KRB5P("krb5p", GssService.PRIVACY);

    final String label;
    final GssService service;

    Security(String label, GssService service) {
      this.label = label;
      this.service = service;
    }
  }

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    long measureMs = args.length > 1 ? Long.parseLong(args[1]) : 3000;
    if (!Files.isExecutable(REALM_SCRIPT) || !Files.isExecutable(Path.of("/usr/sbin/krb5kdc"))) {
      System.err.println(
          "GssBench: needs "
              + REALM_SCRIPT
              + " (run from the repository's root)"
              + " and krb5-kdc, krb5-admin-server");
      System.exit(2);
    }
    Path dir = Files.createTempDirectory("jrpcgen-gss-bench");
    long kdc = makeRealm(dir);
    try {
      System.setProperty("java.security.krb5.conf", dir.resolve("krb5.conf").toString());
      Map<Security, List<Sample>> samples = measure(dir, runs, measureMs);
      print(samples);
    } finally {
      ProcessHandle.of(kdc).ifPresent(ProcessHandle::destroy);
    }
  }

  private static long makeRealm(Path dir) throws IOException, InterruptedException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Process p =
        new ProcessBuilder(
                REALM_SCRIPT.toString(), dir.resolve("realm").toString(), Integer.toString(port))
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("test-realm failed: " + output);
    }
    Path realm = dir.resolve("realm");
    Files.copy(realm.resolve("krb5.conf"), dir.resolve("krb5.conf"));
    Files.copy(realm.resolve("server.keytab"), dir.resolve("server.keytab"));
    Files.copy(realm.resolve("alice.keytab"), dir.resolve("alice.keytab"));
    return Long.parseLong(Files.readString(realm.resolve("krb5kdc.pid")).trim());
  }

  private static Map<Security, List<Sample>> measure(Path dir, int runs, long measureMs)
      throws Exception {
    RpcSecGssServer gss = RpcSecGssServer.create(GssLogin.acceptor(dir.resolve("server.keytab")));
    GssLogin alice = GssLogin.keytab(ALICE, dir.resolve("alice.keytab"));
    SquareProg.SquareVers square = in -> new SquareOut(in.arg1() * in.arg1());
    Timing timing = new Timing(Duration.ofMillis(measureMs / 2), Duration.ofMillis(measureMs));
    Map<Security, List<Sample>> samples = new LinkedHashMap<>();
    try (RpcServer server =
        RpcServer.builder()
            .bindAddress(InetAddress.getLoopbackAddress())
            .program(SquareProg.bindSquareVers(square))
            .security(gss)
            .tcp(0)
            .start()) {
      InetSocketAddress address =
          new InetSocketAddress(InetAddress.getLoopbackAddress(), server.tcpPort());
      for (int run = 0; run < runs; run++) {
        for (Security security : Security.values()) {
          samples
              .computeIfAbsent(security, s -> new ArrayList<>())
              .add(measureOne(address, security, alice, timing));
        }
      }
    }
    return samples;
  }

  private static Sample measureOne(
      InetSocketAddress address, Security security, GssLogin alice, Timing timing)
      throws Exception {
    try (TcpChannel channel = RpcChannel.tcp(address)) {
      SquareProg.SquareVersClient client = SquareProg.SquareVersClient.create(channel);
      RpcSecGssClient context = null;
      if (security.service == null) {
        client =
            client.withOptions(
                client
                    .rpcClient()
                    .options()
                    .withAuthSys(new AuthSys(0, "bench", 1000, 1000, List.of())));
      } else {
        context =
            RpcSecGssClient.establish(
                channel,
                SquareProg.SQUARE_PROG,
                SquareProg.SQUARE_VERS,
                GssSettings.of(SERVICE, alice, security.service));
        client = client.withOptions(context.callOptions());
      }
      SquareProg.SquareVersClient calls = client;
      try {
        return ThreadedLoad.run(
            List.of(
                seq -> {
                  int n = seq & 0xffff;
                  return calls.squareproc(new SquareIn(n)).res1() == n * n;
                }),
            timing);
      } finally {
        if (context != null) {
          context.close();
        }
      }
    }
  }

  private static void print(Map<Security, List<Sample>> samples) {
    StringBuilder table = new StringBuilder("| sequential square, TCP, Java/Java |");
    StringBuilder rule = new StringBuilder("|---|");
    StringBuilder rate = new StringBuilder("| calls/s |");
    StringBuilder p50 = new StringBuilder("| p50 µs |");
    StringBuilder p99 = new StringBuilder("| p99 µs |");
    for (Map.Entry<Security, List<Sample>> e : samples.entrySet()) {
      List<Sample> sorted = new ArrayList<>(e.getValue());
      sorted.sort(Comparator.comparingDouble(Sample::callsPerSecond));
      Sample median = sorted.get(sorted.size() / 2);
      table.append(' ').append(e.getKey().label).append(" |");
      rule.append("---:|");
      rate.append(String.format(" %.0f |", median.callsPerSecond()));
      p50.append(String.format(" %.1f |", median.p50Nanos() / 1000.0));
      p99.append(String.format(" %.1f |", median.p99Nanos() / 1000.0));
    }
    System.out.println(table + "\n" + rule + "\n" + rate + "\n" + p50 + "\n" + p99);
  }
}
