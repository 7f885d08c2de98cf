package io.jrpcgen.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.testsupport.NativeTools;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@link ChildServer} in a JVM of its own, started under {@code prlimit} when limits are given,
 * and killed by its handle on {@link #close()}.
 */
final class ChildJvm implements AutoCloseable {
  private static final Pattern READY = Pattern.compile("ready tcp=(\\d+) udp=(\\d+)");

  private final Process process;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
  private final Thread stderrPump;
  final int tcpPort;
  final int udpPort;

  private ChildJvm(Process process) throws IOException, InterruptedException {
    this.process = process;
    Thread out = new Thread(() -> pumpLines(process.getInputStream()), "child-stdout");
    out.setDaemon(true);
    out.start();
    stderrPump = new Thread(() -> pump(process.getErrorStream()), "child-stderr");
    stderrPump.setDaemon(true);
    stderrPump.start();
    Matcher ready = READY.matcher(awaitLine("ready "));
    assertThat(ready.matches()).isTrue();
    tcpPort = Integer.parseInt(ready.group(1));
    udpPort = Integer.parseInt(ready.group(2));
  }

  /**
   * Starts {@code java [jvmOptions] ChildServer [args]} under {@code prlimit [limits]} (none if
   * empty); skips the test loudly without prlimit.
   */
  static ChildJvm start(List<String> limits, List<String> jvmOptions, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    if (!limits.isEmpty()) {
      Path prlimit = NativeTools.findTool("prlimit");
      if (prlimit == null) {
        NativeTools.skipLoudly("prlimit (util-linux) is not installed: test skipped");
      }
      command.add(prlimit.toString());
      command.addAll(limits);
      command.add("--");
    }
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(
        List.of("-cp", System.getProperty("java.class.path"), ChildServer.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    // One malloc arena: an address-space limit (prlimit --as) counts what arenas reserve.
    builder.environment().put("MALLOC_ARENA_MAX", "1");
    Process process = builder.start();
    try {
      return new ChildJvm(process);
    } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
      process.destroyForcibly();
      throw e;
    }
  }

  InetSocketAddress tcp() {
    return new InetSocketAddress(RawWire.LOOPBACK, tcpPort);
  }

  /** Waits up to 20 s for a line of the child's output starting with {@code prefix}. */
  String awaitLine(String prefix) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (line == null) {
        throw new AssertionError(
            "no line starting with '" + prefix + "' from the child; " + "its stderr: " + stderr());
      }
      if (line.startsWith(prefix)) {
        return line;
      }
    }
  }

  /** What the child wrote to stderr so far. */
  String stderr() {
    synchronized (stderr) {
      return stderr.toString(StandardCharsets.UTF_8);
    }
  }

  /**
   * What a failed assertion should show: whether the child still runs (or its exit code), its
   * stderr, and, while it runs, its threads (from {@code jcmd PID Thread.print}, if it answers
   * within 10 s).
   */
  String diagnostics() throws InterruptedException {
    StringBuilder b = new StringBuilder();
    b.append(process.isAlive() ? "the child runs" : "the child exited with " + process.exitValue());
    b.append("; its stderr:\n").append(stderr());
    if (process.isAlive()) {
      Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
      try {
        Process dump =
            new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "Thread.print")
                .redirectErrorStream(true)
                .start();
        try {
          if (dump.waitFor(10, TimeUnit.SECONDS)) {
            b.append("\nits threads:\n")
                .append(new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
          }
        } finally {
          dump.destroyForcibly();
        }
      } catch (IOException e) {
        b.append("\nno thread dump: ").append(e);
      }
    }
    return b.toString();
  }

  /** Sends SIGTERM and waits up to {@code seconds} for the exit; returns its code. */
  int terminate(int seconds) throws InterruptedException {
    process.destroy();
    assertThat(process.waitFor(seconds, TimeUnit.SECONDS)).as("the child exited").isTrue();
    stderrPump.join(TimeUnit.SECONDS.toMillis(seconds));
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  private void pumpLines(InputStream in) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        lines.add(line);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void pump(InputStream in) {
    byte[] buf = new byte[8192];
    try {
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        synchronized (stderr) {
          stderr.write(buf, 0, n);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
