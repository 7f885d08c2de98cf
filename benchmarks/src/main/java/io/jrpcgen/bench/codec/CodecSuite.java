package io.jrpcgen.bench.codec;

import io.jrpcgen.bench.report.CodecResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** Runs {@link CodecBenchmarks} through JMH with the GC profiler, in forked JVMs. */
public final class CodecSuite {
  private static final String ALLOCATION = "gc.alloc.rate.norm";

  /**
   * How much JMH runs.
   *
   * @param forks JVMs per benchmark
   * @param iterations warm-up and measured iterations per fork
   * @param iterationMillis the length of each iteration
   */
  public record Settings(int forks, int iterations, long iterationMillis) {}

  private CodecSuite() {}

  /** Runs every codec benchmark; JMH's own log goes to {@code log}. */
  public static List<CodecResult> run(Settings settings, Path log) throws RunnerException {
    TimeValue iteration = new TimeValue(settings.iterationMillis(), TimeUnit.MILLISECONDS);
    Options options =
        new OptionsBuilder()
            .include(CodecBenchmarks.class.getName() + "\\.")
            .addProfiler(GCProfiler.class)
            .forks(settings.forks())
            .warmupIterations(settings.iterations())
            .warmupTime(iteration)
            .measurementIterations(settings.iterations())
            .measurementTime(iteration)
            .output(log.toString())
            .build();
    Collection<RunResult> runs = new Runner(options).run();
    List<CodecResult> results = new ArrayList<>();
    for (RunResult run : runs) {
      String label = run.getParams().getBenchmark();
      Result<?> time = run.getPrimaryResult();
      Result<?> allocation = run.getSecondaryResults().get(ALLOCATION);
      results.add(
          new CodecResult(
              label.substring(label.lastIndexOf('.') + 1),
              time.getStatistics().getPercentile(50),
              allocation == null ? Double.NaN : allocation.getStatistics().getPercentile(50),
              (int) time.getStatistics().getN()));
    }
    results.sort(Comparator.comparing(r -> order(r.benchmark())));
    return results;
  }

  // Square, then READDIRPLUS, then opaque; encode before decode.
  private static String order(String benchmark) {
    String group =
        benchmark.startsWith("square") ? "1" : benchmark.startsWith("readdirplus") ? "2" : "3";
    return group + (benchmark.endsWith("Encode") ? "1" : "2") + benchmark;
  }
}
