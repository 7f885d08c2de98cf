package io.jrpcgen.bench;

import io.jrpcgen.bench.load.CpuPerCall;
import io.jrpcgen.bench.load.Sample;
import io.jrpcgen.bench.load.Timing;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Reads the CPU time the server's and the client's processes use while one sample is measured.
 *
 * <p>A rate says how fast the two sides were together, not which one did the more work: a client
 * that leaves the CPU idle while its threads wake up, say, or a server that copies more. The
 * operating system's account of each process's time (in clock ticks of 10 ms) is read over the
 * middle 80 % of the measured interval, so that neither a client's start (a C load generator's
 * process and connections) nor its stop falls inside.
 */
final class CpuWatch {
  private final ProcessHandle server;
  private final Set<Long> servers;
  private final Timing timing;
  private final Thread thread;
  private volatile Reading reading;

  /** The CPU time each side used over {@code nanos} of the measured interval; -1: not read. */
  private record Reading(long serverNanos, long clientNanos, long nanos) {}

  private CpuWatch(ProcessHandle server, Set<Long> servers, Timing timing) {
    this.server = server;
    this.servers = servers;
    this.timing = timing;
    this.thread = new Thread(this::watch, "cpu-watch");
    thread.setDaemon(true);
  }

  /**
   * Starts watching a sample that starts now: {@code server} is its server's process, and every
   * child process of the benchmark's not in {@code servers} (the pids of all servers) its client;
   * with none, the client runs in this JVM.
   */
  static CpuWatch start(ProcessHandle server, Set<Long> servers, Timing timing) {
    CpuWatch watch = new CpuWatch(server, servers, timing);
    watch.thread.start();
    return watch;
  }

  /** The CPU time per call of {@code sample}, once the watch has read its second figures. */
  CpuPerCall perCall(Sample sample) throws InterruptedException {
    thread.join(timing.measure().toMillis() + TimeUnit.SECONDS.toMillis(10));
    Reading r = reading;
    if (r == null || r.nanos() <= 0) {
      return CpuPerCall.UNKNOWN;
    }
    double calls = sample.callsPerSecond() * r.nanos() / 1e9;
    return new CpuPerCall(micros(r.serverNanos(), calls), micros(r.clientNanos(), calls));
  }

  private static double micros(long cpuNanos, double calls) {
    return cpuNanos < 0 || calls <= 0 ? Double.NaN : cpuNanos / 1e3 / calls;
  }

  private void watch() {
    try {
      long tenth = timing.measure().toNanos() / 10;
      TimeUnit.NANOSECONDS.sleep(timing.warmup().toNanos() + tenth);
      List<ProcessHandle> clients =
          ProcessHandle.current().children().filter(p -> !servers.contains(p.pid())).toList();
      if (clients.isEmpty()) {
        clients = List.of(ProcessHandle.current());
      }
      long serverBefore = cpuNanos(List.of(server));
      long clientBefore = cpuNanos(clients);
      long start = System.nanoTime();
      TimeUnit.NANOSECONDS.sleep(8 * tenth);
      long serverAfter = cpuNanos(List.of(server));
      long clientAfter = cpuNanos(clients);
      long nanos = System.nanoTime() - start;
      reading =
          new Reading(used(serverBefore, serverAfter), used(clientBefore, clientAfter), nanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static long used(long before, long after) {
    return before < 0 || after < 0 ? -1 : after - before;
  }

  /** The CPU time of {@code processes} together so far, or -1 if one cannot be read. */
  private static long cpuNanos(List<ProcessHandle> processes) {
    long total = 0;
    for (ProcessHandle p : processes) {
      Optional<Duration> cpu = p.info().totalCpuDuration();
      if (cpu.isEmpty()) {
        return -1;
      }
      total += cpu.get().toNanos();
    }
    return total;
  }
}
