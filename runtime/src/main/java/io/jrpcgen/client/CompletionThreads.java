package io.jrpcgen.client;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The default executor of asynchronous calls: a work-stealing pool of daemon threads as large as
 * the JDK's common pool, shared by every client.
 *
 * <p>Not the common pool itself: on JDK 17 and later its threads drop every thread-local value
 * after each task, and a completion that starts the next call (the usual asynchronous loop) would
 * then make the calling thread's encoder and the JDK's temporary direct buffer of each socket write
 * afresh for every call; that was a fifth of the client's CPU on a shared connection.
 */
final class CompletionThreads {
  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final ForkJoinPool POOL =
      new ForkJoinPool(
          ForkJoinPool.getCommonPoolParallelism(), CompletionThreads::newThread, null, true);

  private CompletionThreads() {}

  /** The pool, created with the first client. */
  static ForkJoinPool pool() {
    return POOL;
  }

  // A worker thread is a daemon: the pool keeps no JVM alive.
  private static ForkJoinWorkerThread newThread(ForkJoinPool pool) {
    ForkJoinWorkerThread t = new ForkJoinWorkerThread(pool) {};
    t.setName("jrpcgen-completions-" + THREADS.incrementAndGet());
    return t;
  }
}
