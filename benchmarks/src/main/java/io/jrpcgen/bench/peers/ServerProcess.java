package io.jrpcgen.bench.peers;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A server in a process of its own, listening on 127.0.0.1; closing it stops the process. */
public final class ServerProcess implements AutoCloseable {
  /** Every server prints this line once it serves. */
  private static final Pattern PORTS = Pattern.compile("tcp=(\\d+) udp=(\\d+)");

  private static final long START_TIMEOUT_SECONDS = 30;

  /** A server the benchmark could not stop exits by itself after this long. */
  public static final int LIFETIME_SECONDS = 4 * 3600;

  private final String name;
  private final Processes processes;
  private final Process process;
  private final int tcpPort;
  private final int udpPort;

  private ServerProcess(
      String name, Processes processes, Process process, int tcpPort, int udpPort) {
    this.name = name;
    this.processes = processes;
    this.process = process;
    this.tcpPort = tcpPort;
    this.udpPort = udpPort;
  }

  /** Starts {@code command} and waits for the ports it prints. */
  public static ServerProcess start(String name, Processes processes, List<String> command)
      throws IOException {
    Process process = processes.start(name, command);
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
      while (true) {
        Matcher m = PORTS.matcher(processes.read(name + ".out"));
        if (m.find()) {
          return new ServerProcess(
              name, processes, process, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        }
        if (!process.isAlive() || System.nanoTime() - deadline > 0) {
          throw new IOException(
              "the "
                  + name
                  + " server printed no ports within "
                  + START_TIMEOUT_SECONDS
                  + " s (alive: "
                  + process.isAlive()
                  + "): "
                  + processes.read(name + ".err"));
        }
        Thread.sleep(20);
      }
    } catch (IOException | RuntimeException e) {
      processes.stop(process);
      throw e;
    } catch (InterruptedException e) {
      processes.stop(process);
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting " + name, e);
    }
  }

  /** The server's name, as in the table. */
  public String name() {
    return name;
  }

  /** Its address for {@code tcp} or UDP. */
  public InetSocketAddress address(boolean tcp) {
    return new InetSocketAddress("127.0.0.1", tcp ? tcpPort : udpPort);
  }

  /** Whether the process still runs: a server that crashed shows here. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** The process id, for the log. */
  public long pid() {
    return process.pid();
  }

  /** The process, for reading the CPU time it uses. */
  public ProcessHandle handle() {
    return process.toHandle();
  }

  /** What the server wrote to stderr so far. */
  public String errors() throws IOException {
    return processes.read(name + ".err");
  }

  @Override
  public void close() {
    processes.stop(process);
  }
}
