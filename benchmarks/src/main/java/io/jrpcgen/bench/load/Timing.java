package io.jrpcgen.bench.load;

import java.time.Duration;

/**
 * How long one sample runs: calls during the warm-up are not counted.
 *
 * @param warmup the time calls run before measuring
 * @param measure the measured interval
 */
public record Timing(Duration warmup, Duration measure) {
  public Timing {
    if (warmup.isNegative() || measure.isNegative() || measure.isZero()) {
      throw new IllegalArgumentException("bad timing: warmup " + warmup + ", measure " + measure);
    }
  }
}
