package io.jrpcgen.bench;

import io.jrpcgen.bench.load.LoadClient;
import io.jrpcgen.bench.load.LoadResults;
import io.jrpcgen.bench.load.Pairing;
import io.jrpcgen.bench.load.Sample;
import io.jrpcgen.bench.load.Timing;
import io.jrpcgen.bench.load.Workload;
import io.jrpcgen.bench.peers.ServerProcess;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Runs every cell of the table several times. Runs are interleaved (all cells once, then all again)
 * so that a slow spell of the machine spreads over cells instead of sinking one.
 */
final class LoadRun {
  // Warms the JIT of every Java client and server before the first measured run.
  private static final List<Workload> WARMUP_ROWS =
      List.of(
          new Workload(Workload.Kind.SQUARE, Workload.Transport.TCP, 8, Workload.Sharing.SHARED, 0),
          new Workload(Workload.Kind.SQUARE, Workload.Transport.UDP, 8, Workload.Sharing.OWN, 0),
          new Workload(
              Workload.Kind.ECHO, Workload.Transport.TCP, 1, Workload.Sharing.OWN, 64 << 10));

  private final Map<Pairing.Client, LoadClient> clients;
  private final Map<Pairing.Server, ServerProcess> servers;
  private final PrintStream log;

  LoadRun(
      Map<Pairing.Client, LoadClient> clients,
      Map<Pairing.Server, ServerProcess> servers,
      PrintStream log) {
    this.clients = clients;
    this.servers = servers;
    this.log = log;
  }

  /** Warms up, then runs every cell {@code runs} times. */
  LoadResults run(
      List<Workload> rows, List<Pairing> columns, int runs, Timing timing, Duration jitWarmup) {
    LoadResults results = new LoadResults(rows, columns);
    if (!jitWarmup.isZero()) {
      log.println("warming up the Java clients and servers ...");
      for (Pairing column : columns) {
        if (column.client() != Pairing.Client.RAW && column != Pairing.C_C) {
          for (Workload row : WARMUP_ROWS) {
            if (clients.get(column.client()).supports(row)) {
              sample(row, column, new Timing(Duration.ZERO, jitWarmup), false);
            }
          }
        }
      }
    }
    for (int run = 1; run <= runs; run++) {
      for (Workload row : rows) {
        for (Pairing column : columns) {
          if (!clients.get(column.client()).supports(row)) {
            continue;
          }
          String label =
              String.format(
                  Locale.ROOT, "run %d/%d  %-24s %-15s", run, runs, row.name(), column.label());
          try {
            Sample s = sample(row, column, timing, true);
            results.add(row, column, run, s);
            log.println(label + describe(row, s));
          } catch (Exception e) {
            String why = e.getClass().getSimpleName() + ": " + e.getMessage();
            results.fail(row, column, why);
            log.println(label + "FAILED " + why);
            reportDeadServer(column);
          }
        }
      }
    }
    return results;
  }

  /** Runs one sample; {@code watchCpu}: with the CPU time per call of its server and client. */
  private Sample sample(Workload row, Pairing column, Timing timing, boolean watchCpu) {
    try {
      ServerProcess server = servers.get(column.server());
      CpuWatch watch = watchCpu ? CpuWatch.start(server.handle(), serverPids(), timing) : null;
      Sample sample =
          clients
              .get(column.client())
              .run(row, server.address(row.transport() == Workload.Transport.TCP), timing);
      return watch == null ? sample : sample.withCpu(watch.perCall(sample));
    } catch (RuntimeException e) {
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (Exception e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  private Set<Long> serverPids() {
    return servers.values().stream().map(ServerProcess::pid).collect(Collectors.toSet());
  }

  private void reportDeadServer(Pairing column) {
    ServerProcess server = servers.get(column.server());
    if (!server.isAlive()) {
      try {
        log.println(
            "  the "
                + server.name()
                + " server (pid "
                + server.pid()
                + ") is dead; its stderr:\n"
                + server.errors());
      } catch (java.io.IOException e) {
        log.println("  the " + server.name() + " server is dead");
      }
    }
  }

  private static String describe(Workload row, Sample s) {
    double rate = s.callsPerSecond();
    String throughput =
        row.reportsBytes()
            ? String.format(Locale.ROOT, "%8.1f MB/s", rate * row.payload() / 1e6)
            : String.format(Locale.ROOT, "%8.0f calls/s", rate);
    return String.format(
        Locale.ROOT,
        "%s  p50 %7.1f us  p99 %8.1f us  cpu/call server %5.1f us client %5.1f us%s",
        throughput,
        s.p50Nanos() / 1e3,
        s.p99Nanos() / 1e3,
        s.cpu().serverMicros(),
        s.cpu().clientMicros(),
        s.errors() > 0 ? "  errors " + s.errors() : "");
  }
}
