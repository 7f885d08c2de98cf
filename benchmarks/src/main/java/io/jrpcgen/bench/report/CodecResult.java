package io.jrpcgen.bench.report;

/**
 * One JMH codec benchmark: medians over its measured iterations.
 *
 * @param benchmark the method, such as {@code squareEncode}
 * @param nsPerOp nanoseconds per operation
 * @param bytesPerOp bytes allocated per operation ({@code -prof gc}'s gc.alloc.rate.norm)
 * @param iterations the measured iterations, over all forks
 */
public record CodecResult(String benchmark, double nsPerOp, double bytesPerOp, int iterations) {}
