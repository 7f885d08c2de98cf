package io.jrpcgen.bench.report;

import io.jrpcgen.bench.load.LoadResults;
import io.jrpcgen.bench.load.Pairing;
import io.jrpcgen.bench.load.Workload;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The benchmark's output: the call-rate table and the codec table, printed as text and written as
 * Markdown ({@code results.md}) and CSV ({@code load.csv}, {@code codec.csv}).
 */
public final class Report {
  private static final String LATENCY = "p50/p99 us";
  private static final String CPU = "cpu us/call";

  private final String header;
  private final LoadResults load;
  private final List<CodecResult> codec;

  /**
   * A report of {@code load} (may be null) and {@code codec} (may be empty), below {@code header}:
   * the machine and the settings, one line each.
   */
  public Report(String header, LoadResults load, List<CodecResult> codec) {
    this.header = header;
    this.load = load;
    this.codec = List.copyOf(codec);
  }

  /** The text for the terminal. */
  public String text() {
    StringBuilder out = new StringBuilder(header).append('\n');
    if (load != null) {
      out.append(render(loadTable(), false))
          .append('\n')
          .append(legend())
          .append('\n')
          .append(summary())
          .append('\n');
    }
    if (!codec.isEmpty()) {
      out.append(render(codecTable(), false));
    }
    return out.toString();
  }

  /** Writes {@code results.md}, {@code load.csv} and {@code codec.csv} into {@code dir}. */
  public List<Path> write(Path dir) throws IOException {
    Files.createDirectories(dir);
    List<Path> written = new ArrayList<>();
    StringBuilder md = new StringBuilder("# jrpcgen benchmarks\n\n");
    for (String line : header.split("\n")) {
      md.append(line).append("  \n");
    }
    if (load != null) {
      md.append("\n## Call rates\n\n")
          .append(render(loadTable(), true))
          .append('\n')
          .append(legend().replace("\n", "  \n"))
          .append('\n')
          .append(summary().replace("\n", "  \n"));
      written.add(writeFile(dir.resolve("load.csv"), loadCsv()));
    }
    if (!codec.isEmpty()) {
      md.append("\n## Codecs (JMH)\n\n").append(render(codecTable(), true));
      written.add(writeFile(dir.resolve("codec.csv"), codecCsv()));
    }
    written.add(0, writeFile(dir.resolve("results.md"), md.toString()));
    return written;
  }

  private static Path writeFile(Path path, String content) throws IOException {
    return Files.writeString(path, content, StandardCharsets.UTF_8);
  }

  private List<List<String>> loadTable() {
    List<List<String>> table = new ArrayList<>();
    List<String> head = new ArrayList<>(List.of("workload", "metric"));
    load.columns().forEach(c -> head.add(c.label()));
    table.add(head);
    for (Workload row : load.rows()) {
      List<String> rates =
          new ArrayList<>(List.of(row.name(), row.reportsBytes() ? "MB/s" : "calls/s"));
      List<String> latencies = new ArrayList<>(List.of("", LATENCY));
      List<String> cpu = new ArrayList<>(List.of("", CPU));
      for (Pairing column : load.columns()) {
        Optional<LoadResults.Cell> cell = load.cell(row, column);
        Optional<Double> fraction =
            column == Pairing.LIMIT ? Optional.empty() : load.ratio(row, column, Pairing.LIMIT);
        String failed = load.failure(row, column).isPresent() ? "!" : "";
        rates.add(
            cell.map(
                        c ->
                            formatRate(row, c.rate())
                                + fraction
                                    .map(f -> String.format(Locale.ROOT, " %3.0f%%", 100 * f))
                                    .orElse(""))
                    .orElse(failed.isEmpty() ? "-" : "failed")
                + (cell.isPresent() ? failed : ""));
        latencies.add(
            cell.map(c -> formatMicros(c.p50Micros()) + "/" + formatMicros(c.p99Micros()))
                .orElse(""));
        cpu.add(
            cell.filter(c -> Double.isFinite(c.serverCpuMicros() + c.clientCpuMicros()))
                .map(c -> formatCpu(c.serverCpuMicros()) + "/" + formatCpu(c.clientCpuMicros()))
                .orElse(""));
      }
      table.add(rates);
      if (row.kind() != Workload.Kind.BULK) {
        table.add(latencies);
        table.add(cpu);
      }
    }
    return table;
  }

  private String legend() {
    return """
        Medians of the runs. A percentage is the fraction of the row's limit (plain blocking
        sockets moving the same bytes; a shared-connection row's limit is its own-connection
        twin's), the median of the runs' fractions: each run's cells of a row are measured back
        to back, so the fraction holds when the machine's speed changes between runs. Ratios
        below are medians of per-run ratios too. MB/s counts payload bytes (10^6) one way.
        cpu us/call: the CPU time per call of the server's process / of the client's (a
        Java client's is the benchmark's JVM, JIT and GC included; the C client's its load
        generator's), as the OS accounts it (10 ms ticks) over the middle 80% of the measured
        interval: which side does the more work per call, which a rate alone does not show.
        Java = jrpcgen, C = rpcgen + libtirpc; oncrpc4j and Remote Tea call their own servers.
        "!": some runs failed (see the log).""";
  }

  /** Which rows are furthest behind libtirpc and the limit. */
  private String summary() {
    StringBuilder out = new StringBuilder();
    worst("Java/Java / C/C", r -> ratio(r, Pairing.JAVA_JAVA, Pairing.C_C))
        .ifPresent(
            s -> out.append("furthest behind libtirpc (lowest ratio): ").append(s).append('\n'));
    worst("Java->C / C/C", r -> ratio(r, Pairing.JAVA_C, Pairing.C_C))
        .ifPresent(s -> out.append("  jrpcgen's client vs libtirpc's: ").append(s).append('\n'));
    worst("C->Java / C/C", r -> ratio(r, Pairing.C_JAVA, Pairing.C_C))
        .ifPresent(s -> out.append("  jrpcgen's server vs libtirpc's: ").append(s).append('\n'));
    worst("Java/Java / limit", r -> ratio(r, Pairing.JAVA_JAVA, Pairing.LIMIT))
        .ifPresent(s -> out.append("furthest behind the limit: ").append(s).append('\n'));
    return out.toString();
  }

  private Optional<String> worst(String what, Function<Workload, Optional<Double>> ratio) {
    Workload worst = null;
    double lowest = Double.MAX_VALUE;
    for (Workload row : load.rows()) {
      Optional<Double> r = ratio.apply(row);
      if (r.isPresent() && r.get() < lowest) {
        lowest = r.get();
        worst = row;
      }
    }
    return worst == null
        ? Optional.empty()
        : Optional.of(
            String.format(Locale.ROOT, "%s, %s = %.0f%%", worst.name(), what, 100 * lowest));
  }

  private Optional<Double> ratio(Workload row, Pairing a, Pairing b) {
    if (!load.columns().contains(a) || !load.columns().contains(b)) {
      return Optional.empty();
    }
    return load.ratio(row, a, b);
  }

  private String loadCsv() {
    StringBuilder csv =
        new StringBuilder(
            "workload,kind,transport,threads,sharing,payload_bytes,"
                + "pairing,client,server,runs,unit,median,min,max,fraction_of_limit,p50_us,p99_us,"
                + "errors,server_cpu_us_per_call,client_cpu_us_per_call,failure\n");
    for (Workload row : load.rows()) {
      for (Pairing column : load.columns()) {
        Optional<LoadResults.Cell> cell = load.cell(row, column);
        Optional<Double> fraction = load.ratio(row, column, Pairing.LIMIT);
        Optional<String> failure = load.failure(row, column);
        if (cell.isEmpty() && failure.isEmpty()) {
          continue;
        }
        List<String> fields =
            new ArrayList<>(
                List.of(
                    row.name(),
                    lower(row.kind()),
                    lower(row.transport()),
                    Integer.toString(row.threads()),
                    lower(row.sharing()),
                    Integer.toString(row.payload()),
                    column.id(),
                    lower(column.client()),
                    lower(column.server())));
        if (cell.isPresent()) {
          LoadResults.Cell c = cell.get();
          fields.addAll(
              List.of(
                  Integer.toString(c.runs()),
                  row.reportsBytes() ? "MB/s" : "calls/s",
                  num(c.rate()),
                  num(c.minRate()),
                  num(c.maxRate()),
                  fraction.map(Report::num).orElse(""),
                  num(c.p50Micros()),
                  num(c.p99Micros()),
                  Long.toString(c.errors()),
                  measured(c.serverCpuMicros()),
                  measured(c.clientCpuMicros())));
        } else {
          fields.addAll(List.of("0", "", "", "", "", "", "", "", "", "", ""));
        }
        fields.add(failure.orElse(""));
        csv.append(String.join(",", fields.stream().map(Report::csvField).toList())).append('\n');
      }
    }
    return csv.toString();
  }

  private List<List<String>> codecTable() {
    List<List<String>> table = new ArrayList<>();
    table.add(List.of("benchmark", "ns/op", "B/op"));
    for (CodecResult r : codec) {
      table.add(
          List.of(
              r.benchmark(),
              String.format(Locale.ROOT, "%.1f", r.nsPerOp()),
              String.format(Locale.ROOT, "%.0f", r.bytesPerOp())));
    }
    return table;
  }

  private String codecCsv() {
    StringBuilder csv = new StringBuilder("benchmark,ns_per_op,bytes_per_op,iterations\n");
    for (CodecResult r : codec) {
      csv.append(
              String.join(
                  ",",
                  r.benchmark(),
                  num(r.nsPerOp()),
                  num(r.bytesPerOp()),
                  Integer.toString(r.iterations())))
          .append('\n');
    }
    return csv.toString();
  }

  /** A table as aligned text, or as a Markdown table. */
  static String render(List<List<String>> table, boolean markdown) {
    int columns = table.get(0).size();
    int[] widths = new int[columns];
    for (List<String> row : table) {
      for (int i = 0; i < columns; i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (int r = 0; r < table.size(); r++) {
      List<String> row = table.get(r);
      StringBuilder line = new StringBuilder(markdown ? "|" : "");
      for (int i = 0; i < columns; i++) {
        String cell = row.get(i);
        // Names left, figures right.
        String padded = i < 2 ? pad(cell, widths[i], false) : pad(cell, widths[i], true);
        line.append(markdown ? " " + padded + " |" : (i == 0 ? "" : "  ") + padded);
      }
      out.append(markdown ? line : line.toString().stripTrailing()).append('\n');
      if (r == 0) {
        StringBuilder rule = new StringBuilder(markdown ? "|" : "");
        for (int i = 0; i < columns; i++) {
          String dashes = "-".repeat(Math.max(3, widths[i]));
          rule.append(
              markdown
                  ? (i < 2 ? " " + dashes + " |" : " " + dashes.substring(1) + ": |")
                  : (i == 0 ? "" : "  ") + dashes);
        }
        out.append(rule).append('\n');
      }
    }
    return out.toString();
  }

  private static String pad(String s, int width, boolean right) {
    String spaces = " ".repeat(Math.max(0, width - s.length()));
    return right ? spaces + s : s + spaces;
  }

  static String formatRate(Workload row, double rate) {
    if (row.reportsBytes()) {
      return String.format(Locale.ROOT, rate < 100 ? "%.1f" : "%.0f", rate);
    }
    if (rate >= 1e6) {
      return String.format(Locale.ROOT, "%.2fM", rate / 1e6);
    }
    return rate >= 1e3
        ? String.format(Locale.ROOT, "%.1fk", rate / 1e3)
        : String.format(Locale.ROOT, "%.0f", rate);
  }

  static String formatMicros(double micros) {
    return String.format(Locale.ROOT, micros < 10 ? "%.1f" : "%.0f", micros);
  }

  static String formatCpu(double micros) {
    return String.format(Locale.ROOT, micros < 100 ? "%.1f" : "%.0f", micros);
  }

  private static String measured(double v) {
    return Double.isFinite(v) ? num(v) : "";
  }

  private static String num(double v) {
    return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.0f" : "%.3f", v);
  }

  private static String lower(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  private static String csvField(String s) {
    return s.contains(",") || s.contains("\"") || s.contains("\n")
        ? "\"" + s.replace("\"", "\"\"") + "\""
        : s;
  }
}
