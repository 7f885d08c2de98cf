package io.jrpcgen.gss;

import static org.junit.jupiter.api.Assertions.fail;

import io.jrpcgen.testsupport.NativeTools;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds and runs the C square peers that speak RPCSEC_GSS through libtirpc (authgss on the client,
 * svcauth_gss on the server) in the realm of a {@link TestKdc}.
 */
final class GssCPeers {
  private static final List<String> SOURCES =
      List.of(
          "square.x",
          "square_gss_client_main.c",
          "square_gss_server_main.c",
          "square_gss_server_impl.c");
  private static final long RUN_SECONDS = 30;
  private static final Pattern PORT = Pattern.compile("tcp=(\\d+) udp=(\\d+)");

  private final TestKdc kdc;
  private final Path dir;

  private GssCPeers(TestKdc kdc) {
    this.kdc = kdc;
    this.dir = kdc.dir();
  }

  /** Builds both peers in the realm's directory; skips the tests without rpcgen or gcc. */
  static GssCPeers build(TestKdc kdc) throws IOException, InterruptedException {
    NativeTools.assumeToolsPresent();
    Path dir = kdc.dir();
    for (String name : SOURCES) {
      try (InputStream in = GssCPeers.class.getResourceAsStream("/interop/" + name)) {
        if (in == null) {
          fail("test resource /interop/" + name + " is missing");
        }
        Files.copy(in, dir.resolve(name));
      }
    }
    if (!Files.exists(Path.of("/usr/include/gssapi/gssapi_krb5.h"))) {
      NativeTools.assumeToolsPresent("gssapi-headers-from-libkrb5-dev");
    }
    NativeTools tools = new NativeTools(dir);
    tools.tool("rpcgen", "-h", "-o", "square.h", "square.x");
    tools.tool("rpcgen", "-c", "-o", "square_xdr.c", "square.x");
    tools.tool("rpcgen", "-l", "-o", "square_clnt.c", "square.x");
    tools.tool("rpcgen", "-m", "-o", "square_svc.c", "square.x");
    gcc(tools, "square_gss_client", "square_gss_client_main.c", "square_clnt.c", "square_xdr.c");
    gcc(
        tools,
        "square_gss_server",
        "square_gss_server_main.c",
        "square_gss_server_impl.c",
        "square_svc.c",
        "square_xdr.c");
    kdc.kinitClient();
    return new GssCPeers(kdc);
  }

  private static void gcc(NativeTools tools, String output, String... sources)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(List.of("gcc", "-I" + NativeTools.TIRPC_INCLUDE, "-I.", "-o", output));
    command.addAll(List.of(sources));
    command.addAll(List.of("-ltirpc", "-lgssapi_krb5"));
    tools.tool(command.toArray(new String[0]));
  }

  /** What a finished C program printed. */
  record Run(int exitCode, String output) {}

  /** Runs the C client against {@code port} with {@code service} (none, integrity, privacy). */
  Run runClient(int port, String service, int n, int count)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile(dir, "gss-client", ".log");
    Process p =
        TestKdc.builder(
                dir,
                List.of(
                    "./square_gss_client",
                    "127.0.0.1",
                    Integer.toString(port),
                    service,
                    TestKdc.SERVICE,
                    Integer.toString(n),
                    Integer.toString(count)))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      if (!p.waitFor(RUN_SECONDS, TimeUnit.SECONDS)) {
        fail(
            "square_gss_client did not finish in " + RUN_SECONDS + " s:\n" + Files.readString(log));
      }
    } finally {
      NativeTools.stop(p);
    }
    return new Run(p.exitValue(), Files.readString(log));
  }

  /** A running C server and the ports it listens on. */
  record Server(Process process, int port, int udpPort, Path err) implements AutoCloseable {
    String errors() throws IOException {
      return Files.readString(err);
    }

    @Override
    public void close() {
      NativeTools.stop(process);
    }
  }

  /** Starts the svcauth_gss server and waits for its port. */
  Server startServer() throws IOException, InterruptedException {
    Path out = dir.resolve("square_gss_server.out");
    Path err = dir.resolve("square_gss_server.err");
    Process p =
        TestKdc.builder(dir, List.of("./square_gss_server", TestKdc.SERVICE, "600"))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    try {
      while (true) {
        Matcher m = PORT.matcher(Files.readString(out));
        if (m.find()) {
          return new Server(p, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), err);
        }
        if (!p.isAlive() || System.nanoTime() - deadline > 0) {
          fail("square_gss_server did not start: " + Files.readString(err));
        }
        Thread.sleep(20);
      }
    } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
      NativeTools.stop(p);
      throw e;
    }
  }
}
