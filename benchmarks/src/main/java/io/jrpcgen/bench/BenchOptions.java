package io.jrpcgen.bench;

import io.jrpcgen.bench.codec.CodecSuite;
import io.jrpcgen.bench.load.Pairing;
import io.jrpcgen.bench.load.Timing;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The command line. Two presets: the full run (default) and {@code --quick}; single settings
 * override them.
 *
 * @param mode "full" or "quick", for the report
 * @param runs samples per cell; the table shows their median
 * @param timing each sample's warm-up and measured interval
 * @param jitWarmup the warm-up of every Java client and server before the first run
 * @param codec JMH's settings, or null to skip the codec benchmarks
 * @param load whether to run the call-rate table
 * @param rows a pattern the row names must contain a match of
 * @param pairings the columns
 * @param out where the CSV and Markdown files go
 * @param serverJvmArgs extra options of the Java server processes
 * @param keepTemp whether to keep the scratch directory (C builds, process output)
 * @param profile where the JFR recordings of the load run go, or null for none
 */
record BenchOptions(
    String mode,
    int runs,
    Timing timing,
    Duration jitWarmup,
    CodecSuite.Settings codec,
    boolean load,
    Pattern rows,
    List<Pairing> pairings,
    Path out,
    List<String> serverJvmArgs,
    boolean keepTemp,
    Path profile) {

  static final String USAGE =
      """
      usage: java -jar benchmarks/target/benchmarks.jar [options]
        --quick             a short run (3 runs of 0.3 s per cell; about 3 minutes)
        --full              the default: 5 runs of 2 s per cell (about 27 minutes)
        --runs N            samples per cell (the table shows medians)
        --warmup-ms N       unmeasured calls before each sample
        --measure-ms N      each sample's measured interval
        --only REGEX        only rows whose name contains a match ('square tcp', 'echo')
        --pairings A,B,...  columns: java-java,java-java-async,java-java-async-direct,
                            java-java-tls,java-c,c-java,c-c,oncrpc4j-sync,
                            oncrpc4j-async,remote-tea,limit (default: all)
        --no-jmh            skip the codec benchmarks
        --no-load           skip the call-rate table
        --out DIR           where results.md, load.csv and codec.csv go
                            (default: benchmarks/target/results next to the jar)
        --server-jvm-args S extra JVM options of the Java servers (space-separated)
        --keep-temp         keep the scratch directory with the C build and process logs
        --profile DIR       record the load run with JFR: DIR/client.jfr (the Java clients)
                            and DIR/server-NAME.jfr (each Java server), and print where
                            their CPU samples and allocations are
      """;

  static BenchOptions parse(String[] args, Path defaultOut) {
    boolean quick = Arrays.asList(args).contains("--quick");
    String mode = quick ? "quick" : "full";
    int runs = quick ? 3 : 5;
    long warmup = quick ? 150 : 500;
    long measure = quick ? 300 : 2000;
    long jitWarmup = quick ? 500 : 2000;
    CodecSuite.Settings codec =
        quick ? new CodecSuite.Settings(1, 2, 500) : new CodecSuite.Settings(2, 5, 1000);
    boolean load = true;
    Pattern rows = Pattern.compile("");
    List<Pairing> pairings = List.of(Pairing.values());
    Path out = defaultOut;
    List<String> serverJvmArgs = List.of();
    boolean keepTemp = false;
    Path profile = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick", "--full" -> {}
        case "--runs" -> runs = positive(args, ++i);
        case "--warmup-ms" -> warmup = nonNegative(args, ++i);
        case "--measure-ms" -> measure = positive(args, ++i);
        case "--only" -> rows = Pattern.compile(value(args, ++i));
        case "--pairings" -> {
          List<Pairing> chosen = new ArrayList<>();
          for (String id : value(args, ++i).split(",")) {
            chosen.add(Pairing.fromId(id.trim()));
          }
          pairings = List.copyOf(chosen);
        }
        case "--no-jmh" -> codec = null;
        case "--no-load" -> load = false;
        case "--out" -> out = Path.of(value(args, ++i));
        case "--server-jvm-args" -> serverJvmArgs = List.of(value(args, ++i).trim().split("\\s+"));
        case "--keep-temp" -> keepTemp = true;
        case "--profile" -> profile = Path.of(value(args, ++i)).toAbsolutePath();
        case "--help", "-h" -> throw new IllegalArgumentException("");
        default -> throw new IllegalArgumentException("unknown option: " + args[i]);
      }
    }
    return new BenchOptions(
        mode,
        runs,
        new Timing(Duration.ofMillis(warmup), Duration.ofMillis(measure)),
        Duration.ofMillis(jitWarmup),
        codec,
        load,
        rows,
        pairings,
        out,
        serverJvmArgs,
        keepTemp,
        profile);
  }

  private static String value(String[] args, int i) {
    if (i >= args.length) {
      throw new IllegalArgumentException(args[i - 1] + " needs a value");
    }
    return args[i];
  }

  private static int positive(String[] args, int i) {
    int n = Integer.parseInt(value(args, i));
    if (n <= 0) {
      throw new IllegalArgumentException(args[i - 1] + " must be positive: " + n);
    }
    return n;
  }

  private static long nonNegative(String[] args, int i) {
    long n = Long.parseLong(value(args, i));
    if (n < 0) {
      throw new IllegalArgumentException(args[i - 1] + " must not be negative: " + n);
    }
    return n;
  }
}
