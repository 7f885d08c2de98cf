package io.jrpcgen.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs blocking callers, one thread each, through a warm-up and a measured interval. */
public final class ThreadedLoad {
  // A caller that fails this many times in a row stops: its connection is gone.
  private static final int MAX_CONSECUTIVE_ERRORS = 100;
  // Calls still running at the stop get this long to return (longer than any call's timeout).
  private static final long JOIN_SECONDS = 40;

  /** Makes one call; false if its result was wrong. */
  @FunctionalInterface
  public interface Caller {
    boolean call(int seq) throws Exception;
  }

  private ThreadedLoad() {}

  /** Runs each caller in its own thread and measures the calls that end in the interval. */
  public static Sample run(List<? extends Caller> callers, Timing timing)
      throws InterruptedException {
    Phases phases = new Phases();
    List<Worker> workers = new ArrayList<>();
    for (int i = 0; i < callers.size(); i++) {
      Worker w = new Worker(callers.get(i), phases);
      w.thread = new Thread(w::loop, "load-" + i);
      w.thread.setDaemon(true);
      workers.add(w);
    }
    workers.forEach(w -> w.thread.start());
    long nanos = phases.runPhases(timing);
    LatencyHistogram all = new LatencyHistogram();
    long errors = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(JOIN_SECONDS);
    for (Worker w : workers) {
      w.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      if (w.thread.isAlive()) {
        throw new IllegalStateException("a call did not return within " + JOIN_SECONDS + " s");
      }
      all.add(w.latencies);
      errors += w.errors;
      if (w.lastFailure != null && w.latencies.count() == 0) {
        throw new IllegalStateException("every call failed", w.lastFailure);
      }
    }
    return Sample.of(all, nanos, errors);
  }

  private static final class Worker {
    final Caller caller;
    final Phases phases;
    final LatencyHistogram latencies = new LatencyHistogram();
    Thread thread;
    long errors;
    Exception lastFailure;

    Worker(Caller caller, Phases phases) {
      this.caller = caller;
      this.phases = phases;
    }

    void loop() {
      int consecutiveErrors = 0;
      for (int seq = 0; phases.current() != Phases.STOP; seq++) {
        long start = System.nanoTime();
        boolean ok;
        try {
          ok = caller.call(seq);
        } catch (Exception e) {
          ok = false;
          lastFailure = e;
        }
        long latency = System.nanoTime() - start;
        boolean counted = phases.current() == Phases.MEASURE;
        if (ok) {
          consecutiveErrors = 0;
          if (counted) {
            latencies.record(latency);
          }
        } else {
          errors += counted ? 1 : 0;
          if (++consecutiveErrors >= MAX_CONSECUTIVE_ERRORS) {
            return;
          }
        }
      }
    }
  }
}
