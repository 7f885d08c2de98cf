package io.jrpcgen.interop;

import static org.junit.jupiter.api.Assertions.fail;

import io.jrpcgen.interop.NativeTools.CServer;
import io.jrpcgen.interop.NativeTools.ProcessRun;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Builds the C square server and client with rpcgen, gcc and libtirpc, and runs them. */
final class CPeers {
  private static final List<String> SOURCES = List.of("square.x", "square_server_main.c",
      "square_server_impl.c", "square_client_main.c");
  private static final long CLIENT_TIMEOUT_SECONDS = 30;

  private final NativeTools tools;

  private CPeers(NativeTools tools) {
    this.tools = tools;
  }

  /**
   * Generates the stubs and compiles both peers in {@code dir}; skips the calling tests when a
   * tool is missing.
   */
  static CPeers build(Path dir) throws IOException, InterruptedException {
    NativeTools.assumeToolsPresent();
    for (String name : SOURCES) {
      try (InputStream in = CPeers.class.getResourceAsStream("/interop/" + name)) {
        if (in == null) {
          fail("test resource /interop/" + name + " is missing");
        }
        Files.copy(in, dir.resolve(name));
      }
    }
    NativeTools tools = new NativeTools(dir);
    // One output per rpcgen run: header, XDR routines, client stubs, server dispatch (no main).
    tools.tool("rpcgen", "-h", "-o", "square.h", "square.x");
    tools.tool("rpcgen", "-c", "-o", "square_xdr.c", "square.x");
    tools.tool("rpcgen", "-l", "-o", "square_clnt.c", "square.x");
    tools.tool("rpcgen", "-m", "-o", "square_svc.c", "square.x");
    tools.gcc("square_server", "square_server_main.c", "square_server_impl.c", "square_svc.c",
        "square_xdr.c");
    tools.gcc("square_client", "square_client_main.c", "square_clnt.c", "square_xdr.c");
    return new CPeers(tools);
  }

  /** Runs the C client with {@code args} ({@code host port tcp|udp n [version [proc]]}). */
  ProcessRun runClient(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add("./square_client");
    command.addAll(List.of(args));
    return tools.run(CLIENT_TIMEOUT_SECONDS, command.toArray(new String[0]));
  }

  /** Starts the C server and waits for the ports it prints. */
  CServer startServer() throws IOException, InterruptedException {
    return tools.startServer("square_server");
  }
}
