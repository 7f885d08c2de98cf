package io.jrpcgen.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Threads for TCP connections: platform (daemon) threads, kept for a while after their connection
 * ends so that the accept loop hands a new connection to a waiting thread instead of starting one;
 * on Java 21+, virtual threads for the connections beyond {@link #PLATFORM_WITH_VIRTUAL} served at
 * once. A platform thread blocked in a read is woken by the kernel when the peer's call arrives; a
 * virtual thread is woken by the JDK's poller thread, which then wakes a carrier thread to run it:
 * on the 2-core VM of the README's figures that halved the call rate of a connection making one
 * call at a time (about 20k against 38k calls/s on Java 25). Many idle connections still cost
 * little. Virtual threads are looked up reflectively because the runtime compiles for Java 17.
 */
final class ConnectionThreads {
  /**
   * How many connections at once platform threads serve when the JDK has virtual threads: enough
   * for every connection of a server with a few busy clients, and for the busy ones of most others.
   */
  static final int PLATFORM_WITH_VIRTUAL =
      Math.max(16, 4 * Runtime.getRuntime().availableProcessors());

  private static final ThreadFactory VIRTUAL = virtualThreadFactory();
  private static final long WAIT_ONCE_MS = 10_000;
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static final PlatformThreads PLATFORM =
      new PlatformThreads(
          platformPool(), VIRTUAL == null ? Integer.MAX_VALUE : PLATFORM_WITH_VIRTUAL);

  // Whether the JDK's machinery for threads that wait on and close sockets has been set up.
  private static final AtomicBoolean PREPARED = new AtomicBoolean();

  private ConnectionThreads() {}

  /**
   * Sets up, while there is memory, what the JDK builds lazily the first time a connection's thread
   * waits for a socket and closes it: for virtual threads its poller threads and the timer of timed
   * waits; for every thread the classes a socket's close goes through. Built on the first
   * connection instead, they may be built while the heap is full: a class initializer that runs out
   * of memory leaves its class unusable for the life of the JVM, and every later connection fails
   * with {@code NoClassDefFoundError} ({@code sun.nio.ch.Poller} seen on Java 25, {@code
   * sun.nio.ch.FileDispatcherImpl} on Java 17).
   */
  static void prepare() {
    prepare(PREPARED, VIRTUAL);
  }

  /**
   * Test seam: {@link #prepare()}, once for {@code prepared}, with a platform thread and then a
   * thread of {@code virtual} if there is one.
   */
  static void prepare(AtomicBoolean prepared, ThreadFactory virtual) {
    if (prepared.compareAndSet(false, true)) {
      waitOnce(ConnectionThreads::daemon);
      if (virtual != null) {
        waitOnce(virtual);
      }
    }
  }

  /** An unstarted daemon thread for {@link #prepare}. */
  static Thread daemon(Runnable task) {
    Thread thread = new Thread(task, "jrpcgen-prepare");
    thread.setDaemon(true);
    return thread;
  }

  /**
   * Makes a thread of {@code threads} wait, with a timeout, for a byte that never comes on a
   * loopback connection. Best effort: a server that cannot do it serves all the same.
   */
  static void waitOnce(ThreadFactory threads) {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (ServerSocket listener = new ServerSocket(0, 1, loopback);
        Socket client = new Socket(loopback, listener.getLocalPort());
        Socket accepted = listener.accept()) {
      Thread t =
          threads.newThread(
              () -> {
                try {
                  accepted.setSoTimeout(1);
                  accepted.getInputStream().read();
                } catch (IOException expected) {
                  // The read times out: waiting is all it was for.
                }
              });
      t.start();
      t.join(WAIT_ONCE_MS);
    } catch (IOException | RuntimeException e) {
      // No loopback, say: the JDK sets itself up on the first connection instead.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Runs {@code task} on a thread of its own named {@code name}.
   *
   * @throws OutOfMemoryError if no thread can be started (a process or memory limit)
   */
  static void start(String name, Runnable task) {
    start(VIRTUAL, PLATFORM, name, task);
  }

  /** How many connections the platform threads of {@link #start(String, Runnable)} serve now. */
  static int platformServing() {
    return PLATFORM.serving();
  }

  /**
   * Runs {@code task} on a thread of {@code platform}, or, when it has none to spare, of {@code
   * virtual} if there is one: separate from {@link #start(String, Runnable)} so that tests exercise
   * both kinds on any JDK.
   */
  static void start(ThreadFactory virtual, PlatformThreads platform, String name, Runnable task) {
    if (virtual == null) {
      platform.run(name, task);
    } else if (!platform.tryRun(name, task)) {
      Thread t = virtual.newThread(task);
      t.setName(name);
      t.start();
    }
  }

  /**
   * A pool's threads, serving at most {@code limit} tasks at once; after the pool could not start a
   * thread, {@link #tryRun} does not ask it again for a second.
   */
  static final class PlatformThreads {
    private static final long ASK_AGAIN_AFTER_NANOS = 1_000_000_000;

    private final Executor pool;
    private final int limit;
    private final LongSupplier nanoTime;
    private final AtomicInteger serving = new AtomicInteger();
    // Before this System.nanoTime() value the pool is not asked: every attempt at a limit costs a
    // failed thread start and a warning from the JVM.
    private volatile long askAgainAt;

    PlatformThreads(Executor pool, int limit) {
      this(pool, limit, System::nanoTime);
    }

    /** Test seam: {@code nanoTime} stands in for {@link System#nanoTime()}. */
    PlatformThreads(Executor pool, int limit, LongSupplier nanoTime) {
      this.pool = pool;
      this.limit = limit;
      this.nanoTime = nanoTime;
      this.askAgainAt = nanoTime.getAsLong();
    }

    /**
     * Runs {@code task} on a thread of the pool.
     *
     * @throws OutOfMemoryError if no thread can be started
     */
    void run(String name, Runnable task) {
      pool.execute(named(name, task));
    }

    /**
     * Runs {@code task} on a thread of the pool unless {@code limit} tasks are running or no thread
     * can be started; returns whether it does.
     */
    boolean tryRun(String name, Runnable task) {
      if (nanoTime.getAsLong() - askAgainAt < 0) {
        return false;
      }
      if (serving.incrementAndGet() > limit) {
        serving.decrementAndGet();
        return false;
      }
      try {
        pool.execute(
            named(
                name,
                () -> {
                  try {
                    task.run();
                  } finally {
                    serving.decrementAndGet();
                  }
                }));
        return true;
      } catch (RejectedExecutionException | OutOfMemoryError e) {
        // No thread to be had (a process limit, say): the caller has another kind.
        askAgainAt = nanoTime.getAsLong() + ASK_AGAIN_AFTER_NANOS;
        serving.decrementAndGet();
        return false;
      }
    }

    /** How many tasks run on the pool's threads now. */
    int serving() {
      return serving.get();
    }
  }

  /** {@code task} under {@code name}, the thread's own name back once it is done. */
  private static Runnable named(String name, Runnable task) {
    return () -> {
      Thread current = Thread.currentThread();
      String idle = current.getName();
      rename(current, name);
      try {
        task.run();
      } finally {
        rename(current, idle);
      }
    };
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
