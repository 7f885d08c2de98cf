package io.jrpcgen.bench.load;

/**
 * The CPU time per call that a sample's server and client processes used, as the operating system
 * accounted it; NaN where a process could not be read.
 *
 * @param serverMicros the server process's microseconds per call
 * @param clientMicros the client process's microseconds per call (a Java client's is the
 *     benchmark's own JVM, its JIT and garbage collector included)
 */
public record CpuPerCall(double serverMicros, double clientMicros) {
  /** Neither process was measured. */
  public static final CpuPerCall UNKNOWN = new CpuPerCall(Double.NaN, Double.NaN);
}
