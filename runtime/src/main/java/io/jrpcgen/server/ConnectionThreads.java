package io.jrpcgen.server;

import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads for TCP connections: virtual threads when the JVM has them (Java 21+), else daemon
 * platform threads that are kept for a while after their connection ends, so that the accept loop
 * hands a new connection to a waiting thread instead of starting one. Looked up reflectively
 * because the runtime compiles for Java 17.
 */
final class ConnectionThreads {
  private static final ThreadFactory VIRTUAL = virtualThreadFactory();
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static final Executor PLATFORM = VIRTUAL != null ? null : platformPool();

  private ConnectionThreads() {}

  /**
   * Runs {@code task} on a thread of its own named {@code name}.
   *
   * @throws OutOfMemoryError if no thread can be started (a process or memory limit)
   */
  static void start(String name, Runnable task) {
    start(VIRTUAL, PLATFORM, name, task);
  }

  /**
   * Runs {@code task} on a thread of {@code virtual}, or of {@code platform} when there is no
   * {@code virtual}: separate from {@link #start(String, Runnable)} so that tests exercise both
   * kinds on any JDK.
   */
  static void start(ThreadFactory virtual, Executor platform, String name, Runnable task) {
    if (virtual != null) {
      Thread t = virtual.newThread(task);
      t.setName(name);
      t.start();
      return;
    }
    platform.execute(
        () -> {
          Thread current = Thread.currentThread();
          String idle = current.getName();
          rename(current, name);
          try {
            task.run();
          } finally {
            rename(current, idle);
          }
        });
  }

  /** Names {@code t}, unless that fails for want of memory: the task must run all the same. */
  private static void rename(Thread t, String name) {
    try {
      t.setName(name);
    } catch (Throwable e) {
      // The thread keeps the name it had.
    }
  }

  static Executor platformPool() {
    return new ThreadPoolExecutor(
        0,
        Integer.MAX_VALUE,
        30,
        TimeUnit.SECONDS,
        new SynchronousQueue<>(),
        task -> {
          Thread t = new Thread(task, "jrpcgen-tcp-" + COUNTER.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  private static ThreadFactory virtualThreadFactory() {
    try {
      Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
      return (ThreadFactory)
          Class.forName("java.lang.Thread$Builder").getMethod("factory").invoke(builder);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }
}
