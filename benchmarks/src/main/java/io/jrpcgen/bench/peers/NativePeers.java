package io.jrpcgen.bench.peers;

import io.jrpcgen.bench.load.LoadClient;
import io.jrpcgen.bench.load.Sample;
import io.jrpcgen.bench.load.Timing;
import io.jrpcgen.bench.load.Workload;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The C programs of the benchmark, built from the same {@code .x} files by the system rpcgen, gcc
 * and libtirpc in a scratch directory: the libtirpc server and load generator, and the raw socket
 * server and load generator that measure the physical limit.
 */
public final class NativePeers {
  private static final String TIRPC_INCLUDE = "/usr/include/tirpc";
  private static final List<String> SOURCES =
      List.of(
          "square.x",
          "bench.x",
          "load.h",
          "sockets.h",
          "bench_server.c",
          "bench_impl.c",
          "bench_load.c",
          "raw_server.c",
          "raw_load.c");
  private static final long BUILD_TIMEOUT_SECONDS = 120;
  // A load run may take its warm-up and interval, plus this for start-up and the last calls.
  private static final long RUN_SLACK_SECONDS = 60;

  private final Processes processes;

  private NativePeers(Processes processes) {
    this.processes = processes;
  }

  /** Why the C peers cannot be built here, or null if every tool is present. */
  public static String missingTools() {
    List<String> missing = new ArrayList<>();
    for (String tool : List.of("gcc", "rpcgen")) {
      if (!onPath(tool)) {
        missing.add(tool);
      }
    }
    if (!Files.isRegularFile(Path.of(TIRPC_INCLUDE, "rpc", "rpc.h"))) {
      missing.add(TIRPC_INCLUDE + "/rpc/rpc.h");
    }
    return missing.isEmpty()
        ? null
        : String.join(", ", missing)
            + " missing (on Debian: apt-get install gcc libtirpc-dev rpcsvc-proto)";
  }

  /** Extracts the sources into the processes' directory and builds every program there. */
  public static NativePeers build(Processes processes) throws IOException {
    Path dir = processes.dir();
    for (String name : SOURCES) {
      try (InputStream in = NativePeers.class.getResourceAsStream("/peers/" + name)) {
        if (in == null) {
          throw new IOException("resource /peers/" + name + " is missing from the jar");
        }
        Files.copy(in, dir.resolve(name));
      }
    }
    NativePeers peers = new NativePeers(processes);
    // -M: MT-safe stubs (results in caller's storage), so that threads may share a CLIENT.
    for (String x : List.of("square", "bench")) {
      peers.tool("rpcgen", "-M", "-h", "-o", x + ".h", x + ".x");
      peers.tool("rpcgen", "-M", "-c", "-o", x + "_xdr.c", x + ".x");
      peers.tool("rpcgen", "-M", "-l", "-o", x + "_clnt.c", x + ".x");
      peers.tool("rpcgen", "-M", "-m", "-o", x + "_svc.c", x + ".x");
    }
    String include = "-I" + TIRPC_INCLUDE;
    peers.tool(
        "gcc",
        "-O2",
        include,
        "-o",
        "bench_server",
        "bench_server.c",
        "bench_impl.c",
        "square_svc.c",
        "bench_svc.c",
        "square_xdr.c",
        "bench_xdr.c",
        "-ltirpc");
    peers.tool(
        "gcc",
        "-O2",
        "-pthread",
        include,
        "-o",
        "bench_load",
        "bench_load.c",
        "square_clnt.c",
        "bench_clnt.c",
        "square_xdr.c",
        "bench_xdr.c",
        "-ltirpc");
    peers.tool("gcc", "-O2", "-pthread", "-o", "raw_server", "raw_server.c");
    peers.tool("gcc", "-O2", "-pthread", "-o", "raw_load", "raw_load.c");
    return peers;
  }

  /** Starts the libtirpc server of SQUARE_PROG and ECHO_PROG. */
  public ServerProcess startRpcServer() throws IOException {
    return ServerProcess.start(
        "libtirpc",
        processes,
        List.of(program("bench_server"), Integer.toString(ServerProcess.LIFETIME_SECONDS)));
  }

  /** Starts the raw socket server. */
  public ServerProcess startRawServer() throws IOException {
    return ServerProcess.start(
        "raw",
        processes,
        List.of(program("raw_server"), Integer.toString(ServerProcess.LIFETIME_SECONDS)));
  }

  /** The libtirpc client: rpcgen's stubs in a pthread load generator. */
  public LoadClient rpcClient() {
    return new LoadClient() {
      @Override
      public Sample run(Workload w, InetSocketAddress server, Timing timing) throws IOException {
        String what =
            w.kind() == Workload.Kind.SQUARE ? lower(w.transport()) : Integer.toString(w.payload());
        return runLoad(
            timing,
            "bench_load",
            lower(w.kind()),
            "127.0.0.1",
            Integer.toString(server.getPort()),
            what,
            Integer.toString(w.threads()),
            lower(w.sharing()));
      }
    };
  }

  /**
   * The physical limit: the same byte counts over plain blocking sockets, each thread on its own
   * socket (so a shared-connection row's limit is its own-connection twin's), or a bulk write.
   */
  public LoadClient rawClient() {
    return new LoadClient() {
      @Override
      public boolean supports(Workload w) {
        return w.sharing() == Workload.Sharing.OWN && w.kind() != Workload.Kind.CONNECT;
      }

      @Override
      public Sample run(Workload w, InetSocketAddress server, Timing timing) throws IOException {
        String port = Integer.toString(server.getPort());
        if (w.kind() == Workload.Kind.BULK) {
          return runLoad(
              timing, "raw_load", "bulk", "127.0.0.1", port, Integer.toString(w.payload()));
        }
        return runLoad(
            timing,
            "raw_load",
            "pingpong",
            "127.0.0.1",
            port,
            lower(w.transport()),
            Integer.toString(w.threads()),
            Integer.toString(w.requestBytes()),
            Integer.toString(w.replyBytes()));
      }
    };
  }

  private Sample runLoad(Timing timing, String program, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(program(program));
    command.addAll(List.of(args));
    command.add(Long.toString(timing.warmup().toMillis()));
    command.add(Long.toString(timing.measure().toMillis()));
    long timeout = timing.warmup().plus(timing.measure()).toSeconds() + RUN_SLACK_SECONDS;
    String out = processes.run(command, timeout);
    String[] lines = out.strip().split("\n");
    return Sample.parse(lines[lines.length - 1]);
  }

  private String program(String name) {
    return processes.dir().resolve(name).toString();
  }

  private void tool(String... command) throws IOException {
    processes.run(List.of(command), BUILD_TIMEOUT_SECONDS);
  }

  private static String lower(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  private static boolean onPath(String tool) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String entry : path.split(File.pathSeparator)) {
      if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, tool))) {
        return true;
      }
    }
    return false;
  }
}
