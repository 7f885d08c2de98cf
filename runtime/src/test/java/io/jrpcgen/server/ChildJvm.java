package io.jrpcgen.server;

import static io.jrpcgen.server.RawWire.call;
import static io.jrpcgen.server.RawWire.record;
import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.internal.rpc.Reply;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.testsupport.NativeTools;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@link ChildServer} in a JVM of its own, started under {@code prlimit} when limits are given,
 * and killed by its handle on {@link #close()}.
 */
final class ChildJvm implements AutoCloseable {
  private static final int NULL_XID = 0x5151;

  /** NULLPROC of {@link TestProgram}, as one record. */
  static final byte[] NULL_CALL = record(call(NULL_XID, TestProgram.PROGRAM, TestProgram.V2, 0));

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

  /** A new TCP connection to the child, within 10 s. */
  Socket connect() throws IOException {
    Socket s = new Socket();
    try {
      s.connect(tcp(), 10_000);
      return s;
    } catch (IOException e) {
      s.close();
      throw e;
    }
  }

  /** Whether a NULL call on a new connection is answered within {@code seconds}, retrying. */
  boolean nullCall(int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      try (Socket s = connect()) {
        s.setSoTimeout(2_000);
        s.getOutputStream().write(NULL_CALL);
        RawWire.assertReply(RawWire.readRecord(s), new Reply.Success(NULL_XID, OpaqueAuth.NONE));
        return true;
      } catch (IOException e) {
        Thread.sleep(200);
      }
    }
    return false;
  }

  /**
   * Sends {@link ChildServer#HOG} for {@code millis} on {@code s} and waits until the child's heap
   * is full (the child needs {@code --hog}).
   */
  void hog(Socket s, int xid, int millis) throws IOException, InterruptedException {
    hog(s, hogCall(xid, millis));
  }

  /**
   * Sends {@code hogCall}, made by {@link #hogCall}, on {@code s}; waits until the heap is full.
   */
  void hog(Socket s, byte[] hogCall) throws IOException, InterruptedException {
    s.getOutputStream().write(hogCall);
    awaitLine("hogging");
  }

  /** The record of a {@link ChildServer#HOG} call for {@code millis}. */
  static byte[] hogCall(int xid, int millis) {
    return record(
        call(xid, ChildServer.HOG_PROGRAM, 1, ChildServer.HOG, out -> out.writeInt(millis)));
  }

  /**
   * Opens {@code count} connections, {@code gapMs} apart, each sending a NULL call, and keeps them
   * open {@code holdMs} after the last before closing them all.
   */
  void connectWithCalls(int count, long gapMs, long holdMs)
      throws IOException, InterruptedException {
    List<Socket> opened = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        Socket s = connect();
        opened.add(s);
        s.getOutputStream().write(NULL_CALL);
        Thread.sleep(gapMs);
      }
      Thread.sleep(holdMs);
    } finally {
      for (Socket s : opened) {
        s.close();
      }
    }
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
   * {@code what}, followed by the {@link #diagnostics()} once an assertion fails and asks for its
   * description: taken before, {@code jcmd} would start the child's attach listener thread, and a
   * JVM that cannot start that thread (a test's process limit reached) ends.
   */
  Supplier<String> diagnosed(String what) {
    return () -> {
      try {
        return what + "; " + diagnostics();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return what;
      }
    };
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
        if (Runtime.version().feature() >= 21) {
          b.append("\nits virtual threads too:\n").append(virtualThreads(jcmd));
        }
      } catch (IOException e) {
        b.append("\nno thread dump: ").append(e);
      }
    }
    return b.toString();
  }

  /**
   * The child's threads with its virtual ones, which {@code Thread.print} leaves out, from {@code
   * jcmd PID Thread.dump_to_file} (Java 21+).
   */
  private String virtualThreads(Path jcmd) throws IOException, InterruptedException {
    Path file = Files.createTempFile("child-threads", ".txt");
    Files.delete(file);
    Process dump =
        new ProcessBuilder(
                jcmd.toString(),
                Long.toString(process.pid()),
                "Thread.dump_to_file",
                file.toString())
            .redirectErrorStream(true)
            .start();
    try {
      if (!dump.waitFor(10, TimeUnit.SECONDS) || !Files.exists(file)) {
        return "(no dump)";
      }
      return Files.readString(file);
    } finally {
      dump.destroyForcibly();
      Files.deleteIfExists(file);
    }
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
