package io.jrpcgen.interop;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * Builds the C square peers with rpcgen, gcc and libtirpc, and runs them: a server and a client
 * that need no rpcbind ({@link #build}), and ones that do ({@link #buildRpcbindPeers}).
 */
final class CPeers {
  private static final String TIRPC_INCLUDE = "/usr/include/tirpc";
  private static final List<String> SOURCES = List.of("square.x", "square_server_main.c",
      "square_server_impl.c", "square_client_main.c");
  private static final List<String> RPCBIND_SOURCES = List.of("square.x",
      "square_registered_main.c", "square_server_impl.c", "square_create_client_main.c",
      "square_broadcast_main.c");
  // rpcinfo and rpcbind live in sbin, which a non-root PATH may lack.
  private static final List<String> SBIN = List.of("/usr/sbin", "/sbin");
  private static final long BUILD_TIMEOUT_SECONDS = 60;
  private static final long CLIENT_TIMEOUT_SECONDS = 30;
  private static final long START_TIMEOUT_SECONDS = 10;
  // A C server the JVM could not kill (a crashed test run) exits by itself after this.
  private static final int SERVER_LIFETIME_SECONDS = 600;
  private static final Pattern PORTS = Pattern.compile("tcp=(\\d+) udp=(\\d+)\n");
  private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

  private final Path dir;
  private final AtomicInteger runs = new AtomicInteger();

  private CPeers(Path dir) {
    this.dir = dir;
  }

  /**
   * Generates the stubs and compiles both peers in {@code dir}; skips the calling tests when a
   * tool is missing.
   */
  static CPeers build(Path dir) throws IOException, InterruptedException {
    assumeToolsPresent();
    copySources(dir, SOURCES);
    CPeers peers = new CPeers(dir);
    // One output per rpcgen run: header, XDR routines, client stubs, server dispatch (no main).
    peers.runTool("rpcgen", "-h", "-o", "square.h", "square.x");
    peers.runTool("rpcgen", "-c", "-o", "square_xdr.c", "square.x");
    peers.runTool("rpcgen", "-l", "-o", "square_clnt.c", "square.x");
    peers.runTool("rpcgen", "-m", "-o", "square_svc.c", "square.x");
    peers.runTool("gcc", "-I" + TIRPC_INCLUDE, "-o", "square_server", "square_server_main.c",
        "square_server_impl.c", "square_svc.c", "square_xdr.c", "-ltirpc");
    peers.runTool("gcc", "-I" + TIRPC_INCLUDE, "-o", "square_client", "square_client_main.c",
        "square_clnt.c", "square_xdr.c", "-ltirpc");
    return peers;
  }

  /**
   * Generates the stubs and compiles, in {@code dir}, the peers that go through rpcbind: the
   * server with rpcgen's own {@code main} (which registers with rpcbind), a client that uses
   * {@code clnt_create}, and one that uses {@code clnt_broadcast}. Skips the calling tests when a
   * tool is missing.
   */
  static CPeers buildRpcbindPeers(Path dir) throws IOException, InterruptedException {
    assumeToolsPresent("rpcinfo");
    copySources(dir, RPCBIND_SOURCES);
    CPeers peers = new CPeers(dir);
    peers.runTool("rpcgen", "-h", "-o", "square.h", "square.x");
    peers.runTool("rpcgen", "-c", "-o", "square_xdr.c", "square.x");
    peers.runTool("rpcgen", "-l", "-o", "square_clnt.c", "square.x");
    // A server skeleton with main, for UDP and TCP, as plain "rpcgen square.x" writes it.
    peers.runTool("rpcgen", "-s", "udp", "-s", "tcp", "-o", "square_svc.c", "square.x");
    peers.runTool("gcc", "-I" + TIRPC_INCLUDE, "-Dmain=square_rpcgen_main", "-c", "-o",
        "square_svc.o", "square_svc.c");
    peers.runTool("gcc", "-I" + TIRPC_INCLUDE, "-o", "square_registered_server",
        "square_registered_main.c", "square_svc.o", "square_server_impl.c", "square_xdr.c",
        "-ltirpc");
    peers.runTool("gcc", "-I" + TIRPC_INCLUDE, "-o", "square_create_client",
        "square_create_client_main.c", "square_clnt.c", "square_xdr.c", "-ltirpc");
    peers.runTool("gcc", "-I" + TIRPC_INCLUDE, "-o", "square_broadcast",
        "square_broadcast_main.c", "square_xdr.c", "-ltirpc");
    return peers;
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
    command.add(findTool("rpcinfo").toString());
    command.addAll(List.of(args));
    return run(command, CLIENT_TIMEOUT_SECONDS);
  }

  /**
   * Starts rpcgen's server, which registers itself with rpcbind on ports of its choosing; ask the
   * portmapper for them.
   */
  CServer startRegisteredServer() throws IOException {
    Process process = command(List.of(dir.resolve("square_registered_server").toString(),
        Integer.toString(SERVER_LIFETIME_SECONDS)))
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("square_registered_server.out").toFile())
        .start();
    return new CServer(process);
  }

  private ProcessRun runBuilt(String program, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(dir.resolve(program).toString());
    command.addAll(List.of(args));
    return run(command, CLIENT_TIMEOUT_SECONDS);
  }

  /** Runs the C client with {@code args} ({@code host port tcp|udp n [version [proc]]}). */
  ProcessRun runClient(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(dir.resolve("square_client").toString());
    command.addAll(List.of(args));
    return run(command, CLIENT_TIMEOUT_SECONDS);
  }

  /** Starts the C server and waits for the ports it prints. */
  CServer startServer() throws IOException, InterruptedException {
    Path out = dir.resolve("square_server.out");
    Path err = dir.resolve("square_server.err");
    Process process = command(List.of(dir.resolve("square_server").toString(),
        Integer.toString(SERVER_LIFETIME_SECONDS)))
        .redirectOutput(out.toFile())
        .redirectError(err.toFile())
        .start();
    CServer server = new CServer(process);
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
      while (true) {
        Matcher m = PORTS.matcher(Files.readString(out));
        if (m.lookingAt()) {
          server.tcpPort = Integer.parseInt(m.group(1));
          server.udpPort = Integer.parseInt(m.group(2));
          return server;
        }
        if (!process.isAlive() || System.nanoTime() - deadline > 0) {
          fail("the C server printed no ports within " + START_TIMEOUT_SECONDS + " s (alive: "
              + process.isAlive() + ")\nstdout: " + Files.readString(out) + "\nstderr: "
              + Files.readString(err));
        }
        Thread.sleep(20);
      }
    } catch (Throwable e) {
      server.close();
      throw e;
    }
  }

  private void runTool(String... command) throws IOException, InterruptedException {
    ProcessRun result = run(List.of(command), BUILD_TIMEOUT_SECONDS);
    if (result.exitCode() != 0) {
      fail(String.join(" ", command) + " exited with " + result.exitCode() + ":\n"
          + result.output());
    }
  }

  /** Runs {@code command} to completion, its output (stdout and stderr) going to a file. */
  private ProcessRun run(List<String> command, long timeoutSeconds)
      throws IOException, InterruptedException {
    Path log = dir.resolve("run-" + runs.incrementAndGet() + ".log");
    Process process = command(command).redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    try {
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        fail(String.join(" ", command) + " did not finish within " + timeoutSeconds
            + " s; output so far:\n" + Files.readString(log));
      }
    } finally {
      if (process.isAlive()) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    }
    return new ProcessRun(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }

  private ProcessBuilder command(List<String> command) {
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    // Untranslated messages from gcc and the C library.
    builder.environment().put("LC_ALL", "C");
    return builder;
  }

  /**
   * Why the peers cannot be built on this machine, or null if every tool is present: gcc,
   * rpcgen, the libtirpc headers, and {@code extraTools} (looked for in sbin, too).
   */
  static String missingTools(String... extraTools) {
    List<String> missing = new ArrayList<>();
    for (String tool : List.of("gcc", "rpcgen")) {
      if (!onPath(tool)) {
        missing.add(tool);
      }
    }
    for (String tool : extraTools) {
      if (findTool(tool) == null) {
        missing.add(tool);
      }
    }
    Path header = Path.of(TIRPC_INCLUDE, "rpc", "rpc.h");
    if (!Files.isRegularFile(header)) {
      missing.add(header.toString());
    }
    return missing.isEmpty() ? null
        : "SKIPPED: C interop tests: " + String.join(", ", missing)
            + " missing; .ci/run installs gcc rpcsvc-proto libtirpc-dev rpcbind";
  }

  /** Skips the calling test, loudly, when a tool is missing. */
  static void assumeToolsPresent(String... extraTools) {
    String message = missingTools(extraTools);
    if (message != null) {
      skipLoudly(message);
    }
  }

  /** Skips the calling test with {@code message}, printed once per message to stderr. */
  static void skipLoudly(String message) {
    // Printed once per run, since every test of a class comes here.
    if (WARNED.add(message)) {
      System.err.println("!".repeat(Math.min(message.length(), 100)));
      System.err.println(message);
      System.err.println("!".repeat(Math.min(message.length(), 100)));
    }
    Assumptions.abort(message);
  }

  /** The executable {@code tool} on the PATH or in sbin, or null. */
  static Path findTool(String tool) {
    List<String> dirs = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      dirs.addAll(List.of(path.split(File.pathSeparator)));
    }
    dirs.addAll(SBIN);
    for (String entry : dirs) {
      if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, tool))) {
        return Path.of(entry, tool);
      }
    }
    return null;
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

  /** How a process ended: its exit code and everything it printed. */
  record ProcessRun(int exitCode, String output) {}

  /** A running C server; closing it kills the process. */
  static final class CServer implements AutoCloseable {
    private final Process process;
    private int tcpPort;
    private int udpPort;

    private CServer(Process process) {
      this.process = process;
    }

    int tcpPort() {
      return tcpPort;
    }

    int udpPort() {
      return udpPort;
    }

    /** The server's port for {@code transport} ("tcp" or "udp"). */
    int port(String transport) {
      return transport.equals("tcp") ? tcpPort : udpPort;
    }

    /** The process id, for logs. */
    long pid() {
      return process.pid();
    }

    /** Whether the process is still running: a crash in the C server would show here. */
    boolean isAlive() {
      return process.isAlive();
    }

    @Override
    public void close() {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
