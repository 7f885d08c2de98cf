package io.jrpcgen.transport;

import io.jrpcgen.rpc.CallSecurity;
import io.jrpcgen.rpc.RpcAuthException;
import io.jrpcgen.rpc.RpcException;
import io.jrpcgen.rpc.RpcTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * An asynchronous call protected by a {@link CallSecurity} (RPCSEC_GSS): one {@link AsyncCall},
 * sent at once or when the security is ready, and, if the server refused it in a way the security
 * can renew, a second one once the renewal is done, all within one deadline. The caller's future
 * ends with the last call's outcome, on the call's executor; its end gives the call's leave back to
 * the security.
 */
final class SecuredAsyncCall<R> {
  private final AbstractChannel channel;
  private final CallSecurity security;
  private final Executor executor;
  private final long deadlineNanos;
  private final Duration timeout;
  private final Supplier<AsyncCall<R>> send;
  private final CompletableFuture<RpcReply<R>> result = new CompletableFuture<>();
  // The call on the wire, for a cancel of the result to reach it.
  private volatile AsyncCall<R> current;
  // Whether the call holds a leave of the security that its end must give back.
  private final AtomicBoolean leaveHeld = new AtomicBoolean();

  /**
   * A call to be sent with {@code send}, which takes a slot and may throw an {@link RpcException}
   * for the slot's wait or an unchecked exception for a closed channel.
   */
  SecuredAsyncCall(
      AbstractChannel channel,
      CallSecurity security,
      Executor executor,
      long deadlineNanos,
      Duration timeout,
      Supplier<AsyncCall<R>> send) {
    this.channel = channel;
    this.security = security;
    this.executor = executor;
    this.deadlineNanos = deadlineNanos;
    this.timeout = timeout;
    this.send = send;
  }

  /**
   * Sends the call, which the security has admitted; the future ends with its outcome, and its end
   * gives the leave back.
   */
  CompletableFuture<RpcReply<R>> start() {
    leaveHeld.set(true);
    watchResult();
    AsyncCall<R> first;
    try {
      first = send.get();
    } catch (RpcException e) {
      fail(e);
      return result;
    } catch (RuntimeException | Error e) {
      // Thrown to the caller, as by an unsecured call; the cancel gives the leave back.
      result.cancel(false);
      throw e;
    }
    follow(first, true);
    return result;
  }

  /**
   * Sends the call once {@code ready} (the security's first context being made) is done: admitted
   * then, on the thread that made the context, and sent. The future ends with what failed the
   * context, or at the deadline, if either comes first.
   */
  CompletableFuture<RpcReply<R>> startWhen(CompletableFuture<?> ready) {
    watchResult();
    whenSecurityDone(
        ready,
        done -> {
          if (pastDeadline()) {
            completeLater(timedOut());
          } else {
            admitThenSend();
          }
        });
    return result;
  }

  /** A cancel ends the result from outside; every other end gives the leave back first. */
  private void watchResult() {
    result.whenComplete(
        (reply, failure) -> {
          giveLeaveBack();
          AsyncCall<R> c = current;
          if (result.isCancelled() && c != null) {
            c.future().cancel(false);
          }
        });
  }

  /**
   * Waits, within the deadline, for the security to admit the call, then sends it: on the thread
   * that made the security ready (on the caller's only if it became ready as the call started, as
   * for a security ready before).
   */
  private void admitThenSend() {
    try {
      channel.admit(security, timeout, deadlineNanos);
    } catch (RpcException e) {
      completeLater(e);
      return;
    }
    leaveHeld.set(true);
    // Ended meanwhile (a cancel, the deadline): watchResult may have run before the leave was held.
    if (result.isDone()) {
      giveLeaveBack();
      return;
    }
    sendLater(true);
  }

  /** Ends the result as {@code call} ends, unless a first refusal lets it go once more. */
  private void follow(AsyncCall<R> call, boolean first) {
    current = call;
    if (result.isDone()) {
      call.future().cancel(false);
      return;
    }
    // settled(): the call's slot is free again by then, for the second call to take.
    call.settled()
        .whenComplete(
            (reply, failure) -> {
              if (failure == null) {
                giveLeaveBack();
                result.complete(reply);
              } else if (first && failure instanceof RpcAuthException refusal) {
                renewThenResend(refusal);
              } else {
                fail(failure);
              }
            });
  }

  /**
   * Asks the security to renew what refused the call; the call goes again when it is done, or the
   * result ends with the refusal, the renewal's failure, or the deadline, whichever comes first.
   */
  private void renewThenResend(RpcAuthException refusal) {
    whenSecurityDone(
        security.renewAfter(refusal.authStat()),
        again -> {
          if (!again) {
            completeLater(refusal);
          } else if (pastDeadline()) {
            completeLater(timedOut());
          } else {
            sendLater(false);
          }
        });
  }

  /**
   * Runs {@code then} with what {@code work} of the security (its first context, a renewal) ends
   * with, unless the result has ended meanwhile; the result ends with the work's failure, or at the
   * deadline if the work takes longer.
   */
  private <T> void whenSecurityDone(CompletableFuture<T> work, Consumer<T> then) {
    Future<?> timer =
        CallTimers.after(deadlineNanos - System.nanoTime(), () -> completeLater(timedOut()));
    work.whenComplete(
        (value, failure) -> {
          timer.cancel(false);
          if (result.isDone()) {
            return;
          }
          if (failure != null) {
            completeLater(channel.securityFailure(unwrap(failure)));
          } else {
            then.accept(value);
          }
        });
  }

  private boolean pastDeadline() {
    return System.nanoTime() - deadlineNanos >= 0;
  }

  private RpcTimeoutException timedOut() {
    return new RpcTimeoutException(channel.serverName, timeout);
  }

  /**
   * Sends the call on a thread other than its caller's: the first time ({@code first}) on the
   * thread that made the security ready; again on the renewal's thread, or on the executor's thread
   * that ended the first call if the context had been renewed already. The first call's slot is
   * free by then (see follow), so the wait for one is short unless other calls took every slot
   * meanwhile.
   */
  private void sendLater(boolean first) {
    AsyncCall<R> call;
    try {
      call = send.get();
    } catch (RuntimeException | Error e) {
      // A slot not found in time, the channel closed meanwhile, or the caller's codec failing (an
      // Error too): the call ends with it. Nobody would see it thrown here, on another thread.
      completeLater(e);
      return;
    }
    follow(call, first);
  }

  /** Ends the result with {@code failure} on the executor, as every other end of it. */
  private void completeLater(Throwable failure) {
    try {
      executor.execute(() -> fail(failure));
    } catch (RuntimeException | Error e) {
      // The executor refuses (or fails otherwise): the result must still end, and here is the
      // only place; thrown on, it would reach a timer or a future's stage, which drop it.
      fail(e);
    }
  }

  /**
   * Ends the result with {@code failure}, the call's leave given back first: a caller that starts
   * another call as this one ends finds its place free.
   */
  private void fail(Throwable failure) {
    giveLeaveBack();
    result.completeExceptionally(failure);
  }

  private void giveLeaveBack() {
    if (leaveHeld.compareAndSet(true, false)) {
      security.done();
    }
  }

  private static Throwable unwrap(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause()
        : failure;
  }
}
