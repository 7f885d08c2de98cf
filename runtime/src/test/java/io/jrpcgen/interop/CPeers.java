package io.jrpcgen.interop;

import static io.jrpcgen.testsupport.NativeTools.TIRPC_INCLUDE;
import static org.junit.jupiter.api.Assertions.fail;

import io.jrpcgen.testsupport.NativeTools;
import io.jrpcgen.testsupport.NativeTools.CServer;
import io.jrpcgen.testsupport.NativeTools.ProcessRun;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the C square peers with rpcgen, gcc and libtirpc, and runs them: a server and a client
 * that need no rpcbind ({@link #build}), and ones that do ({@link #buildRpcbindPeers}).
 */
final class CPeers {
  private static final List<String> SOURCES =
      List.of("square.x", "square_server_main.c", "square_server_impl.c", "square_client_main.c");
  private static final List<String> RPCBIND_SOURCES =
      List.of(
          "square.x",
          "square_registered_main.c",
          "square_server_impl.c",
          "square_create_client_main.c",
          "square_broadcast_main.c");
  private static final long CLIENT_TIMEOUT_SECONDS = 30;

  private final NativeTools tools;

  private CPeers(NativeTools tools) {
    this.tools = tools;
  }

  /**
   * Generates the stubs and compiles both peers in {@code dir}; skips the calling tests when a tool
   * is missing.
   */
  static CPeers build(Path dir) throws IOException, InterruptedException {
    NativeTools.assumeToolsPresent();
    copySources(dir, SOURCES);
    NativeTools tools = new NativeTools(dir);
    // One output per rpcgen run: header, XDR routines, client stubs, server dispatch (no main).
    tools.tool("rpcgen", "-h", "-o", "square.h", "square.x");
    tools.tool("rpcgen", "-c", "-o", "square_xdr.c", "square.x");
    tools.tool("rpcgen", "-l", "-o", "square_clnt.c", "square.x");
    tools.tool("rpcgen", "-m", "-o", "square_svc.c", "square.x");
    tools.gcc(
        "square_server",
        "square_server_main.c",
        "square_server_impl.c",
        "square_svc.c",
        "square_xdr.c");
    tools.gcc("square_client", "square_client_main.c", "square_clnt.c", "square_xdr.c");
    return new CPeers(tools);
  }

  /**
   * Generates the stubs and compiles, in {@code dir}, the peers that go through rpcbind: the server
   * with rpcgen's own {@code main} (which registers with rpcbind), a client that uses {@code
   * clnt_create}, and one that uses {@code clnt_broadcast}. Skips the calling tests when a tool is
   * missing.
   */
  static CPeers buildRpcbindPeers(Path dir) throws IOException, InterruptedException {
    NativeTools.assumeToolsPresent("rpcinfo");
    copySources(dir, RPCBIND_SOURCES);
    NativeTools tools = new NativeTools(dir);
    tools.tool("rpcgen", "-h", "-o", "square.h", "square.x");
    tools.tool("rpcgen", "-c", "-o", "square_xdr.c", "square.x");
    tools.tool("rpcgen", "-l", "-o", "square_clnt.c", "square.x");
    // A server skeleton with main, for UDP and TCP, as plain "rpcgen square.x" writes it.
    tools.tool("rpcgen", "-s", "udp", "-s", "tcp", "-o", "square_svc.c", "square.x");
    tools.tool(
        "gcc",
        "-I" + TIRPC_INCLUDE,
        "-Dmain=square_rpcgen_main",
        "-c",
        "-o",
        "square_svc.o",
        "square_svc.c");
    tools.gcc(
        "square_registered_server",
        "square_registered_main.c",
        "square_svc.o",
        "square_server_impl.c",
        "square_xdr.c");
    tools.gcc(
        "square_create_client", "square_create_client_main.c", "square_clnt.c", "square_xdr.c");
    tools.gcc("square_broadcast", "square_broadcast_main.c", "square_xdr.c");
    return new CPeers(tools);
  }

  private static void copySources(Path dir, List<String> names) throws IOException {
    for (String name : names) {
      try (InputStream in = CPeers.class.getResourceAsStream("/interop/" + name)) {
        if (in == null) {
          fail("test resource /interop/" + name + " is missing");
        }
        Files.copy(in, dir.resolve(name));
      }
    }
  }

  /** Runs the C client with {@code args} ({@code host port tcp|udp n [version [proc]]}). */
  ProcessRun runClient(String... args) throws IOException, InterruptedException {
    return runBuilt("square_client", args);
  }

  /** Runs the clnt_create client with {@code args} ({@code host tcp|udp n [version]}). */
  ProcessRun runCreateClient(String... args) throws IOException, InterruptedException {
    return runBuilt("square_create_client", args);
  }

  /** Runs the clnt_broadcast client with {@code n}. */
  ProcessRun runBroadcast(int n) throws IOException, InterruptedException {
    return runBuilt("square_broadcast", Integer.toString(n));
  }

  /** Runs {@code rpcinfo} with {@code args}. */
  ProcessRun rpcinfo(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(NativeTools.findTool("rpcinfo").toString());
    command.addAll(List.of(args));
    return tools.run(CLIENT_TIMEOUT_SECONDS, command.toArray(new String[0]));
  }

  /** Starts the C server and waits for the ports it prints. */
  CServer startServer() throws IOException, InterruptedException {
    return tools.startServer("square_server");
  }

  /**
   * Starts rpcgen's server, which registers itself with rpcbind on ports of its choosing; ask the
   * portmapper for them.
   */
  CServer startRegisteredServer() throws IOException {
    return tools.startUnlisted("square_registered_server");
  }

  private ProcessRun runBuilt(String program, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add("./" + program);
    command.addAll(List.of(args));
    return tools.run(CLIENT_TIMEOUT_SECONDS, command.toArray(new String[0]));
  }
}
