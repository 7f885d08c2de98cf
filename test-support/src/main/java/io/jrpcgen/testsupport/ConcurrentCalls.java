package io.jrpcgen.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Calls from many threads released at once, for tests of callers that share a connection (each way,
 * on a back channel).
 */
public final class ConcurrentCalls {
  private ConcurrentCalls() {}

  /** One call of a caller's thread. */
  @FunctionalInterface
  public interface Call {
    /**
     * Makes call {@code i} of thread {@code thread}; {@code n}, {@code thread * 1000 + i}, is a
     * number no other thread of the caller uses.
     */
    void run(int thread, int i, int n) throws Exception;
  }

  /**
   * Runs each of {@code callers} on {@code threads} threads of its own, {@code rounds} calls (at
   * most 1000) a thread, all released together, then waits up to {@code bound} for each thread in
   * turn; what a call throws is thrown, wrapped in an {@link
   * java.util.concurrent.ExecutionException}.
   */
  public static void run(int threads, int rounds, Duration bound, Call... callers)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads * callers.length);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> jobs = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        for (Call caller : callers) {
          jobs.add(
              pool.submit(
                  () -> {
                    start.await();
                    for (int i = 0; i < rounds; i++) {
                      caller.run(thread, i, thread * 1_000 + i);
                    }
                    return null;
                  }));
        }
      }
      start.countDown();
      for (Future<?> job : jobs) {
        job.get(bound.toMillis(), TimeUnit.MILLISECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
