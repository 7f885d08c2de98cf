package io.jrpcgen.server;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads for TCP connections: virtual threads when the JVM has them (Java 21+), else daemon
 * platform threads. Looked up reflectively because the runtime compiles for Java 17.
 */
final class ConnectionThreads {
  private static final ThreadFactory VIRTUAL = virtualThreadFactory();
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private ConnectionThreads() {}

  static boolean virtual() {
    return VIRTUAL != null;
  }

  static Thread start(String name, Runnable task) {
    Thread t;
    if (VIRTUAL != null) {
      t = VIRTUAL.newThread(task);
      t.setName(name);
    } else {
      t = new Thread(task, name + "-" + COUNTER.incrementAndGet());
      t.setDaemon(true);
    }
    t.start();
    return t;
  }

  private static ThreadFactory virtualThreadFactory() {
    try {
      Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
      return (ThreadFactory) Class.forName("java.lang.Thread$Builder").getMethod("factory")
          .invoke(builder);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }
}
