package io.jrpcgen.bench.load;

/**
 * The phases of one sample, shared by its callers: a warm-up, the measured interval, the stop. Only
 * calls that end inside the measured interval count, so the rate is calls over its length.
 */
final class Phases {
  static final int WARMUP = 0;
  static final int MEASURE = 1;
  static final int STOP = 2;

  private volatile int phase = WARMUP;

  int current() {
    return phase;
  }

  /**
   * Sleeps through the warm-up and the measured interval, then tells the callers to stop.
   *
   * @return the measured interval's length in nanoseconds
   */
  long runPhases(Timing timing) throws InterruptedException {
    try {
      Thread.sleep(timing.warmup().toMillis());
      long start = System.nanoTime();
      phase = MEASURE;
      Thread.sleep(timing.measure().toMillis());
      long end = System.nanoTime();
      return end - start;
    } finally {
      phase = STOP;
    }
  }
}
