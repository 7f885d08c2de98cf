package io.jrpcgen.server;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Counts the calls of one TCP connection, or of the UDP service, whose replies are still to come,
 * so that their number stays bounded and {@link RpcServer#close()} can wait for them.
 */
final class PendingCalls {
  private final int limit;
  private int count;

  PendingCalls(int limit) {
    this.limit = limit;
  }

  synchronized void add() {
    count++;
  }

  synchronized void done() {
    count--;
    notifyAll();
  }

  synchronized int count() {
    return count;
  }

  /** Wakes the waiters of {@link #awaitRoom}, so that they look at their stop condition. */
  synchronized void wakeUp() {
    notifyAll();
  }

  /** Waits until fewer than the limit are pending, or {@code stop} says to give up. */
  synchronized void awaitRoom(BooleanSupplier stop) throws InterruptedException {
    while (count >= limit && !stop.getAsBoolean()) {
      wait();
    }
  }

  /** Waits until none is pending or {@code deadline} (System.nanoTime) passes. */
  synchronized void awaitNone(long deadline) {
    try {
      for (long left = deadline - System.nanoTime();
          count > 0 && left > 0;
          left = deadline - System.nanoTime()) {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
