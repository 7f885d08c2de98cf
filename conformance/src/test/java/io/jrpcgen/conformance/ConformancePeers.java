package io.jrpcgen.conformance;

import io.jrpcgen.testsupport.NativeTools;
import io.jrpcgen.testsupport.NativeTools.CServer;
import io.jrpcgen.testsupport.NativeTools.ProcessRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The C side of conformance.x, built with the system rpcgen, gcc and libtirpc: an echo server, a
 * client that sends the values of values.c, and xdr_dump, which prints libtirpc's bytes.
 */
final class ConformancePeers {
  static final String HOST = "127.0.0.1";
  static final Path SOURCES = Path.of("src/test");
  private static final List<String> C_FILES =
      List.of(
          "bits.h",
          "values.h",
          "values.c",
          "server_main.c",
          "server_impl.c",
          "client_main.c",
          "xdr_dump.c");
  private static final long RUN_TIMEOUT_SECONDS = 30;

  private final NativeTools tools;

  private ConformancePeers(NativeTools tools) {
    this.tools = tools;
  }

  /** Generates the C code with {@code rpcgen -N} and compiles the three programs in {@code dir}. */
  static ConformancePeers build(Path dir) throws IOException, InterruptedException {
    NativeTools.assumeToolsPresent();
    Files.copy(SOURCES.resolve("x/conformance.x"), dir.resolve("conformance.x"));
    for (String name : C_FILES) {
      Files.copy(SOURCES.resolve("c").resolve(name), dir.resolve(name));
    }
    NativeTools tools = new NativeTools(dir);
    // -N: multi-argument procedures. One output per run: header, XDR routines, and the server's
    // dispatch functions without rpcgen's main (server_main.c has its own, without rpcbind).
    tools.tool("rpcgen", "-N", "-h", "-o", "conformance.h", "conformance.x");
    tools.tool("rpcgen", "-N", "-c", "-o", "conformance_xdr.c", "conformance.x");
    tools.tool("rpcgen", "-N", "-m", "-o", "conformance_svc.c", "conformance.x");
    tools.gcc("server", "server_main.c", "server_impl.c", "conformance_svc.c", "conformance_xdr.c");
    tools.gcc("client", "client_main.c", "values.c", "conformance_xdr.c");
    tools.gcc("xdr_dump", "xdr_dump.c", "values.c", "conformance_xdr.c");
    return new ConformancePeers(tools);
  }

  /** Runs the C client against {@code port}: one call per case, one line per field it got. */
  ProcessRun client(String transport, int port, List<String> cases)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(List.of("./client", HOST, Integer.toString(port), transport));
    command.addAll(cases);
    return tools.run(RUN_TIMEOUT_SECONDS, command.toArray(new String[0]));
  }

  /** libtirpc's encoding of each case's argument: "name hex" lines. */
  ProcessRun encode(List<String> cases) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("./xdr_dump", "encode"));
    command.addAll(cases);
    return tools.run(RUN_TIMEOUT_SECONDS, command.toArray(new String[0]));
  }

  /** What libtirpc decodes from {@code hex} as the case's type, one line per field. */
  ProcessRun decode(String caseName, String hex) throws IOException, InterruptedException {
    return tools.run(RUN_TIMEOUT_SECONDS, "./xdr_dump", "decode", caseName, hex);
  }

  /** Starts the C echo server and waits for the ports it prints. */
  CServer startServer() throws IOException, InterruptedException {
    return tools.startServer("server");
  }
}
