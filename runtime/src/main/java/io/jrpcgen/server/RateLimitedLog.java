package io.jrpcgen.server;

import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A warning that is logged at most once per interval, with the number of times it was held back: a
 * flood of refused connections or failed accepts must neither fill the log nor, when a logger
 * itself fails for want of memory or descriptors, end the thread that reports it.
 */
final class RateLimitedLog {
  private final System.Logger log;
  private final long intervalNanos;
  private final AtomicLong nextAllowed = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong heldBack = new AtomicLong();

  RateLimitedLog(System.Logger log, long interval, TimeUnit unit) {
    this.log = log;
    this.intervalNanos = unit.toNanos(interval);
  }

  /** Logs {@code message} at WARNING unless one was logged less than an interval ago. */
  void warn(Supplier<String> message) {
    long now = System.nanoTime();
    long allowed = nextAllowed.get();
    if ((allowed != Long.MIN_VALUE && now - allowed < 0)
        || !nextAllowed.compareAndSet(allowed, now + intervalNanos)) {
      heldBack.incrementAndGet();
      return;
    }
    long held = heldBack.getAndSet(0);
    try {
      String suffix = held == 0 ? "" : " (" + held + " more like it since the last report)";
      log.log(Level.WARNING, message.get() + suffix);
    } catch (Throwable e) {
      // The logger failed too (no memory, no descriptor for its files): rather than ending the
      // thread that serves, the report is held back, and the next trouble may report at once,
      // so that what goes on after memory is back is not hidden for a whole interval.
      heldBack.addAndGet(held + 1);
      nextAllowed.compareAndSet(now + intervalNanos, allowed);
    }
  }
}
