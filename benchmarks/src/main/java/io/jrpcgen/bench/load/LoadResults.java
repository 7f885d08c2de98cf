package io.jrpcgen.bench.load;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.DoubleStream;

/** Every sample of a load run, by row and column, with the medians the table shows. */
public final class LoadResults {
  /**
   * A cell's figures: medians over its runs; a CPU time per call over the runs that measured it,
   * NaN if none did.
   */
  public record Cell(
      int runs,
      double rate,
      double minRate,
      double maxRate,
      double p50Micros,
      double p99Micros,
      long errors,
      double serverCpuMicros,
      double clientCpuMicros) {}

  private final List<Workload> rows;
  private final List<Pairing> columns;
  // Samples by run number, so that two cells can be compared run by run.
  private final Map<Workload, Map<Pairing, Map<Integer, Sample>>> samples = new LinkedHashMap<>();
  private final Map<Workload, Map<Pairing, String>> failures = new LinkedHashMap<>();

  /** Results of {@code rows} × {@code columns}, none recorded yet. */
  public LoadResults(List<Workload> rows, List<Pairing> columns) {
    this.rows = List.copyOf(rows);
    this.columns = List.copyOf(columns);
  }

  public List<Workload> rows() {
    return rows;
  }

  public List<Pairing> columns() {
    return columns;
  }

  /** Records the sample of a cell in run {@code run}. */
  public synchronized void add(Workload row, Pairing column, int run, Sample sample) {
    samples
        .computeIfAbsent(row, r -> new LinkedHashMap<>())
        .computeIfAbsent(column, c -> new LinkedHashMap<>())
        .put(run, sample);
  }

  /** Records that a run of a cell failed. */
  public synchronized void fail(Workload row, Pairing column, String why) {
    failures.computeIfAbsent(row, r -> new LinkedHashMap<>()).put(column, why);
  }

  /** Why a run of the cell failed, if one did. */
  public synchronized Optional<String> failure(Workload row, Pairing column) {
    return Optional.ofNullable(failures.getOrDefault(row, Map.of()).get(column));
  }

  /**
   * The cell's medians; the limit column of a shared-connection row is its own-connection twin's,
   * since plain sockets have nothing to share.
   */
  public synchronized Optional<Cell> cell(Workload row, Pairing column) {
    Workload source = source(row, column);
    List<Sample> list = List.copyOf(runs(source, column).values());
    if (list.isEmpty()) {
      return Optional.empty();
    }
    double[] rates = list.stream().mapToDouble(s -> rate(source, s)).toArray();
    return Optional.of(
        new Cell(
            list.size(),
            median(rates),
            Arrays.stream(rates).min().orElse(0),
            Arrays.stream(rates).max().orElse(0),
            median(list.stream().mapToDouble(s -> s.p50Nanos() / 1e3).toArray()),
            median(list.stream().mapToDouble(s -> s.p99Nanos() / 1e3).toArray()),
            list.stream().mapToLong(Sample::errors).sum(),
            medianOfMeasured(list.stream().mapToDouble(s -> s.cpu().serverMicros())),
            medianOfMeasured(list.stream().mapToDouble(s -> s.cpu().clientMicros()))));
  }

  /**
   * The median, over the runs that measured both, of {@code a}'s rate over {@code b}'s in the same
   * run. The cells of a row run back to back, so this ratio holds when the machine's speed changes
   * between runs (on a VM the loopback's round trip can jump several-fold), where a ratio of
   * medians would not.
   */
  public synchronized Optional<Double> ratio(Workload row, Pairing a, Pairing b) {
    Workload sourceA = source(row, a);
    Workload sourceB = source(row, b);
    Map<Integer, Sample> runsA = runs(sourceA, a);
    Map<Integer, Sample> runsB = runs(sourceB, b);
    List<Double> ratios = new ArrayList<>();
    for (Map.Entry<Integer, Sample> e : runsA.entrySet()) {
      Sample other = runsB.get(e.getKey());
      if (other != null && other.callsPerSecond() > 0) {
        ratios.add(rate(sourceA, e.getValue()) / rate(sourceB, other));
      }
    }
    return ratios.isEmpty()
        ? Optional.empty()
        : Optional.of(median(ratios.stream().mapToDouble(Double::doubleValue).toArray()));
  }

  private Map<Integer, Sample> runs(Workload row, Pairing column) {
    return samples.getOrDefault(row, Map.of()).getOrDefault(column, Map.of());
  }

  /** A shared-connection row's limit is its own-connection twin's. */
  private static Workload source(Workload row, Pairing column) {
    return column == Pairing.LIMIT ? ownTwin(row) : row;
  }

  /** Calls per second, or MB/s (10^6 payload bytes) for the rows that move bytes. */
  static double rate(Workload row, Sample s) {
    double calls = s.callsPerSecond();
    return row.reportsBytes() ? calls * row.payload() / 1e6 : calls;
  }

  private static Workload ownTwin(Workload row) {
    return new Workload(
        row.kind(), row.transport(), row.threads(), Workload.Sharing.OWN, row.payload());
  }

  private static double medianOfMeasured(DoubleStream values) {
    double[] measured = values.filter(Double::isFinite).toArray();
    return measured.length == 0 ? Double.NaN : median(measured);
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
