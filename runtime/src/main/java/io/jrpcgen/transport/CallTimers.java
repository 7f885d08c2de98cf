package io.jrpcgen.transport;

import java.lang.System.Logger.Level;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The deadlines and UDP resends of asynchronous calls: one daemon thread for the whole runtime,
 * each timer at its own time, never before it. Tasks only end calls and hand their completion to
 * the call's executor, so no user code runs here and a slow callback delays no other deadline.
 */
final class CallTimers {
  private static final System.Logger LOG = System.getLogger(CallTimers.class.getName());
  private static final ScheduledThreadPoolExecutor TIMERS = newTimers();

  private CallTimers() {}

  /** Runs {@code task} once, {@code delayNanos} from now. */
  static ScheduledFuture<?> after(long delayNanos, Runnable task) {
    return TIMERS.schedule(guarded(task), Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
  }

  /** Runs {@code task} every {@code periodNanos}, the first time one period from now. */
  static ScheduledFuture<?> every(long periodNanos, Runnable task) {
    return TIMERS.scheduleWithFixedDelay(
        guarded(task), periodNanos, periodNanos, TimeUnit.NANOSECONDS);
  }

  // A periodic task that throws is never run again; a timer's trouble must not end a resend.
  private static Runnable guarded(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException | Error e) {
        LOG.log(Level.WARNING, "an RPC call timer failed", e);
      }
    };
  }

  private static ScheduledThreadPoolExecutor newTimers() {
    ScheduledThreadPoolExecutor timers =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "jrpcgen-call-timers");
              t.setDaemon(true);
              return t;
            });
    // A call that ends before its deadline takes its timer out of the queue: a million
    // completed calls leave no million timers behind.
    timers.setRemoveOnCancelPolicy(true);
    return timers;
  }
}
