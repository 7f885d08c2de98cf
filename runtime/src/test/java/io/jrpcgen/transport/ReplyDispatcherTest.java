package io.jrpcgen.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.internal.transport.Message;
import io.jrpcgen.internal.transport.PeerClosedException;
import io.jrpcgen.internal.xdr.Bytes;
import io.jrpcgen.testsupport.CapturedLog;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Leader/follower reply routing against a scripted receiver: who reads, who is woken, when. */
@Timeout(60)
class ReplyDispatcherTest {
  private static final long LONG = TimeUnit.SECONDS.toNanos(60);

  @RegisterExtension final CapturedLog log = new CapturedLog(ReplyDispatcher.class.getName());

  /** Asserts that the one WARNING logged is {@code message}, with a throwable {@code thrown} is. */
  private void assertWarned(String message, Predicate<Throwable> thrown) {
    assertThat(log.records())
        .filteredOn(r -> r.getLevel().equals(Level.WARNING))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getMessage()).isEqualTo(message);
              assertThat(r.getThrown()).matches(thrown);
            });
  }

  /** Hands out what a test puts in {@code arrivals}: messages, or failures to throw. */
  static class ScriptedReceiver implements ReplyDispatcher.Receiver {
    final BlockingQueue<Object> arrivals = new LinkedBlockingQueue<>();
    final AtomicInteger receives = new AtomicInteger();
    // A permit each time a reader starts waiting, so that tests know somebody reads.
    final Semaphore reading = new Semaphore(0);

    @Override
    public Message receive(long deadlineNanos) throws IOException {
      receives.incrementAndGet();
      reading.release();
      Object next;
      try {
        next = arrivals.poll(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
      if (next instanceof IOException e) {
        throw e;
      }
      if (next instanceof Error e) {
        throw e;
      }
      return (Message) next;
    }

    void awaitReader() throws InterruptedException {
      assertThat(reading.tryAcquire(20, TimeUnit.SECONDS)).as("somebody reads").isTrue();
    }
  }

  /** A receiver caught inside a message when a wait ends, with that message's XID if known. */
  private static class StuckReceiver extends ScriptedReceiver {
    private final OptionalInt xid;

    StuckReceiver(OptionalInt xid) {
      this.xid = xid;
    }

    @Override
    public boolean inMessage() {
      return true;
    }

    @Override
    public OptionalInt partialXid() {
      return xid;
    }
  }

  static Message reply(int xid) {
    byte[] b = new byte[8];
    Bytes.putInt(b, 0, xid);
    Bytes.putInt(b, 4, 1); // msg_type REPLY
    return new Message(b, b.length);
  }

  static long in(long nanos) {
    return System.nanoTime() + nanos;
  }

  static long millis(long n) {
    return TimeUnit.MILLISECONDS.toNanos(n);
  }

  /** Registers {@code xid} and waits for its reply in another thread, until {@code wait}. */
  private static CompletableFuture<Message> call(ReplyDispatcher d, int xid, long wait) {
    CompletableFuture<Message> result = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try {
                result.complete(d.await(d.register(xid), in(wait)));
              } catch (Throwable e) {
                result.completeExceptionally(e);
              }
            });
    t.setDaemon(true);
    t.start();
    return result;
  }

  /**
   * Calls 1 and 2 on a permanent transport read by {@code r}: call 1 reading, call 2 (given time to
   * park) waiting behind it.
   */
  private static List<CompletableFuture<Message>> readerAndFollower(ScriptedReceiver r)
      throws InterruptedException {
    ReplyDispatcher d = new ReplyDispatcher(r, true, Thread::new);
    CompletableFuture<Message> first = call(d, 1, LONG);
    r.awaitReader();
    CompletableFuture<Message> second = call(d, 2, LONG);
    Thread.sleep(200);
    return List.of(first, second);
  }

  @Test
  void aLoneCallerReadsItsOwnReply() throws IOException {
    ScriptedReceiver r = new ScriptedReceiver();
    ReplyDispatcher d = new ReplyDispatcher(r, true, Thread::new);
    ReplyDispatcher.Waiter w = d.register(7);
    r.arrivals.add(reply(7));
    assertThat(d.await(w, in(LONG)).xid()).isEqualTo(7);
  }

  @Test
  void staleRepliesAndMessagesWithoutAnXidAreDropped() throws IOException {
    ScriptedReceiver r = new ScriptedReceiver();
    ReplyDispatcher d = new ReplyDispatcher(r, true, Thread::new);
    ReplyDispatcher.Waiter w = d.register(7);
    r.arrivals.add(new Message(new byte[3], 3));
    r.arrivals.add(reply(6));
    r.arrivals.add(reply(7));
    assertThat(d.await(w, in(LONG)).xid()).isEqualTo(7);
  }

  @Test
  void aWaitWithNothingArrivingEndsEmptyAndKeepsTheWaiter() throws IOException {
    ScriptedReceiver r = new ScriptedReceiver();
    ReplyDispatcher d = new ReplyDispatcher(r, true, Thread::new);
    ReplyDispatcher.Waiter w = d.register(7);
    assertThat(d.await(w, in(millis(50)))).isNull();
    assertThatThrownBy(() -> d.register(7))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("xid already pending: 7");
    d.cancel(7, w);
    assertThat(d.register(7)).isNotNull();
  }

  @Test
  void theReaderHandsEachReplyToItsCaller() throws Exception {
    ScriptedReceiver r = new ScriptedReceiver();
    List<CompletableFuture<Message>> calls = readerAndFollower(r);
    CompletableFuture<Message> first = calls.get(0);
    CompletableFuture<Message> second = calls.get(1);
    r.arrivals.add(reply(2));
    assertThat(second.get(20, TimeUnit.SECONDS).xid()).isEqualTo(2);
    r.arrivals.add(reply(1));
    assertThat(first.get(20, TimeUnit.SECONDS).xid()).isEqualTo(1);
  }

  @Test
  void aReaderDoneWithItsOwnReplyWakesAWaiterToReadOn() throws Exception {
    ScriptedReceiver r = new ScriptedReceiver();
    List<CompletableFuture<Message>> calls = readerAndFollower(r);
    CompletableFuture<Message> first = calls.get(0);
    CompletableFuture<Message> second = calls.get(1);
    r.arrivals.add(reply(1));
    assertThat(first.get(20, TimeUnit.SECONDS).xid()).isEqualTo(1);
    // Only a reader that is woken sees this one.
    r.awaitReader();
    r.arrivals.add(reply(2));
    assertThat(second.get(20, TimeUnit.SECONDS).xid()).isEqualTo(2);
  }

  @Test
  void manyThreadsSharingOneTransportEachGetTheirOwnReplies() throws Exception {
    // A peer answers each call as it comes, the threads' replies interleaved: the reading passes
    // between the threads many times, and a hand-over lost on the way leaves threads waiting out
    // their deadlines once no new call comes to read for them.
    ScriptedReceiver r = new ScriptedReceiver();
    ReplyDispatcher d = new ReplyDispatcher(r, true, Thread::new);
    BlockingQueue<Integer> sent = new LinkedBlockingQueue<>();
    Thread peer =
        new Thread(
            () -> {
              try {
                while (true) {
                  r.arrivals.add(reply(sent.take()));
                }
              } catch (InterruptedException e) {
                // The test is over.
              }
            });
    peer.setDaemon(true);
    peer.start();
    int callers = 16;
    int perCaller = 1000;
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      List<Future<Integer>> wrong = new ArrayList<>();
      for (int c = 0; c < callers; c++) {
        int caller = c;
        wrong.add(
            pool.submit(
                () -> {
                  int mismatches = 0;
                  for (int i = 0; i < perCaller; i++) {
                    int xid = caller * 10_000 + i;
                    ReplyDispatcher.Waiter w = d.register(xid);
                    sent.add(xid);
                    Message m = d.await(w, in(TimeUnit.SECONDS.toNanos(20)));
                    mismatches += m == null || m.xid() != xid ? 1 : 0;
                  }
                  return mismatches;
                }));
      }
      for (Future<Integer> f : wrong) {
        assertThat(f.get(50, TimeUnit.SECONDS)).isZero();
      }
    } finally {
      pool.shutdownNow();
      peer.interrupt();
    }
    assertThat(d.awaitsReplies()).isFalse();
  }

  @Test
  void aFailureReachesEveryWaiterAtOnce() throws Exception {
    ScriptedReceiver r = new ScriptedReceiver();
    List<CompletableFuture<Message>> calls = readerAndFollower(r);
    IOException reset = new IOException("Connection reset");
    r.arrivals.add(reset);
    for (CompletableFuture<Message> f : calls) {
      assertThatThrownBy(() -> f.get(20, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCause(reset);
    }
  }

  /** What a receive throws in these tests in place of running out of memory for a record. */
  private static final class ReceiveBug extends Error {
    ReceiveBug() {
      super("out of memory for a record (expected by the test)");
    }
  }

  @Test
  void anErrorWhileReadingFailsEveryWaiterAsTheTransportsFailure() throws Exception {
    ScriptedReceiver r = new ScriptedReceiver();
    List<CompletableFuture<Message>> calls = readerAndFollower(r);
    ReceiveBug bug = new ReceiveBug();
    r.arrivals.add(bug);
    // Where the next message starts is unknown: the leader's call and the follower's end alike.
    for (CompletableFuture<Message> f : calls) {
      assertThatThrownBy(() -> f.get(20, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(IOException.class)
          .hasCause(bug);
    }
  }

  @Test
  void anErrorWhileTheReaderThreadReadsEndsTheAsynchronousCallsAndTheTransport() throws Exception {
    ScriptedReceiver r = new ScriptedReceiver();
    ReplyDispatcher d = new ReplyDispatcher(r, true, Thread::new);
    List<CompletableFuture<IOException>> told =
        List.of(new CompletableFuture<>(), new CompletableFuture<>());
    for (int xid = 1; xid <= 2; xid++) {
      CompletableFuture<IOException> t = told.get(xid - 1);
      d.registerAsync(xid, listener(in(LONG), w -> t.complete(w.failure()), () -> {}));
    }
    ReceiveBug bug = new ReceiveBug();
    r.arrivals.add(bug);
    for (CompletableFuture<IOException> t : told) {
      assertThat(t.get(10, TimeUnit.SECONDS)).hasCause(bug);
    }
    assertThat(d.broken()).isTrue();
  }

  @Test
  void anErrorWhileLookingAtAnIdleTransportEndsIt() throws IOException {
    ScriptedReceiver r = new ScriptedReceiver();
    ReplyDispatcher d = new ReplyDispatcher(r, true, Thread::new);
    ReceiveBug bug = new ReceiveBug();
    r.arrivals.add(bug);
    assertThat(d.endedWhileIdle(in(millis(10)))).isTrue();
    assertThatThrownBy(() -> d.register(1)).isInstanceOf(IOException.class).hasCause(bug);
    assertWarned("reading RPC replies failed; the transport is given up", e -> e == bug);
  }

  @Test
  void aDatagramFailureFailsOnlyTheCallsThenPending() throws Exception {
    ScriptedReceiver r = new ScriptedReceiver();
    ReplyDispatcher d = new ReplyDispatcher(r, false, Thread::new);
    ReplyDispatcher.Waiter w = d.register(1);
    IOException refused = new IOException("Connection refused");
    r.arrivals.add(refused);
    assertThatThrownBy(() -> d.await(w, in(LONG))).isSameAs(refused);
    ReplyDispatcher.Waiter next = d.register(2);
    r.arrivals.add(reply(2));
    assertThat(d.await(next, in(LONG)).xid()).isEqualTo(2);
  }

  @Test
  void aPermanentFailureRefusesLaterCallsWithoutKeepingThem() throws Exception {
    ReplyDispatcher d = new ReplyDispatcher(new ScriptedReceiver(), true, Thread::new);
    ReplyDispatcher.Waiter w = d.register(1);
    IOException reset = new IOException("Connection reset");
    d.failAll(reset);
    assertThat(w.failure()).isSameAs(reset);
    assertThat(d.broken()).isTrue();
    assertThatThrownBy(() -> d.register(2)).isSameAs(reset);
    assertThatThrownBy(() -> d.registerAsync(3, listener(in(LONG), x -> {}, () -> {})))
        .isSameAs(reset);
    assertThat(d.awaitsReplies()).isFalse();
  }

  @Test
  void aCancelTellsWhetherTheCallWasStillPending() throws Exception {
    ReplyDispatcher d = new ReplyDispatcher(new ScriptedReceiver(), false, Thread::new);
    ReplyDispatcher.Waiter w = d.register(1);
    assertThat(d.awaitsReplies()).isTrue();
    assertThat(d.cancel(1, w)).isTrue();
    assertThat(d.cancel(1, w)).isFalse();
    assertThat(d.awaitsReplies()).isFalse();
    ReplyDispatcher.Waiter failed = d.register(2);
    d.failAll(new IOException("Connection refused"));
    assertThat(d.broken()).isFalse();
    assertThat(d.cancel(2, failed)).isFalse();
  }

  /** Daemon threads, each added to {@code made}: a test's dispatcher's reader threads. */
  static ThreadFactory daemonsInto(List<Thread> made) {
    return task -> {
      Thread t = new Thread(task);
      t.setDaemon(true);
      made.add(t);
      return t;
    };
  }

  @Test
  void theReaderThreadEndsWithTheLastAsynchronousCallAndTheNextCallStartsAnother()
      throws Exception {
    ScriptedReceiver r = new ScriptedReceiver();
    List<Thread> readers = new CopyOnWriteArrayList<>();
    ReplyDispatcher d = new ReplyDispatcher(r, true, daemonsInto(readers));
    for (int xid = 1; xid <= 2; xid++) {
      CompletableFuture<Integer> replied = new CompletableFuture<>();
      d.registerAsync(xid, listener(in(LONG), w -> replied.complete(w.reply().xid()), () -> {}));
      r.arrivals.add(reply(xid));
      assertThat(replied.get(10, TimeUnit.SECONDS)).isEqualTo(xid);
      Thread reader = readers.get(readers.size() - 1);
      reader.join(TimeUnit.SECONDS.toMillis(10));
      assertThat(reader.isAlive()).as("the reader thread of call %d ended", xid).isFalse();
    }
    assertThat(readers).hasSize(2);
  }

  // --- Deadlines of asynchronous calls --------------------------------------------------------

  @Test
  void eachAsynchronousCallExpiresAtItsOwnDeadlineAndNotBefore() throws Exception {
    ScriptedReceiver r = new ScriptedReceiver();
    ReplyDispatcher d = new ReplyDispatcher(r, true, Thread::new);
    long start = System.nanoTime();
    Map<Integer, Long> expiredAt = new ConcurrentHashMap<>();
    CountDownLatch expired = new CountDownLatch(2);
    CompletableFuture<Integer> answered = new CompletableFuture<>();
    // Registered latest-first: the timer set for the first is replaced by earlier ones.
    long[] deadlines = {start + LONG, start + millis(300), start + millis(100)};
    for (int xid = 1; xid <= 3; xid++) {
      int x = xid;
      d.registerAsync(
          x,
          listener(
              deadlines[x - 1],
              w -> answered.complete(w.reply().xid()),
              () -> {
                expiredAt.put(x, System.nanoTime());
                expired.countDown();
              }));
    }
    assertThat(expired.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(expiredAt.get(3) - deadlines[2]).isNotNegative();
    assertThat(expiredAt.get(2) - deadlines[1]).isNotNegative();
    assertThat(expiredAt).doesNotContainKey(1);
    // The expired calls are no longer pending; the third still gets its reply.
    r.arrivals.add(reply(2));
    r.arrivals.add(reply(1));
    assertThat(answered.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(d.awaitsReplies()).isFalse();
  }

  @Test
  void anAsynchronousCallAnsweredOrCancelledNeverExpires() throws Exception {
    ScriptedReceiver r = new ScriptedReceiver();
    ReplyDispatcher d = new ReplyDispatcher(r, true, Thread::new);
    AtomicInteger expiries = new AtomicInteger();
    CompletableFuture<Integer> answered = new CompletableFuture<>();
    ReplyDispatcher.Waiter cancelled =
        d.registerAsync(1, listener(in(millis(50)), w -> {}, expiries::incrementAndGet));
    d.registerAsync(
        2,
        listener(
            in(millis(50)), w -> answered.complete(w.reply().xid()), expiries::incrementAndGet));
    assertThat(d.cancel(1, cancelled)).isTrue();
    r.arrivals.add(reply(2));
    assertThat(answered.get(10, TimeUnit.SECONDS)).isEqualTo(2);
    CountDownLatch later = new CountDownLatch(1);
    d.registerAsync(3, listener(in(millis(100)), w -> {}, later::countDown));
    assertThat(later.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(expiries).hasValue(0);
  }

  /** What a listener's bug throws in these tests: an Error, which nothing above catches. */
  static final class ListenerBug extends Error {
    ListenerBug() {
      super("a listener failed (expected by the test)");
    }
  }

  /** A listener whose {@code answered} throws a {@link ListenerBug}. */
  private static ReplyDispatcher.AsyncListener throwingListener() {
    return listener(
        in(LONG),
        w -> {
          throw new ListenerBug();
        },
        () -> {});
  }

  @Test
  void aListenerThatThrowsAnErrorEndsNeitherTheReaderThreadNorTheOtherCalls() throws Exception {
    ScriptedReceiver r = new ScriptedReceiver();
    ReplyDispatcher d = new ReplyDispatcher(r, true, Thread::new);
    d.registerAsync(1, throwingListener());
    CompletableFuture<Integer> pending = new CompletableFuture<>();
    d.registerAsync(2, listener(in(LONG), w -> pending.complete(w.reply().xid()), () -> {}));
    r.arrivals.add(reply(1));
    r.arrivals.add(reply(2));
    assertThat(pending.get(10, TimeUnit.SECONDS)).isEqualTo(2);
    // A call made afterwards finds a reader, too.
    CompletableFuture<Integer> later = new CompletableFuture<>();
    d.registerAsync(3, listener(in(LONG), w -> later.complete(w.reply().xid()), () -> {}));
    r.arrivals.add(reply(3));
    assertThat(later.get(10, TimeUnit.SECONDS)).isEqualTo(3);
  }

  @Test
  void anAsynchronousCallWhoseReaderThreadCannotStartLeavesNoWaiterAndTheNextStartsOne()
      throws Exception {
    AtomicInteger threads = new AtomicInteger();
    ThreadFactory firstRefused =
        task -> {
          if (threads.getAndIncrement() == 0) {
            throw new OutOfMemoryError("unable to create native thread (expected by the test)");
          }
          return new Thread(task);
        };
    ScriptedReceiver r = new ScriptedReceiver();
    ReplyDispatcher d = new ReplyDispatcher(r, true, firstRefused);
    assertThatThrownBy(() -> d.registerAsync(1, listener(in(LONG), w -> {}, () -> {})))
        .isInstanceOf(OutOfMemoryError.class);
    assertThat(d.awaitsReplies()).isFalse();
    CompletableFuture<Integer> answered = new CompletableFuture<>();
    d.registerAsync(2, listener(in(LONG), w -> answered.complete(w.reply().xid()), () -> {}));
    r.arrivals.add(reply(2));
    assertThat(answered.get(10, TimeUnit.SECONDS)).isEqualTo(2);
  }

  @Test
  void aLeaderReadingPastAListenerThatThrowsAnErrorStillGetsItsOwnReply() throws Exception {
    ScriptedReceiver r = new ScriptedReceiver();
    // No reader thread: the waiting caller reads the asynchronous call's reply, too.
    ReplyDispatcher d = new ReplyDispatcher(r, true, null);
    d.registerAsync(1, throwingListener());
    ReplyDispatcher.Waiter self = d.register(2);
    r.arrivals.add(reply(1));
    r.arrivals.add(reply(2));
    assertThat(d.await(self, in(LONG)).xid()).isEqualTo(2);
    // Logged by this thread, which read the reply, before it read its own.
    assertWarned(
        "an asynchronous RPC call's listener failed; the others are served",
        e -> e instanceof ListenerBug);
  }

  @Test
  void aFailureReachesEveryAsynchronousCallWhenOneListenerThrowsAnError() throws Exception {
    ReplyDispatcher d = new ReplyDispatcher(new ScriptedReceiver(), false, null);
    CompletableFuture<IOException> told = new CompletableFuture<>();
    for (int xid = 1; xid <= 2; xid++) {
      d.registerAsync(
          xid,
          listener(
              in(LONG),
              w -> {
                if (!told.complete(w.failure())) {
                  throw new ListenerBug();
                }
              },
              () -> {}));
    }
    IOException failure = new IOException("reset (expected by the test)");
    d.failAll(failure);
    assertThat(told.get(10, TimeUnit.SECONDS)).isSameAs(failure);
    assertThat(d.awaitsReplies()).isFalse();
  }

  @Test
  void aListenerThatThrowsAnErrorAtItsDeadlineStopsNoOtherCallsExpiry() throws Exception {
    ReplyDispatcher d = new ReplyDispatcher(new ScriptedReceiver(), true, null);
    CountDownLatch expired = new CountDownLatch(3);
    long deadline = in(millis(50));
    for (int xid = 1; xid <= 2; xid++) {
      d.registerAsync(
          xid,
          listener(
              deadline,
              w -> {},
              () -> {
                expired.countDown();
                throw new ListenerBug();
              }));
    }
    // Later: the timer is set again for it after both listeners before it threw.
    d.registerAsync(3, listener(in(millis(200)), w -> {}, expired::countDown));
    assertThat(expired.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(d.awaitsReplies()).isFalse();
  }

  static ReplyDispatcher.AsyncListener listener(
      long deadlineNanos, Consumer<ReplyDispatcher.Waiter> answered, Runnable expired) {
    return new ReplyDispatcher.AsyncListener() {
      @Override
      public long deadlineNanos() {
        return deadlineNanos;
      }

      @Override
      public void answered(ReplyDispatcher.Waiter waiter) {
        answered.accept(waiter);
      }

      @Override
      public void expired() {
        expired.run();
      }
    };
  }

  // --- A wait that ends inside a message ------------------------------------------------------

  @Test
  void aWaitEndingInsideAMessageOfUnknownXidFailsTheTransport() throws Exception {
    ScriptedReceiver r = new StuckReceiver(OptionalInt.empty());
    ReplyDispatcher d = new ReplyDispatcher(r, true, Thread::new);
    ReplyDispatcher.Waiter w = d.register(1);
    assertThatThrownBy(() -> d.await(w, in(millis(50))))
        .isInstanceOf(SocketTimeoutException.class)
        .hasMessage("reply record left half-read at a call's deadline");
    assertThatThrownBy(() -> d.register(2)).isInstanceOf(SocketTimeoutException.class);
  }

  @Test
  void aReceiverThatCannotTellTheXidIsTakenAsStuckInNobodysMessage() throws Exception {
    ReplyDispatcher d =
        new ReplyDispatcher(
            new ScriptedReceiver() {
              @Override
              public boolean inMessage() {
                return true;
              }
            },
            true,
            Thread::new);
    ReplyDispatcher.Waiter w = d.register(1);
    assertThatThrownBy(() -> d.await(w, in(millis(50)))).isInstanceOf(SocketTimeoutException.class);
  }

  @Test
  void aWaitEndingInsideItsOwnReplyFailsTheTransport() throws Exception {
    ReplyDispatcher d =
        new ReplyDispatcher(new StuckReceiver(OptionalInt.of(1)), true, Thread::new);
    ReplyDispatcher.Waiter w = d.register(1);
    assertThatThrownBy(() -> d.await(w, in(millis(50)))).isInstanceOf(SocketTimeoutException.class);
  }

  @Test
  void aWaitEndingInsideTheReplyOfAnotherWaitingCallLeavesItToThatCall() throws Exception {
    StuckReceiver r = new StuckReceiver(OptionalInt.of(2));
    ReplyDispatcher d = new ReplyDispatcher(r, true, Thread::new);
    ReplyDispatcher.Waiter w = d.register(1);
    CompletableFuture<Message> owner = call(d, 2, LONG);
    assertThat(d.await(w, in(millis(100)))).isNull();
    d.cancel(1, w);
    r.arrivals.add(reply(2));
    assertThat(owner.get(20, TimeUnit.SECONDS).xid()).isEqualTo(2);
  }

  @Test
  void aWaitEndingBetweenMessagesKeepsTheTransport() throws Exception {
    ScriptedReceiver r = new ScriptedReceiver();
    ReplyDispatcher d = new ReplyDispatcher(r, true, Thread::new);
    ReplyDispatcher.Waiter w = d.register(1);
    assertThat(d.await(w, in(millis(50)))).isNull();
    d.cancel(1, w);
    ReplyDispatcher.Waiter next = d.register(2);
    r.arrivals.add(reply(2));
    assertThat(d.await(next, in(LONG)).xid()).isEqualTo(2);
  }

  // --- Looking at an idle transport -----------------------------------------------------------

  @Test
  void anIdleTransportThePeerEndedIsReported() throws IOException {
    ScriptedReceiver r = new ScriptedReceiver();
    ReplyDispatcher d = new ReplyDispatcher(r, true, Thread::new);
    r.arrivals.add(new PeerClosedException());
    assertThat(d.endedWhileIdle(in(millis(10)))).isTrue();
    assertThatThrownBy(() -> d.register(1)).isInstanceOf(PeerClosedException.class);
  }

  @Test
  void anIdleTransportWithNothingOrALateReplyArrivingIsKept() throws Exception {
    ScriptedReceiver r = new ScriptedReceiver();
    ReplyDispatcher d = new ReplyDispatcher(r, true, Thread::new);
    r.arrivals.add(reply(9));
    assertThat(d.endedWhileIdle(in(millis(10)))).isFalse();
    assertThat(r.arrivals).isEmpty();
    // Reading is free again, for another thread too.
    CompletableFuture<Message> next = call(d, 1, LONG);
    r.awaitReader();
    r.arrivals.add(reply(1));
    assertThat(next.get(20, TimeUnit.SECONDS).xid()).isEqualTo(1);
  }

  @Test
  void aTransportWithACallPendingIsNotLookedAt() throws IOException {
    ScriptedReceiver r = new ScriptedReceiver();
    ReplyDispatcher d = new ReplyDispatcher(r, true, Thread::new);
    d.register(1);
    r.arrivals.add(new PeerClosedException());
    assertThat(d.endedWhileIdle(in(millis(10)))).isFalse();
    assertThat(r.receives.get()).isZero();
  }

  @Test
  void aTransportSomebodyReadsIsNotLookedAt() throws Exception {
    CountDownLatch end = new CountDownLatch(1);
    // The first look's read blocks until the test lets the peer's end arrive.
    ScriptedReceiver r =
        new ScriptedReceiver() {
          @Override
          public Message receive(long deadlineNanos) throws IOException {
            receives.incrementAndGet();
            reading.release();
            try {
              assertThat(end.await(20, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
              throw new AssertionError(e);
            }
            throw new PeerClosedException();
          }
        };
    ReplyDispatcher d = new ReplyDispatcher(r, true, Thread::new);
    CompletableFuture<Boolean> first = new CompletableFuture<>();
    Thread looking = new Thread(() -> first.complete(d.endedWhileIdle(in(LONG))));
    looking.setDaemon(true);
    looking.start();
    r.awaitReader();
    assertThat(d.endedWhileIdle(in(millis(10)))).isFalse();
    assertThat(r.receives.get()).isEqualTo(1);
    end.countDown();
    assertThat(first.get(20, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aLookReadsOnceEvenIfItsDeadlinePassedBeforeItBegan() throws IOException {
    ScriptedReceiver r = new ScriptedReceiver();
    ReplyDispatcher d = new ReplyDispatcher(r, true, Thread::new);
    r.arrivals.add(new PeerClosedException());
    // As for a thread that ran late: the call's whole time went before the look.
    assertThat(d.endedWhileIdle(System.nanoTime() - 1)).isTrue();
    assertThat(d.broken()).isTrue();
  }

  @Test
  void aLookAtAQuietTransportWaitsBrieflyNotForTheWholeCall() throws IOException {
    AtomicLong given = new AtomicLong();
    ScriptedReceiver r =
        new ScriptedReceiver() {
          @Override
          public Message receive(long deadlineNanos) throws IOException {
            given.set(deadlineNanos);
            return super.receive(deadlineNanos);
          }
        };
    ReplyDispatcher d = new ReplyDispatcher(r, true, Thread::new);
    long callDeadline = in(LONG);
    assertThat(d.endedWhileIdle(callDeadline)).isFalse();
    assertThat(r.receives.get()).isEqualTo(1);
    assertThat(callDeadline - given.get()).isPositive();
    assertThat(d.broken()).isFalse();
  }

  @Test
  void aLookReadsPastLateRepliesToTheEndThatFollowsThem() throws IOException {
    ScriptedReceiver r = new ScriptedReceiver();
    ReplyDispatcher d = new ReplyDispatcher(r, true, Thread::new);
    r.arrivals.add(reply(8));
    r.arrivals.add(reply(9));
    r.arrivals.add(new PeerClosedException());
    assertThat(d.endedWhileIdle(in(LONG))).isTrue();
    assertThat(r.receives.get()).isEqualTo(3);
  }

  @Test
  void aLookWhileMessagesKeepComingEndsAtTheCallsDeadline() throws IOException {
    // Every receive finds another late reply: only the deadline ends the look.
    ReplyDispatcher d =
        new ReplyDispatcher(
            new ScriptedReceiver() {
              @Override
              public Message receive(long deadlineNanos) {
                receives.incrementAndGet();
                return reply(9);
              }
            },
            true,
            Thread::new);
    assertThat(d.endedWhileIdle(in(millis(50)))).isFalse();
    assertThat(d.broken()).isFalse();
  }

  @Test
  void aLookEndingInsideAMessageNobodyAwaitsFailsTheTransport() throws IOException {
    ReplyDispatcher d =
        new ReplyDispatcher(new StuckReceiver(OptionalInt.of(5)), true, Thread::new);
    assertThat(d.endedWhileIdle(in(LONG))).isTrue();
    assertThatThrownBy(() -> d.register(1))
        .isInstanceOf(SocketTimeoutException.class)
        .hasMessage("reply record left half-read at a call's deadline");
  }

  @Test
  void aLookEndingInsideTheReplyOfACallJustRegisteredLeavesItToThatCall() throws Exception {
    AtomicReference<ReplyDispatcher> dispatcher = new AtomicReference<>();
    AtomicReference<ReplyDispatcher.Waiter> late = new AtomicReference<>();
    // Call 2 is registered (by another caller) after the look found no call pending.
    ReplyDispatcher d =
        new ReplyDispatcher(
            new StuckReceiver(OptionalInt.of(2)) {
              @Override
              public Message receive(long deadlineNanos) throws IOException {
                if (late.get() == null) {
                  late.set(dispatcher.get().register(2));
                }
                return super.receive(deadlineNanos);
              }
            },
            true,
            Thread::new);
    dispatcher.set(d);
    assertThat(d.endedWhileIdle(in(millis(10)))).isFalse();
    assertThat(late.get()).isNotNull();
    assertThat(d.broken()).isFalse();
  }
}
