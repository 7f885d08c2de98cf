package io.jrpcgen.testsupport;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
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
 * Runs rpcgen, gcc and the C programs they build for the interop tests, in one directory, each
 * bounded in time.
 */
public final class NativeTools {
  /** Where libtirpc's headers are. */
  public static final String TIRPC_INCLUDE = "/usr/include/tirpc";

  private static final long TOOL_TIMEOUT_SECONDS = 60;
  private static final long START_TIMEOUT_SECONDS = 10;
  // A C server the JVM could not kill (a crashed test run) exits by itself after this.
  private static final int SERVER_LIFETIME_SECONDS = 600;
  private static final Pattern PORTS = Pattern.compile("tcp=(\\d+) udp=(\\d+)\n");
  // rpcinfo and rpcbind live in sbin, which a non-root PATH may lack.
  private static final List<String> SBIN = List.of("/usr/sbin", "/sbin");
  private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

  private final Path dir;
  private final AtomicInteger logs = new AtomicInteger();

  /** Tools that work in {@code dir}. */
  public NativeTools(Path dir) {
    this.dir = dir;
  }

  /** The working directory. */
  public Path dir() {
    return dir;
  }

  /** Runs a build step (rpcgen, gcc) and returns its output; fails the test if the step fails. */
  public String tool(String... command) throws IOException, InterruptedException {
    ProcessRun run = run(TOOL_TIMEOUT_SECONDS, command);
    if (run.exitCode() != 0) {
      fail(String.join(" ", command) + " exited with " + run.exitCode() + ":\n" + run.output());
    }
    return run.output();
  }

  /** Compiles {@code sources} with libtirpc into the program {@code output}. */
  public void gcc(String output, String... sources) throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(List.of("gcc", "-I" + TIRPC_INCLUDE, "-I.", "-o", output));
    command.addAll(List.of(sources));
    command.add("-ltirpc");
    tool(command.toArray(new String[0]));
  }

  /**
   * Runs {@code command} to completion, its stdout and stderr going to one log file; fails the test
   * if it takes longer than {@code timeoutSeconds}. Programs of the directory are {@code ./name}.
   */
  public ProcessRun run(long timeoutSeconds, String... command)
      throws IOException, InterruptedException {
    Path log = dir.resolve("run-" + logs.incrementAndGet() + ".log");
    Process process =
        processBuilder(List.of(command))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        fail(
            String.join(" ", command)
                + " did not finish within "
                + timeoutSeconds
                + " s; output so far:\n"
                + Files.readString(log));
      }
    } finally {
      stop(process);
    }
    return new ProcessRun(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }

  /**
   * Starts {@code ./program lifetime-seconds} and lets it run; its output goes to {@code
   * program.out}. For servers that tell their ports to the portmapper, not to us.
   */
  public CServer startUnlisted(String program) throws IOException {
    Process process =
        processBuilder(List.of("./" + program, Integer.toString(SERVER_LIFETIME_SECONDS)))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(program + ".out").toFile())
            .start();
    return new CServer(process, 0, 0);
  }

  /**
   * Starts the C server {@code ./program lifetime-seconds}, which prints {@code tcp=<port>
   * udp=<port>} once it listens, and waits for that line; fails the test, having killed the server,
   * if it does not come within a few seconds.
   */
  public CServer startServer(String program) throws IOException, InterruptedException {
    Path out = dir.resolve(program + ".out");
    Path err = dir.resolve(program + ".err");
    Process process =
        processBuilder(List.of("./" + program, Integer.toString(SERVER_LIFETIME_SECONDS)))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
      while (true) {
        Matcher m = PORTS.matcher(Files.readString(out));
        if (m.lookingAt()) {
          return new CServer(process, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        }
        if (!process.isAlive() || System.nanoTime() - deadline > 0) {
          fail(
              program
                  + " printed no ports within "
                  + START_TIMEOUT_SECONDS
                  + " s (alive: "
                  + process.isAlive()
                  + ")\nstdout: "
                  + Files.readString(out)
                  + "\nstderr: "
                  + Files.readString(err));
        }
        Thread.sleep(20);
      }
    } catch (Throwable e) {
      stop(process);
      throw e;
    }
  }

  private ProcessBuilder processBuilder(List<String> command) {
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    // Untranslated messages from gcc and the C library.
    builder.environment().put("LC_ALL", "C");
    return builder;
  }

  /** Kills {@code process} if it still runs, and waits a bounded time for it to end. */
  public static void stop(Process process) {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Why the C peers cannot be built on this machine, or null if every tool is present: gcc, rpcgen,
   * the libtirpc headers, and {@code extraTools} (looked for in sbin, too).
   */
  public static String missingTools(String... extraTools) {
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
    return missing.isEmpty()
        ? null
        : "SKIPPED: C interop tests: "
            + String.join(", ", missing)
            + " missing; .ci/run installs gcc rpcsvc-proto libtirpc-dev rpcbind";
  }

  /** Skips the calling test, loudly, when a tool is missing. */
  public static void assumeToolsPresent(String... extraTools) {
    String message = missingTools(extraTools);
    if (message != null) {
      skipLoudly(message);
    }
  }

  /** Skips the calling test with {@code message}, printed once per message to stderr. */
  public static void skipLoudly(String message) {
    // Printed once per run, since every test of a class comes here.
    if (WARNED.add(message)) {
      System.err.println("!".repeat(Math.min(message.length(), 100)));
      System.err.println(message);
      System.err.println("!".repeat(Math.min(message.length(), 100)));
    }
    Assumptions.abort(message);
  }

  /** The executable {@code tool} on the PATH or in sbin, or null. */
  public static Path findTool(String tool) {
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
  public record ProcessRun(int exitCode, String output) {
    /** The output's lines. */
    public List<String> lines() {
      return output.lines().toList();
    }
  }

  /** A running C server; closing it kills the process. */
  public record CServer(Process process, int tcpPort, int udpPort) implements AutoCloseable {
    /** The server's port for {@code transport} ("tcp" or "udp"). */
    public int port(String transport) {
      return transport.equals("tcp") ? tcpPort : udpPort;
    }

    /** The process id, for logs. */
    public long pid() {
      return process.pid();
    }

    /** Whether the process is still running: a crash in the C server would show here. */
    public boolean isAlive() {
      return process.isAlive();
    }

    @Override
    public void close() {
      stop(process);
    }
  }
}
