package io.jrpcgen.transport;

import static io.jrpcgen.transport.ReplyDispatcherTest.daemonsInto;
import static io.jrpcgen.transport.ReplyDispatcherTest.in;
import static io.jrpcgen.transport.ReplyDispatcherTest.listener;
import static io.jrpcgen.transport.ReplyDispatcherTest.millis;
import static io.jrpcgen.transport.ReplyDispatcherTest.reply;
import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.internal.transport.Message;
import io.jrpcgen.testsupport.CapturedLog;
import io.jrpcgen.transport.ReplyDispatcherTest.ScriptedReceiver;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The edges of {@link ReplyDispatcher}: who takes over reading when a reader leaves, and the one
 * timer of the asynchronous calls' deadlines. A hand-over that is lost shows as a follower, whose
 * own wait is long, not getting its reply within a bounded wait far shorter than that.
 *
 * <p>Where the order of the pending calls matters (which one the dispatcher finds first), the XIDs
 * are chosen by their slots in a fresh {@link XidMap}: 10, 9, 4, 5 come in that order.
 */
@Timeout(60)
class ReplyDispatcherEdgeTest {
  private static final long LONG = TimeUnit.SECONDS.toNanos(60);
  // A follower's own wait: longer than any bounded wait of these tests for its reply.
  private static final long FOLLOWER_WAIT = TimeUnit.SECONDS.toNanos(30);
  private static final long BOUND_SECONDS = 10;

  @RegisterExtension final CapturedLog log = new CapturedLog(ReplyDispatcher.class.getName());

  /** A scripted receiver whose first receive finds nothing until the test opens its gate. */
  private static final class GatedReceiver extends ScriptedReceiver {
    final CountDownLatch gate = new CountDownLatch(1);
    private final AtomicBoolean first = new AtomicBoolean(true);

    @Override
    public Message receive(long deadlineNanos) throws IOException {
      if (!first.compareAndSet(true, false)) {
        return super.receive(deadlineNanos);
      }
      reading.release();
      try {
        assertThat(gate.await(20, TimeUnit.SECONDS)).as("the gate opened").isTrue();
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
      return null;
    }
  }

  /** A thread waiting for one call's reply, and what its wait returned. */
  private record Caller(Thread thread, CompletableFuture<Message> result) {
    Message reply() throws Exception {
      return result.get(BOUND_SECONDS, TimeUnit.SECONDS);
    }
  }

  /**
   * Registers {@code xid} and waits for its reply in another thread, until {@code wait}; then, if
   * {@code cancel}, cancels its waiter, as a caller whose call timed out does.
   */
  private static Caller call(ReplyDispatcher d, int xid, long wait, boolean cancel) {
    CompletableFuture<Message> result = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try {
                ReplyDispatcher.Waiter w = d.register(xid);
                Message m = d.await(w, in(wait));
                if (cancel) {
                  d.cancel(xid, w);
                }
                result.complete(m);
              } catch (Throwable e) {
                result.completeExceptionally(e);
              }
            });
    t.setDaemon(true);
    t.start();
    return new Caller(t, result);
  }

  /** Waits, bounded, until {@code t} is parked by {@code d}: a follower waiting to be woken. */
  private static void awaitParked(Thread t, ReplyDispatcher d) throws InterruptedException {
    awaitTrue(
        () -> t.getState() == Thread.State.TIMED_WAITING && LockSupport.getBlocker(t) == d,
        t.getName() + " parked by the dispatcher");
  }

  private static void awaitTrue(BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = in(TimeUnit.SECONDS.toNanos(BOUND_SECONDS));
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() - deadline).as(what).isNegative();
      Thread.sleep(1);
    }
  }

  /** An asynchronous call's listener that records when it expired and counts down {@code all}. */
  private static ReplyDispatcher.AsyncListener expiring(
      long deadlineNanos, int xid, Map<Integer, Long> expiredAt, CountDownLatch all) {
    return listener(
        deadlineNanos,
        w -> {},
        () -> {
          expiredAt.put(xid, System.nanoTime());
          all.countDown();
        });
  }

  // --- Hand-over of the reading -----------------------------------------------------------------

  @Test
  void aLeaderWhoseReplyArrivesWakesTheWaitingThreadNotAnAsynchronousCall() throws Exception {
    ScriptedReceiver r = new ScriptedReceiver();
    // No reader thread: the waiting threads read for the asynchronous call, too.
    ReplyDispatcher d = new ReplyDispatcher(r, true, null);
    // Found first among the pending calls: it has no thread to wake.
    d.registerAsync(10, expiring(in(LONG), 10, new ConcurrentHashMap<>(), new CountDownLatch(1)));
    Caller leader = call(d, 5, LONG, false);
    r.awaitReader();
    Caller follower = call(d, 4, FOLLOWER_WAIT, false);
    awaitParked(follower.thread(), d);
    r.arrivals.add(reply(5));
    assertThat(leader.reply().xid()).isEqualTo(5);
    // Only a woken follower reads this one.
    r.awaitReader();
    r.arrivals.add(reply(4));
    assertThat(follower.reply().xid()).isEqualTo(4);
  }

  @Test
  void aLeaderWhoseWaitEndsAndWhoCancelsHandsTheReadingToAFollower() throws Exception {
    // The leader's read finds nothing until the follower waits.
    GatedReceiver r = new GatedReceiver();
    ReplyDispatcher d = new ReplyDispatcher(r, true, Thread::new);
    // Found first while it stays registered: at the end of its wait it wakes itself only.
    Caller leader = call(d, 10, millis(100), true);
    r.awaitReader();
    Caller follower = call(d, 4, FOLLOWER_WAIT, false);
    awaitParked(follower.thread(), d);
    r.gate.countDown();
    assertThat(leader.reply()).isNull();
    r.awaitReader();
    r.arrivals.add(reply(4));
    assertThat(follower.reply().xid()).isEqualTo(4);
  }

  @Test
  void aLookAtTheIdleTransportHandsTheReadingToACallThatCameMeanwhile() throws Exception {
    // The look's read finds nothing until the call waits.
    GatedReceiver r = new GatedReceiver();
    ReplyDispatcher d = new ReplyDispatcher(r, true, Thread::new);
    CompletableFuture<Boolean> ended = new CompletableFuture<>();
    Thread looking = new Thread(() -> ended.complete(d.endedWhileIdle(in(LONG))));
    looking.setDaemon(true);
    looking.start();
    r.awaitReader();
    Caller follower = call(d, 1, FOLLOWER_WAIT, false);
    awaitParked(follower.thread(), d);
    r.gate.countDown();
    assertThat(ended.get(BOUND_SECONDS, TimeUnit.SECONDS)).isFalse();
    r.awaitReader();
    r.arrivals.add(reply(1));
    assertThat(follower.reply().xid()).isEqualTo(1);
  }

  @Test
  void aLookWaitsAMomentForWhatArrivesAndHandsItToTheCallRegisteredMeanwhile() throws Exception {
    AtomicReference<ReplyDispatcher> dispatcher = new AtomicReference<>();
    AtomicReference<ReplyDispatcher.Waiter> late = new AtomicReference<>();
    AtomicLong given = new AtomicLong();
    // Call 2 is registered (by another caller) after the look found no call pending; its reply
    // is the first message the look reads.
    ScriptedReceiver r =
        new ScriptedReceiver() {
          @Override
          public Message receive(long deadlineNanos) throws IOException {
            if (late.get() == null) {
              given.set(deadlineNanos);
              late.set(dispatcher.get().register(2));
              return reply(2);
            }
            return super.receive(deadlineNanos);
          }
        };
    ReplyDispatcher d = new ReplyDispatcher(r, true, Thread::new);
    dispatcher.set(d);
    long before = System.nanoTime();
    assertThat(d.endedWhileIdle(before + LONG)).isFalse();
    // Ahead of when the look began, not already passed: a message on its way is waited for.
    assertThat(given.get() - before)
        .as("the look's first deadline less its start, ns")
        .isPositive();
    assertThat(late.get().reply()).as("the reply handed to call 2").isNotNull();
    assertThat(late.get().reply().xid()).isEqualTo(2);
    assertThat(d.awaitsReplies()).isFalse();
  }

  @Test
  void theReaderThreadWaitsParkedWhileACallerReadsRatherThanSpinning() throws Exception {
    ScriptedReceiver r = new ScriptedReceiver();
    List<Thread> readers = new CopyOnWriteArrayList<>();
    ReplyDispatcher d = new ReplyDispatcher(r, true, daemonsInto(readers));
    Caller leader = call(d, 2, LONG, false);
    r.awaitReader();
    CompletableFuture<Integer> answered = new CompletableFuture<>();
    d.registerAsync(1, listener(in(LONG), w -> answered.complete(w.reply().xid()), () -> {}));
    assertThat(readers).hasSize(1);
    awaitParked(readers.get(0), d);
    r.arrivals.add(reply(2));
    assertThat(leader.reply().xid()).isEqualTo(2);
    r.arrivals.add(reply(1));
    assertThat(answered.get(BOUND_SECONDS, TimeUnit.SECONDS)).isEqualTo(1);
  }

  // --- The asynchronous calls' timer ------------------------------------------------------------

  @Test
  void anEarlierDeadlineResetsTheTimerSetForALaterOne() throws Exception {
    long now = System.nanoTime();
    // As far ahead as a nanoTime value reaches: a call with no practical deadline.
    long farthest = now >= 0 ? Long.MAX_VALUE : now + Long.MAX_VALUE;
    for (long first : new long[] {in(LONG), farthest}) {
      ReplyDispatcher d = new ReplyDispatcher(new ScriptedReceiver(), true, null);
      Map<Integer, Long> expiredAt = new ConcurrentHashMap<>();
      CountDownLatch expired = new CountDownLatch(1);
      d.registerAsync(1, expiring(first, 1, expiredAt, new CountDownLatch(1)));
      long deadline = in(millis(100));
      d.registerAsync(2, expiring(deadline, 2, expiredAt, expired));
      assertThat(expired.await(BOUND_SECONDS, TimeUnit.SECONDS))
          .as("the later call expired, the first's deadline %d ns ahead", first - now)
          .isTrue();
      assertThat(expiredAt.get(2) - deadline).isNotNegative();
      assertThat(expiredAt).doesNotContainKey(1);
    }
  }

  @Test
  void afterOneAsynchronousCallExpiresTheTimerIsSetForTheNextEarliest() throws Exception {
    ReplyDispatcher d = new ReplyDispatcher(new ScriptedReceiver(), true, null);
    // A thread's call pending beside them: it has no deadline for the timer to look at.
    d.register(10);
    Map<Integer, Long> expiredAt = new ConcurrentHashMap<>();
    CountDownLatch expired = new CountDownLatch(2);
    long start = System.nanoTime();
    long[] deadlines = {start + millis(100), start + LONG, start + millis(300)};
    // 5 expires first; then 9, the latest, is found before 4, the next earliest.
    int[] xids = {5, 9, 4};
    for (int i = 0; i < xids.length; i++) {
      d.registerAsync(xids[i], expiring(deadlines[i], xids[i], expiredAt, expired));
    }
    assertThat(expired.await(BOUND_SECONDS, TimeUnit.SECONDS))
        .as("calls 5 and 4 expired, by: %s", expiredAt.keySet())
        .isTrue();
    assertThat(expiredAt.get(5) - deadlines[0]).isNotNegative();
    assertThat(expiredAt.get(4) - deadlines[2]).isNotNegative();
    assertThat(expiredAt).doesNotContainKey(9);
    assertThat(d.awaitsReplies()).isTrue();
  }

  @Test
  void aListenerThatThrowsAtItsDeadlineIsLogged() throws Exception {
    ReplyDispatcher d = new ReplyDispatcher(new ScriptedReceiver(), true, null);
    d.registerAsync(
        1,
        listener(
            in(millis(50)),
            w -> {},
            () -> {
              throw new ReplyDispatcherTest.ListenerBug();
            }));
    String message = "an asynchronous RPC call's listener failed; the others are served";
    log.await(Level.WARNING, message);
    assertThat(log.records())
        .filteredOn(rec -> rec.getLevel().equals(Level.WARNING))
        .singleElement()
        .extracting(LogRecord::getThrown)
        .isInstanceOf(ReplyDispatcherTest.ListenerBug.class);
    assertThat(d.awaitsReplies()).isFalse();
  }
}
