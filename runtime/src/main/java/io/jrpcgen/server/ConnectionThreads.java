package io.jrpcgen.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads for TCP connections: virtual threads when the JVM has them (Java 21+), else daemon
 * platform threads that are kept for a while after their connection ends, so that the accept loop
 * hands a new connection to a waiting thread instead of starting one. Looked up reflectively
 * because the runtime compiles for Java 17.
 */
final class ConnectionThreads {
  private static final ThreadFactory VIRTUAL = virtualThreadFactory();
  private static final long WAIT_ONCE_MS = 10_000;
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static final Executor PLATFORM = VIRTUAL != null ? null : platformPool();

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
    if (PREPARED.compareAndSet(false, true)) {
      waitOnce(VIRTUAL != null ? VIRTUAL : ConnectionThreads::daemon);
    }
  }

  private static Thread daemon(Runnable task) {
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
