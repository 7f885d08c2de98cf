package io.jrpcgen.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs asynchronous callers: each keeps one call in flight, starting the next from the previous
 * one's completion, so N callers are N concurrent calls without N threads.
 */
public final class AsyncLoad {
  private static final long DRAIN_SECONDS = 40;
  // A slot that fails this many times in a row stops: its connection is gone.
  private static final int MAX_CONSECUTIVE_ERRORS = 100;

  /** Starts one call and reports its outcome (true: right result) to {@code done}, once. */
  @FunctionalInterface
  public interface AsyncCaller {
    void call(int seq, Consumer<Boolean> done) throws Exception;
  }

  private AsyncLoad() {}

  /** Runs the callers and measures the calls that end in the interval. */
  public static Sample run(List<? extends AsyncCaller> callers, Timing timing)
      throws InterruptedException {
    Phases phases = new Phases();
    CountDownLatch stopped = new CountDownLatch(callers.size());
    List<Slot> slots = new ArrayList<>();
    for (AsyncCaller caller : callers) {
      slots.add(new Slot(caller, phases, stopped));
    }
    slots.forEach(Slot::next);
    long nanos = phases.runPhases(timing);
    if (!stopped.await(DRAIN_SECONDS, TimeUnit.SECONDS)) {
      throw new IllegalStateException("calls still in flight " + DRAIN_SECONDS + " s after stop");
    }
    LatencyHistogram all = new LatencyHistogram();
    long errors = 0;
    for (Slot s : slots) {
      // The latch's countDown/await orders each slot's last writes before these reads.
      all.add(s.latencies);
      errors += s.errors;
    }
    return Sample.of(all, nanos, errors);
  }

  /** One call in flight at a time; completions of one slot never overlap. */
  private static final class Slot {
    final AsyncCaller caller;
    final Phases phases;
    final CountDownLatch stopped;
    final LatencyHistogram latencies = new LatencyHistogram();
    long errors;
    int seq;
    int consecutiveErrors;
    long start;

    Slot(AsyncCaller caller, Phases phases, CountDownLatch stopped) {
      this.caller = caller;
      this.phases = phases;
      this.stopped = stopped;
    }

    void next() {
      if (phases.current() == Phases.STOP || consecutiveErrors >= MAX_CONSECUTIVE_ERRORS) {
        stopped.countDown();
        return;
      }
      start = System.nanoTime();
      try {
        caller.call(seq++, this::done);
      } catch (Exception e) {
        done(false);
      }
    }

    void done(boolean ok) {
      long latency = System.nanoTime() - start;
      consecutiveErrors = ok ? 0 : consecutiveErrors + 1;
      if (phases.current() == Phases.MEASURE) {
        if (ok) {
          latencies.record(latency);
        } else {
          errors++;
        }
      }
      next();
    }
  }
}
