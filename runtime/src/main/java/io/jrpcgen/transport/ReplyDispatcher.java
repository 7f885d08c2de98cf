package io.jrpcgen.transport;

import io.jrpcgen.internal.transport.Message;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * Routes replies to the threads waiting for them, by XID, without a reader thread.
 *
 * <p>Leader/follower: a caller that finds nobody reading becomes the reader and reads messages,
 * handing each to its waiter, until its own reply arrives or its wait ends; then it wakes another
 * waiter to take over. A lone caller thus reads its own reply with no thread hand-off, and many
 * callers share one connection, each reply reaching its own caller. Replies nobody waits for (late
 * answers to calls that timed out, duplicates) are dropped. Asynchronous calls have no thread
 * waiting: while any is pending, a reader thread of the dispatcher's own reads, and one timer, set
 * for the earliest of their deadlines, ends those whose deadlines pass.
 *
 * <p>Calls the peer makes on the connection (a back channel) go to {@link BackChannelService.Calls}
 * whatever their XID, never to a waiter; without one they are dropped. With one, the reader thread
 * reads for as long as the connection lasts, since a call may come at any time.
 */
final class ReplyDispatcher {
  private static final System.Logger LOG = System.getLogger(ReplyDispatcher.class.getName());
  // How long a look at an idle transport waits for more to arrive: the shortest socket timeout.
  private static final long LOOK_NANOS = 1_000_000;

  /** Reads messages. */
  interface Receiver {
    /**
     * Reads the next message, or returns null if it has not arrived whole by {@code deadlineNanos}
     * (a {@link System#nanoTime()} value). It reads at least once, even if the deadline has passed:
     * what has already arrived, a message, the end or a failure, is never missed.
     */
    Message receive(long deadlineNanos) throws IOException;

    /** Whether a whole message is already buffered, so that receive would not block. */
    default boolean hasBuffered() {
      return false;
    }

    /** Whether a message has arrived in part: a receive ended by its deadline inside it. */
    default boolean inMessage() {
      return false;
    }

    /** The XID of the message that arrived in part, once its first word has. */
    default OptionalInt partialXid() {
      return OptionalInt.empty();
    }
  }

  /** An asynchronous call as the dispatcher sees it: its deadline, and what it is told. */
  interface AsyncListener {
    /** When the call's deadline passes, a {@link System#nanoTime()} value. */
    long deadlineNanos();

    /**
     * Told, on the thread that read the reply or saw the failure, when the call has either; it must
     * hand any real work to another thread. What it throws is logged and goes no further.
     */
    void answered(Waiter waiter);

    /**
     * Told, on the timers' thread, that the deadline passed first; the call is no longer pending.
     */
    void expired();
  }

  /** A pending call: a thread waiting for its reply, or an asynchronous call's listener. */
  static final class Waiter {
    // The waiting thread, or null for an asynchronous call, whose listener is told instead.
    private final Thread thread;
    private final AsyncListener listener;
    private volatile Message reply;
    private volatile IOException failure;
    // Whether the call's record may have reached the server whole (TCP): a transport failure
    // after that is one of receiving the reply, for the call may have run; before it, or once the
    // write that was to end the record failed, one of sending the call.
    private volatile boolean sent;

    private Waiter(Thread thread, AsyncListener listener) {
      this.thread = thread;
      this.listener = listener;
    }

    boolean done() {
      return reply != null || failure != null;
    }

    private long deadlineNanos() {
      return listener.deadlineNanos();
    }

    /** The reply, once delivered. */
    Message reply() {
      return reply;
    }

    /** The transport's failure, if the call failed with it. */
    IOException failure() {
      return failure;
    }

    /** Records that the call's record may reach the server whole: its end is being written. */
    void sent() {
      sent = true;
    }

    /**
     * Records that the call's record did not reach the server whole: the write of its end failed.
     */
    void unsent() {
      sent = false;
    }

    /** Whether the call's record may have reached the server whole. */
    boolean wasSent() {
      return sent;
    }

    private void deliver(Message message, IOException e) {
      if (message != null) {
        reply = message;
      } else {
        failure = e;
      }
      if (thread != null) {
        LockSupport.unpark(thread);
      } else {
        try {
          listener.answered(this);
        } catch (RuntimeException | Error thrown) {
          listenerFailed(thrown);
        }
      }
    }
  }

  // How long the reader thread reads before it looks whether asynchronous calls are left.
  private static final long READER_SLICE_NANOS = 100_000_000;

  private static final Predicate<Waiter> ASYNC = w -> w.thread == null;
  private static final Predicate<Waiter> THREAD_WAITING = w -> w.thread != null && !w.done();

  private final XidMap<Waiter> waiters = new XidMap<>();
  private final ReentrantLock reading = new ReentrantLock();
  private final Receiver receiver;
  private final boolean failuresArePermanent;
  private final ThreadFactory readerThreads;
  // Where the peer's calls go (a back channel), or null: they are dropped.
  private final BackChannelService.Calls calls;
  private final AtomicBoolean readerRunning = new AtomicBoolean();
  // One timer for the asynchronous calls' deadlines, set for the earliest (or earlier): a call
  // costs a comparison, not a timer of its own. Set and replaced under timerLock.
  private final Object timerLock = new Object();
  private ScheduledFuture<?> timer;
  private volatile boolean timerSet;
  private volatile long timerAt;
  private volatile Thread readerThread;
  private volatile IOException broken;

  /**
   * A dispatcher reading with {@code receiver}. When {@code failuresArePermanent} (a TCP
   * connection), a receive failure also fails every later call; otherwise (UDP) only the calls
   * pending at the time. While asynchronous calls are pending, a thread of {@code readerThreads}
   * reads for them.
   */
  ReplyDispatcher(Receiver receiver, boolean failuresArePermanent, ThreadFactory readerThreads) {
    this(receiver, failuresArePermanent, readerThreads, null);
  }

  /**
   * A dispatcher as above that hands the peer's calls to {@code calls} (null: drops them), and
   * tells it when a permanent failure ends the connection. With {@code readerThreads} null nothing
   * is read: the replies are handed over with {@link #delivered}.
   */
  ReplyDispatcher(
      Receiver receiver,
      boolean failuresArePermanent,
      ThreadFactory readerThreads,
      BackChannelService.Calls calls) {
    this.receiver = receiver;
    this.failuresArePermanent = failuresArePermanent;
    this.readerThreads = readerThreads;
    this.calls = calls;
  }

  /** Starts the reader thread, which reads until the connection fails: for a back channel. */
  void startReader() {
    if (readerRunning.compareAndSet(false, true)) {
      startReaderThread();
    }
  }

  private void startReaderThread() {
    try {
      readerThreads.newThread(this::readForAsyncCalls).start();
    } catch (RuntimeException | Error e) {
      // No thread to be had (out of them, say): the next asynchronous call tries again.
      readerRunning.set(false);
      throw e;
    }
  }

  /** Hands {@code reply}, read by the connection's owner, to its waiter, if one waits. */
  void delivered(Message reply) {
    Waiter w = waiters.remove(reply.xid());
    if (w != null) {
      w.deliver(reply, null);
    }
  }

  /** Registers the calling thread as waiting for {@code xid}; call before sending. */
  Waiter register(int xid) throws IOException {
    return register(xid, new Waiter(Thread.currentThread(), null));
  }

  /**
   * Registers an asynchronous call of {@code xid}; call before sending. {@code listener} is told
   * when the call has its reply or a failure, or when its deadline passes first, whichever is
   * first; the deadline is never told early.
   */
  Waiter registerAsync(int xid, AsyncListener listener) throws IOException {
    Waiter waiter = register(xid, new Waiter(null, listener));
    try {
      expireAt(listener.deadlineNanos());
      if (readerThreads != null && readerRunning.compareAndSet(false, true)) {
        startReaderThread();
      }
    } catch (RuntimeException | Error e) {
      // The call fails with it, and its caller has no waiter to cancel: none may stay behind that
      // nothing would end.
      waiters.remove(xid, waiter);
      throw e;
    }
    return waiter;
  }

  /**
   * Sees that the timer goes off by {@code deadline}: every asynchronous call registered before
   * this returns is then looked at by {@link #expireDue} at its deadline or earlier.
   */
  private void expireAt(long deadline) {
    // Calls with one timeout come in deadline order: nearly always a timer is set earlier.
    if (timerSet && timerAt - deadline <= 0) {
      return;
    }
    synchronized (timerLock) {
      if (timer != null) {
        if (timerAt - deadline <= 0) {
          return;
        }
        timer.cancel(false);
      }
      timerAt = deadline;
      timerSet = true;
      timer = CallTimers.after(deadline - System.nanoTime(), this::expireDue);
    }
  }

  /**
   * The timer's task: ends the asynchronous calls whose deadlines passed, then sets the timer for
   * the earliest deadline left. A call registered meanwhile sets a timer itself, as none is set.
   */
  private void expireDue() {
    synchronized (timerLock) {
      timer = null;
      timerSet = false;
    }
    long now = System.nanoTime();
    // Removed here, a waiter is ended by this and by nothing else.
    for (Waiter w : waiters.removeIf(w -> w.thread == null && now - w.deadlineNanos() >= 0)) {
      try {
        w.listener.expired();
      } catch (RuntimeException | Error e) {
        listenerFailed(e);
      }
    }
    List<Waiter> left = waiters.findAll(ASYNC);
    if (!left.isEmpty()) {
      long earliest = left.get(0).deadlineNanos();
      for (Waiter w : left) {
        earliest = w.deadlineNanos() - earliest < 0 ? w.deadlineNanos() : earliest;
      }
      expireAt(earliest);
    }
  }

  /**
   * Contains what an asynchronous call's listener threw. It runs on a thread that serves every call
   * on the transport (the reader, a leader, the timers' thread), and may run the caller's code
   * there (a direct executor): its failure ends that call's telling only, not the thread's service
   * of the others, who would otherwise wait out their deadlines or be failed by another call's bug.
   */
  private static void listenerFailed(Throwable e) {
    LOG.log(Level.WARNING, "an asynchronous RPC call's listener failed; the others are served", e);
  }

  private Waiter register(int xid, Waiter waiter) throws IOException {
    if (!waiters.putIfAbsent(xid, waiter)) {
      throw new IllegalStateException("xid already pending: " + xid);
    }
    IOException failure = broken;
    if (failure != null) {
      waiters.remove(xid, waiter);
      throw failure;
    }
    return waiter;
  }

  /**
   * Forgets a waiter that gives up (timed out, cancelled, or its send failed); returns whether it
   * was still pending, so that exactly one of the reply, a failure and the giving up ends it.
   */
  boolean cancel(int xid, Waiter waiter) {
    boolean removed = waiters.remove(xid, waiter);
    handOver();
    return removed;
  }

  /**
   * Waits for the reply to {@code waiter}'s call until {@code deadlineNanos} (a {@link
   * System#nanoTime()} value).
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

  /** Whether a call awaits its reply. */
  boolean awaitsReplies() {
    return !waiters.isEmpty();
  }

  /** Fails every pending call, and for a permanent failure every later one, too. */
  void failAll(IOException failure) {
    if (failuresArePermanent) {
      broken = failure;
    }
    // Each waiter removed is ended here, and by nothing else.
    for (Waiter w : waiters.removeAll()) {
      w.deliver(null, failure);
    }
    // After the calls: ending the back channel closes the connection, a failure of its own.
    if (failuresArePermanent && calls != null) {
      calls.ended();
    }
  }

  /** Whether the transport failed for good: every call on it fails without being sent. */
  boolean broken() {
    return broken != null;
  }

  /**
   * Looks, while no call is pending, at what arrived since the last one: reads until a read finds
   * nothing more (waiting at most a millisecond), however late this thread runs, and no longer than
   * until {@code deadlineNanos} while messages keep coming. Replies nobody awaits are dropped.
   * Returns whether the peer ended the transport, or left a message half-sent (then the dispatcher
   * is broken). Returns false at once if a call is pending or anybody is reading.
   */
  boolean endedWhileIdle(long deadlineNanos) {
    if (!waiters.isEmpty() || !reading.tryLock()) {
      return false;
    }
    try {
      Message message;
      do {
        // The receive reads once whatever the clock says: an end already received is seen.
        message = receiver.receive(Math.min(deadlineNanos, System.nanoTime() + LOOK_NANOS));
        dispatch(message);
      } while (message != null && deadlineNanos - System.nanoTime() > 0);
      abandonIfStalled(null);
    } catch (IOException e) {
      failAll(e);
    } catch (RuntimeException | Error e) {
      failAll(readFailure(e));
    } finally {
      reading.unlock();
      handOver();
    }
    return broken != null;
  }

  private void readUntilDone(Waiter self, long deadlineNanos) {
    try {
      while (true) {
        long deadline = deadlineNanos;
        if (self.done()) {
          // Replies that arrived with ours go to their callers now, not after a hand-over.
          if (!receiver.hasBuffered()) {
            return;
          }
          // Buffered: the receive returns at once, whatever the wait.
          deadline = Math.max(deadlineNanos, System.nanoTime() + 1);
        } else if (deadlineNanos - System.nanoTime() <= 0) {
          abandonIfStalled(self);
          return;
        }
        dispatch(receiver.receive(deadline));
      }
    } catch (IOException e) {
      failAll(e);
    } catch (RuntimeException | Error e) {
      failAll(readFailure(e));
    }
  }

  /**
   * What {@code e}, thrown while reading (out of memory for a record, say), is to the calls: a
   * failure of the transport. The stream may be left inside a record, so where the next one starts
   * is unknown: every pending call ends with it (TCP opens a new connection for the next), rather
   * than the reading thread dying with them left waiting, or a follower reading on from mid-record.
   */
  private static IOException readFailure(Throwable e) {
    LOG.log(Level.WARNING, "reading RPC replies failed; the transport is given up", e);
    return new IOException("reading replies failed: " + e, e);
  }

  /**
   * Hands {@code message} (if not null) to its waiter, or to the back channel if it is the peer's
   * call; drops it if nobody takes it.
   */
  private void dispatch(Message message) {
    if (message != null && message.isCall()) {
      // The peer's call: its XID is of the other direction's numbering, never a reply's.
      if (calls != null) {
        calls.received(message.bytes(), message.length());
      }
    } else if (message != null && message.hasXid()) {
      Waiter w = waiters.remove(message.xid());
      if (w != null) {
        w.deliver(message, null);
      }
    }
  }

  /**
   * Called when the reader's wait (or a look, with {@code self} null) ended. A message left
   * half-read is still awaited only if its caller waits on: read on under that caller's deadline.
   * Otherwise the stream is stuck in a record nobody will take (a stalled or lying peer): fails the
   * transport, so that TCP drops the connection and the next call opens a new one.
   */
  private void abandonIfStalled(Waiter self) throws SocketTimeoutException {
    // With a back channel the reader thread reads on, whatever the message is.
    if (calls != null || !receiver.inMessage()) {
      return;
    }
    OptionalInt xid = receiver.partialXid();
    Waiter owner = xid.isPresent() ? waiters.get(xid.getAsInt()) : null;
    if (owner == null || owner == self) {
      throw new SocketTimeoutException("reply record left half-read at a call's deadline");
    }
  }

  /**
   * The reader thread's work: reads, in slices, while asynchronous calls are pending or the peer
   * may call, and stops when neither holds. Waiting threads' replies it reads go to them, as any
   * reader's do.
   */
  private void readForAsyncCalls() {
    readerThread = Thread.currentThread();
    // Nothing answers this waiter: each slice reads until its end.
    Waiter self = new Waiter(readerThread, null);
    while (true) {
      if (readerNeeded()) {
        if (reading.tryLock()) {
          try {
            readUntilDone(self, System.nanoTime() + READER_SLICE_NANOS);
          } finally {
            reading.unlock();
            handOver();
          }
        } else {
          LockSupport.parkNanos(this, READER_SLICE_NANOS);
        }
        continue;
      }
      readerThread = null;
      readerRunning.set(false);
      // An asynchronous call registered after the look above, but before the flag was cleared,
      // found a reader running: this one goes on for it.
      if (!readerNeeded() || !readerRunning.compareAndSet(false, true)) {
        return;
      }
      readerThread = Thread.currentThread();
    }
  }

  /** Whether the reader thread goes on: for asynchronous calls, or a back channel's calls. */
  private boolean readerNeeded() {
    return (calls != null && broken == null) || hasAsyncWaiter();
  }

  private boolean hasAsyncWaiter() {
    return waiters.find(ASYNC) != null;
  }

  /** Wakes one reader so that somebody reads while calls are pending and nobody else does. */
  private void handOver() {
    if (reading.isLocked()) {
      return;
    }
    Thread reader = readerThread;
    if (reader != null) {
      LockSupport.unpark(reader);
    }
    Waiter waiting = waiters.isEmpty() ? null : waiters.find(THREAD_WAITING);
    if (waiting != null) {
      LockSupport.unpark(waiting.thread);
    }
  }
}
