package io.jrpcgen.transport;

import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Routes replies to the threads waiting for them, by XID, without a reader thread.
 *
 * <p>Leader/follower: a caller that finds nobody reading becomes the reader and reads messages,
 * handing each to its waiter, until its own reply arrives or its wait ends; then it wakes another
 * waiter to take over. A lone caller thus reads its own reply with no thread hand-off, and many
 * callers share one connection, each reply reaching its own caller. Replies nobody waits for
 * (late answers to calls that timed out, duplicates) are dropped.
 */
final class ReplyDispatcher {
  /** Reads the next message, or returns null if none arrives within the wait. */
  interface Receiver {
    Message receive(long timeoutNanos) throws IOException;

    /** Whether a whole message is already buffered, so that receive would not block. */
    default boolean hasBuffered() {
      return false;
    }
  }

  /** A caller's pending call. */
  static final class Waiter {
    private final Thread thread = Thread.currentThread();
    private volatile Message reply;
    private volatile IOException failure;

    boolean done() {
      return reply != null || failure != null;
    }
  }

  private final ConcurrentHashMap<Integer, Waiter> waiters = new ConcurrentHashMap<>();
  private final ReentrantLock reading = new ReentrantLock();
  private final Receiver receiver;
  private final boolean failuresArePermanent;
  private volatile IOException broken;

  /**
   * A dispatcher reading with {@code receiver}. When {@code failuresArePermanent} (a TCP
   * connection), a receive failure also fails every later call; otherwise (UDP) only the calls
   * pending at the time.
   */
  ReplyDispatcher(Receiver receiver, boolean failuresArePermanent) {
    this.receiver = receiver;
    this.failuresArePermanent = failuresArePermanent;
  }

  /** Registers the calling thread as waiting for {@code xid}; call before sending. */
  Waiter register(int xid) throws IOException {
    Waiter waiter = new Waiter();
    if (waiters.putIfAbsent(xid, waiter) != null) {
      throw new IllegalStateException("xid already pending: " + xid);
    }
    IOException failure = broken;
    if (failure != null) {
      waiters.remove(xid, waiter);
      throw failure;
    }
    return waiter;
  }

  /** Forgets a waiter that gives up (timed out, or its send failed). */
  void cancel(int xid, Waiter waiter) {
    waiters.remove(xid, waiter);
    handOver();
  }

  /**
   * Waits for the reply to {@code waiter}'s call until {@code deadlineNanos} (a
   * {@link System#nanoTime()} value).
   *
   * @return the reply, or null if the wait ended first (the waiter stays registered)
   * @throws IOException if the transport failed; every waiter gets the same exception
   */
  Message await(Waiter waiter, long deadlineNanos) throws IOException {
    while (!waiter.done()) {
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0) {
        return null;
      }
      if (reading.tryLock()) {
        try {
          readUntilDone(waiter, deadlineNanos);
        } finally {
          reading.unlock();
          handOver();
        }
      } else {
        LockSupport.parkNanos(this, left);
      }
    }
    if (waiter.failure != null) {
      throw waiter.failure;
    }
    return waiter.reply;
  }

  /** Fails every pending call, and for a permanent failure every later one, too. */
  void failAll(IOException failure) {
    if (failuresArePermanent) {
      broken = failure;
    }
    for (var entry : waiters.entrySet()) {
      Waiter w = entry.getValue();
      if (waiters.remove(entry.getKey(), w)) {
        w.failure = failure;
        LockSupport.unpark(w.thread);
      }
    }
  }

  int pending() {
    return waiters.size();
  }

  private void readUntilDone(Waiter self, long deadlineNanos) {
    try {
      while (true) {
        long left;
        if (self.done()) {
          // Replies that arrived with ours go to their callers now, not after a hand-over.
          if (!receiver.hasBuffered()) {
            return;
          }
          // Buffered: the receive returns at once, whatever the wait.
          left = Math.max(1, deadlineNanos - System.nanoTime());
        } else {
          left = deadlineNanos - System.nanoTime();
          if (left <= 0) {
            return;
          }
        }
        Message message = receiver.receive(left);
        if (message != null && message.hasXid()) {
          Waiter w = waiters.remove(message.xid());
          if (w != null) {
            w.reply = message;
            if (w != self) {
              LockSupport.unpark(w.thread);
            }
          }
        }
      }
    } catch (IOException e) {
      failAll(e);
    }
  }

  /** Wakes one waiter so that somebody reads while calls are pending and nobody else does. */
  private void handOver() {
    if (reading.isLocked()) {
      return;
    }
    for (Waiter w : waiters.values()) {
      if (!w.done()) {
        LockSupport.unpark(w.thread);
        return;
      }
    }
  }
}
