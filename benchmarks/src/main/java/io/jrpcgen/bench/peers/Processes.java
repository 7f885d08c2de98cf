package io.jrpcgen.bench.peers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every process the benchmark starts: servers, C clients, compilers. Each is stopped by its own
 * handle (its PID), at the latest by {@link #close()} or, if the JVM is killed, by a shutdown hook;
 * servers also exit by themselves after a lifetime they are given.
 */
public final class Processes implements AutoCloseable {
  private static final long STOP_GRACE_SECONDS = 5;

  private final Path dir;
  private final Set<Process> running = ConcurrentHashMap.newKeySet();
  private final AtomicInteger runs = new AtomicInteger();
  private final Thread hook = new Thread(this::stopAll, "stop-benchmark-processes");

  /** A registry whose processes run in {@code dir}, where their output files go too. */
  public Processes(Path dir) {
    this.dir = dir;
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** The working directory of the processes. */
  public Path dir() {
    return dir;
  }

  /** Starts {@code command} with its stdout and stderr going to {@code name}.out / .err. */
  public Process start(String name, List<String> command) throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectOutput(dir.resolve(name + ".out").toFile())
            .redirectError(dir.resolve(name + ".err").toFile());
    // Untranslated messages from gcc and the C library.
    builder.environment().put("LC_ALL", "C");
    Process process = builder.start();
    running.add(process);
    return process;
  }

  /**
   * Runs {@code command} to completion within {@code timeoutSeconds} and returns its stdout.
   *
   * @throws IOException if it fails, exits non-zero or runs too long (it is then killed)
   */
  public String run(List<String> command, long timeoutSeconds) throws IOException {
    String name = "run-" + runs.incrementAndGet();
    Process process = start(name, command);
    try {
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        throw new IOException(
            String.join(" ", command) + " did not finish within " + timeoutSeconds + " s");
      }
      String out = read(name + ".out");
      if (process.exitValue() != 0) {
        throw new IOException(
            String.join(" ", command)
                + " exited with "
                + process.exitValue()
                + ":\n"
                + out
                + read(name + ".err"));
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + command.get(0), e);
    } finally {
      stop(process);
    }
  }

  /** The text of an output file in the directory, or "" if there is none. */
  public String read(String file) throws IOException {
    Path path = dir.resolve(file);
    return Files.exists(path) ? Files.readString(path, StandardCharsets.UTF_8) : "";
  }

  /** Stops {@code process} (SIGTERM, then SIGKILL after a grace period) and forgets it. */
  public void stop(Process process) {
    try {
      if (process.isAlive()) {
        process.destroy();
        if (!process.waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          process.waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS);
        }
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    } finally {
      running.remove(process);
    }
  }

  /** Stops every process still running. */
  @Override
  public void close() {
    stopAll();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // Already shutting down: the hook is running or has run.
    }
  }

  private void stopAll() {
    for (Process p : List.copyOf(running)) {
      stop(p);
    }
  }
}
