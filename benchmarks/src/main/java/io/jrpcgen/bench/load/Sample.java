package io.jrpcgen.bench.load;

/**
 * One measured interval of one workload on one pairing.
 *
 * @param calls the calls completed within the interval
 * @param nanos the interval's length
 * @param p50Nanos the median latency of those calls
 * @param p99Nanos their 99th percentile latency
 * @param errors calls that failed or returned a wrong result
 * @param cpu the server's and the client's CPU time per call, if measured
 */
public record Sample(
    long calls, long nanos, long p50Nanos, long p99Nanos, long errors, CpuPerCall cpu) {
  /** Calls per second. */
  public double callsPerSecond() {
    return nanos == 0 ? 0 : calls * 1e9 / nanos;
  }

  /** This sample with the CPU time per call measured beside it. */
  public Sample withCpu(CpuPerCall measured) {
    return new Sample(calls, nanos, p50Nanos, p99Nanos, errors, measured);
  }

  /** A sample from a merged histogram. */
  static Sample of(LatencyHistogram latencies, long nanos, long errors) {
    return new Sample(
        latencies.count(),
        nanos,
        latencies.percentile(0.50),
        latencies.percentile(0.99),
        errors,
        CpuPerCall.UNKNOWN);
  }

  /**
   * Parses the line the C load generators print: {@code calls=N nanos=N p50_ns=N p99_ns=N
   * errors=N}.
   */
  public static Sample parse(String line) {
    long[] values = new long[5];
    String[] keys = {"calls", "nanos", "p50_ns", "p99_ns", "errors"};
    for (String field : line.trim().split(" ")) {
      int eq = field.indexOf('=');
      for (int i = 0; i < keys.length; i++) {
        if (eq > 0 && field.substring(0, eq).equals(keys[i])) {
          values[i] = Long.parseLong(field.substring(eq + 1));
        }
      }
    }
    if (values[1] == 0) {
      throw new IllegalArgumentException("not a load generator result: " + line);
    }
    return new Sample(values[0], values[1], values[2], values[3], values[4], CpuPerCall.UNKNOWN);
  }
}
