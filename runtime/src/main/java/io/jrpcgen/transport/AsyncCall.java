package io.jrpcgen.transport;

import io.jrpcgen.rpc.CallSecurity;
import io.jrpcgen.rpc.RpcException;
import io.jrpcgen.rpc.RpcTimeoutException;
import io.jrpcgen.xdr.XdrCodec;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * One asynchronous call: its future, its slot among the channel's calls in flight, its deadline
 * (watched by its dispatcher's timer), and whether its record has been written. Exactly one of the
 * reply, a transport failure, the deadline and the caller's cancel ends it; whichever does frees
 * the XID and the slot and stops the resends, and a record still queued for writing is then never
 * written.
 */
final class AsyncCall<R> implements ReplyDispatcher.AsyncListener {
  private static final int QUEUED = 0;
  private static final int WRITING = 1;
  private static final int CANCELLED = 2;

  private final AbstractChannel channel;
  private final int xid;
  private final XdrCodec<R> resultCodec;
  private final Executor executor;
  private final Duration timeout;
  // Observability hook: null without a listener.
  private final ClientCallProbe probe;
  private final CompletableFuture<RpcReply<R>> future = new CompletableFuture<>();
  private final CompletableFuture<RpcReply<R>> settled = new CompletableFuture<>();
  private final AtomicBoolean ended = new AtomicBoolean();
  private final AtomicInteger record = new AtomicInteger(QUEUED);
  private volatile ReplyDispatcher dispatcher;
  private volatile ReplyDispatcher.Waiter waiter;
  private volatile BiFunction<ReplyDispatcher.Waiter, IOException, RpcException> transportError;
  // Set before the call is registered, whose lock makes it visible to the timer.
  private long deadlineNanos;
  private volatile Future<?> resends;
  // The check of the reply when a CallSecurity protects the call, set before the call is sent.
  private volatile CallSecurity.ReplyCheck check;

  /** A call holding one of the channel's slots; its future's end gives the slot back. */
  AsyncCall(
      AbstractChannel channel,
      int xid,
      XdrCodec<R> resultCodec,
      Executor executor,
      Duration timeout,
      ClientCallProbe probe) {
    this.channel = channel;
    this.xid = xid;
    this.resultCodec = resultCodec;
    this.executor = executor;
    this.timeout = timeout;
    this.probe = probe;
    future.whenComplete(
        (reply, failure) -> {
          // Settled whatever the listener behind the probe throws (it lets Errors through): a
          // secured call waits for settled() to end its caller's future.
          try {
            end();
            if (probe != null) {
              probe.ended(failure);
            }
          } finally {
            if (failure == null) {
              settled.complete(reply);
            } else {
              settled.completeExceptionally(failure);
            }
          }
        });
  }

  int xid() {
    return xid;
  }

  /** What the call tells of itself to a listener, or null without one. */
  ClientCallProbe probe() {
    return probe;
  }

  CompletableFuture<RpcReply<R>> future() {
    return future;
  }

  /** The future's outcome, once the call's slot and XID are free again. */
  CompletableFuture<RpcReply<R>> settled() {
    return settled;
  }

  /** Has the reply checked by {@code check} (null for none); set before each send. */
  void checkWith(CallSecurity.ReplyCheck check) {
    this.check = check;
  }

  /** The check set last, or null. */
  CallSecurity.ReplyCheck check() {
    return check;
  }

  /**
   * Waits for the reply with {@code dispatcher} until {@code deadlineNanos}; a transport failure
   * ends the call with {@code transportError}'s exception for the call's waiter and the failure.
   */
  void await(
      ReplyDispatcher dispatcher,
      long deadlineNanos,
      BiFunction<ReplyDispatcher.Waiter, IOException, RpcException> transportError)
      throws IOException {
    this.transportError = transportError;
    this.dispatcher = dispatcher;
    this.deadlineNanos = deadlineNanos;
    this.waiter = dispatcher.registerAsync(xid, this);
    if (future.isDone()) {
      // Cancelled meanwhile: end() ran before there was a waiter and a timer to drop.
      end();
    }
  }

  /** The call's waiter, once {@link #await} registered it. */
  ReplyDispatcher.Waiter waiter() {
    return waiter;
  }

  /** Sends {@code resend} every {@code periodNanos} until the call ends (UDP). */
  void resendEvery(long periodNanos, Runnable resend) {
    resends = CallTimers.every(periodNanos, resend);
    if (future.isDone()) {
      end();
    }
  }

  /** Claims the record for a write; false if the call ended first, so it must not be written. */
  boolean takeForWrite() {
    return record.compareAndSet(QUEUED, WRITING);
  }

  /** Ends the call with {@code failure} (on the calling thread: the call was never sent). */
  void fail(RpcException failure) {
    future.completeExceptionally(failure.withXid(xid));
  }

  /** Runs {@code task} on the call's executor. */
  void runLater(Runnable task) {
    completeLater(task);
  }

  /** Ends the call with a failure, on the executor. */
  void failLater(RpcException failure) {
    completeLater(() -> future.completeExceptionally(failure.withXid(xid)));
  }

  @Override
  public long deadlineNanos() {
    return deadlineNanos;
  }

  /** Called by whoever read the reply or saw the transport fail: the rest happens elsewhere. */
  @Override
  public void answered(ReplyDispatcher.Waiter w) {
    completeLater(
        () -> {
          try {
            future.complete(outcome(w));
          } catch (RpcException e) {
            future.completeExceptionally(e.withXid(xid));
          } catch (RuntimeException | Error e) {
            // The caller's codec failed its own way, an Error too (a stack overflow on a deeply
            // nested value, memory for a large one). The reply and its waiter are gone, so nothing
            // else (not even the deadline) would end the future: it ends with that, as a blocking
            // call throws it, and this thread (the connection's reader, with a direct executor)
            // goes on serving the other calls.
            future.completeExceptionally(e);
          }
        });
  }

  /** The call's results from {@code w}'s reply, or the exception its transport failure is. */
  private RpcReply<R> outcome(ReplyDispatcher.Waiter w) {
    IOException failure = w.failure();
    if (failure != null) {
      throw transportError.apply(w, failure);
    }
    return channel.decodeReply(xid, w.reply(), resultCodec, check, probe);
  }

  /** Called by the dispatcher's timer, which took the call's waiter away. */
  @Override
  public void expired() {
    failLater(new RpcTimeoutException(channel.serverName, timeout));
  }

  private void completeLater(Runnable completion) {
    try {
      executor.execute(completion);
    } catch (RuntimeException | Error e) {
      // The caller's executor refuses (or fails otherwise): the future must still end, and here is
      // the only place. Whatever it threw is the call's, not the thread's that hands over the
      // completion (the connection's reader, or the timers' thread).
      future.completeExceptionally(e);
    }
  }

  private void end() {
    record.compareAndSet(QUEUED, CANCELLED);
    Future<?> resend = resends;
    if (resend != null) {
      resend.cancel(false);
    }
    ReplyDispatcher d = dispatcher;
    if (d != null) {
      d.cancel(xid, waiter);
    }
    if (ended.compareAndSet(false, true)) {
      channel.releaseSlot();
    }
  }
}
