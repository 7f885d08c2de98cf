package io.jrpcgen.bench.load;

/**
 * Call latencies in nanoseconds, bucketed as the C load generators do (load.h): exact below 64 ns,
 * then 64 buckets per power of two, so percentiles are within 1.6 %. Recording allocates nothing;
 * one histogram per thread, merged at the end.
 */
public final class LatencyHistogram {
  private static final int SUB_BITS = 6;
  private static final int SUB_COUNT = 1 << SUB_BITS;
  private static final int SIZE = SUB_COUNT + (64 - SUB_BITS) * SUB_COUNT;

  private final long[] counts = new long[SIZE];
  private long total;

  /** Records one latency. */
  public void record(long nanos) {
    counts[bucketOf(Math.max(0, nanos))]++;
    total++;
  }

  /** The number of latencies recorded. */
  public long count() {
    return total;
  }

  /** Adds {@code other}'s latencies to this histogram. */
  public void add(LatencyHistogram other) {
    for (int i = 0; i < SIZE; i++) {
      counts[i] += other.counts[i];
    }
    total += other.total;
  }

  /** The latency below which a fraction {@code q} of the calls fall, or 0 if there are none. */
  public long percentile(double q) {
    long rank = Math.max(1, Math.round(q * total));
    long seen = 0;
    for (int i = 0; i < SIZE; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return bucketValue(i);
      }
    }
    return 0;
  }

  static int bucketOf(long v) {
    if (v < SUB_COUNT) {
      return (int) v;
    }
    int exp = 63 - Long.numberOfLeadingZeros(v);
    return SUB_COUNT + (exp - SUB_BITS) * SUB_COUNT + (int) ((v >>> (exp - SUB_BITS)) - SUB_COUNT);
  }

  /** The middle of bucket {@code i}'s range. */
  static long bucketValue(int i) {
    if (i < SUB_COUNT) {
      return i;
    }
    int exp = (i - SUB_COUNT) / SUB_COUNT + SUB_BITS;
    long low = (long) (SUB_COUNT + (i - SUB_COUNT) % SUB_COUNT) << (exp - SUB_BITS);
    return low + ((1L << (exp - SUB_BITS)) >> 1);
  }
}
