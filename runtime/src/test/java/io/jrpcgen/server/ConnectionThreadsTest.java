package io.jrpcgen.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Both kinds of connection thread, whichever this JDK has. */
class ConnectionThreadsTest {
  private static final long WAIT_S = 10;

  /** A stand-in for Thread.ofVirtual().factory(), which Java 17 lacks: remembers what it made. */
  private static final class StandInVirtual implements ThreadFactory {
    final Set<Thread> made = ConcurrentHashMap.newKeySet();

    @Override
    public Thread newThread(Runnable task) {
      Thread t = new Thread(task, "unnamed");
      made.add(t);
      return t;
    }
  }

  @Test
  void aConnectionIsServedByAPlatformThreadWhateverTheJdk() throws Exception {
    // On Java 21+ a virtual thread waiting in a read is woken through the JDK's poller and then a
    // carrier: a connection making one call at a time got half the calls through. The servers
    // of the tests before have closed their connections, whose threads may still be ending.
    RawWire.awaitTrue(
        "a platform thread to spare",
        () -> ConnectionThreads.platformServing() < ConnectionThreads.PLATFORM_WITH_VIRTUAL);
    CompletableFuture<Thread> ranOn = new CompletableFuture<>();
    ConnectionThreads.start("jrpcgen-tcp-test", () -> ranOn.complete(Thread.currentThread()));
    Thread t = ranOn.get(WAIT_S, TimeUnit.SECONDS);
    boolean virtual;
    try {
      virtual = (boolean) Thread.class.getMethod("isVirtual").invoke(t);
    } catch (NoSuchMethodException java17) {
      virtual = false;
    }
    assertThat(virtual).isFalse();
    assertThat(t.isDaemon()).isTrue();
  }

  @Test
  void withVirtualThreadsConnectionsBeyondThePlatformLimitGetVirtualOnes() throws Exception {
    ExecutorService pool = (ExecutorService) ConnectionThreads.platformPool();
    StandInVirtual virtual = new StandInVirtual();
    ConnectionThreads.PlatformThreads platform = new ConnectionThreads.PlatformThreads(pool, 2);
    CountDownLatch[] release = new CountDownLatch[4];
    List<CompletableFuture<Thread>> ranOn = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        ranOn.add(startHeld(virtual, platform, release, i));
      }
      Thread first = ranOn.get(0).get(WAIT_S, TimeUnit.SECONDS);
      assertThat(virtual.made).doesNotContain(first, ranOn.get(1).get(WAIT_S, TimeUnit.SECONDS));
      assertThat(virtual.made).containsExactly(ranOn.get(2).get(WAIT_S, TimeUnit.SECONDS));
      assertThat(platform.serving()).isEqualTo(2);

      // A platform thread's connection ends: the next connection gets a platform thread again.
      release[0].countDown();
      RawWire.awaitTrue("a platform thread to spare", () -> platform.serving() == 1);
      ranOn.add(startHeld(virtual, platform, release, 3));
      assertThat(virtual.made).doesNotContain(ranOn.get(3).get(WAIT_S, TimeUnit.SECONDS));
      assertThat(platform.serving()).isEqualTo(2);
    } finally {
      for (CountDownLatch latch : release) {
        if (latch != null) {
          latch.countDown();
        }
      }
      pool.shutdown();
    }
  }

  private static CompletableFuture<Thread> startHeld(
      ThreadFactory virtual,
      ConnectionThreads.PlatformThreads platform,
      CountDownLatch[] release,
      int i) {
    CompletableFuture<Thread> ranOn = new CompletableFuture<>();
    CountDownLatch held = new CountDownLatch(1);
    release[i] = held;
    ConnectionThreads.start(
        virtual,
        platform,
        "jrpcgen-tcp-" + i,
        () -> {
          ranOn.complete(Thread.currentThread());
          try {
            held.await(WAIT_S, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    return ranOn;
  }

  @Test
  void aConnectionGetsAVirtualThreadWhenNoPlatformThreadCanBeStarted() throws Exception {
    for (FailingStart failure :
        List.<FailingStart>of(
            () -> {
              throw new OutOfMemoryError("unable to create native thread");
            },
            () -> {
              throw new RejectedExecutionException("shut down");
            })) {
      StandInVirtual virtual = new StandInVirtual();
      ConnectionThreads.PlatformThreads platform =
          new ConnectionThreads.PlatformThreads(task -> failure.fail(), 2);
      CompletableFuture<Thread> ranOn = new CompletableFuture<>();
      ConnectionThreads.start(
          virtual, platform, "jrpcgen-tcp-peer", () -> ranOn.complete(Thread.currentThread()));
      assertThat(virtual.made).containsExactly(ranOn.get(WAIT_S, TimeUnit.SECONDS));
      assertThat(platform.serving()).isZero();
    }
  }

  @Test
  void afterAPlatformThreadCouldNotStartThePoolIsNotAskedForASecond() throws Exception {
    AtomicLong now = new AtomicLong(-5_000_000_000L);
    AtomicInteger asked = new AtomicInteger();
    ConnectionThreads.PlatformThreads platform =
        new ConnectionThreads.PlatformThreads(
            task -> {
              if (asked.incrementAndGet() == 1) {
                throw new OutOfMemoryError("unable to create native thread");
              }
              task.run();
            },
            2,
            now::get);
    StandInVirtual virtual = new StandInVirtual();
    Runnable nothing = () -> {};
    ConnectionThreads.start(virtual, platform, "jrpcgen-tcp-1", nothing);
    now.addAndGet(999_999_999);
    ConnectionThreads.start(virtual, platform, "jrpcgen-tcp-2", nothing);
    assertThat(asked).hasValue(1);
    assertThat(virtual.made).hasSize(2);
    for (Thread t : virtual.made) {
      t.join(TimeUnit.SECONDS.toMillis(WAIT_S));
    }

    now.incrementAndGet();
    CompletableFuture<Thread> ranOn = new CompletableFuture<>();
    ConnectionThreads.start(
        virtual, platform, "jrpcgen-tcp-3", () -> ranOn.complete(Thread.currentThread()));
    assertThat(asked).hasValue(2);
    assertThat(ranOn.get(WAIT_S, TimeUnit.SECONDS)).isSameAs(Thread.currentThread());
    assertThat(virtual.made).hasSize(2);
    assertThat(platform.serving()).isZero();
  }

  /** Fails as an executor that cannot start a thread does. */
  @FunctionalInterface
  private interface FailingStart {
    void fail();
  }

  @Test
  void withoutVirtualThreadsAThreadThatCannotBeStartedFailsTheStart() {
    ConnectionThreads.PlatformThreads platform =
        new ConnectionThreads.PlatformThreads(
            task -> {
              throw new OutOfMemoryError("unable to create native thread");
            },
            Integer.MAX_VALUE);
    assertThatThrownBy(() -> ConnectionThreads.start(null, platform, "jrpcgen-tcp-peer", () -> {}))
        .isInstanceOf(OutOfMemoryError.class);
  }

  @Test
  void aPlatformThreadIsFreedForTheNextConnectionHoweverItsTaskEnds() {
    StandInVirtual virtual = new StandInVirtual();
    // The task runs on the caller's thread, so what it throws comes back here.
    ConnectionThreads.PlatformThreads platform =
        new ConnectionThreads.PlatformThreads(Runnable::run, 1);
    assertThatThrownBy(
            () ->
                ConnectionThreads.start(
                    virtual,
                    platform,
                    "jrpcgen-tcp-peer",
                    () -> {
                      throw new IllegalStateException("handler bug");
                    }))
        .hasMessage("handler bug");
    assertThat(platform.serving()).isZero();
    assertThat(virtual.made).isEmpty();
  }

  @Test
  void aVirtualThreadIsNamedForItsConnectionAndStarted() throws Exception {
    AtomicReference<Thread> made = new AtomicReference<>();
    CompletableFuture<String> ranAs = new CompletableFuture<>();
    // A stand-in for Thread.ofVirtual().factory(), which Java 17 lacks.
    ConnectionThreads.start(
        task -> {
          Thread t = new Thread(task, "unnamed");
          made.set(t);
          return t;
        },
        new ConnectionThreads.PlatformThreads(Runnable::run, 0),
        "jrpcgen-tcp-peer",
        () -> ranAs.complete(Thread.currentThread().getName()));
    assertThat(ranAs.get(WAIT_S, TimeUnit.SECONDS)).isEqualTo("jrpcgen-tcp-peer");
    made.get().join(TimeUnit.SECONDS.toMillis(WAIT_S));
  }

  @Test
  void preparingWaitsOnceOnAPlatformAndOnAVirtualThreadAndOnlyOnce() {
    AtomicBoolean prepared = new AtomicBoolean();
    StandInVirtual virtual = new StandInVirtual();
    ConnectionThreads.prepare(prepared, virtual);
    assertThat(prepared).isTrue();
    assertThat(virtual.made).hasSize(1).allMatch(t -> !t.isAlive());
    ConnectionThreads.prepare(prepared, virtual);
    assertThat(virtual.made).hasSize(1);
    // Without virtual threads, the platform thread's wait alone.
    AtomicBoolean platformOnly = new AtomicBoolean();
    ConnectionThreads.prepare(platformOnly, null);
    assertThat(platformOnly).isTrue();
  }

  @Test
  void aPreparingThreadIsAnUnstartedDaemonNamedForWhatItDoes() throws Exception {
    // Made by a thread that is not a daemon: a new thread is what its maker is, unless told.
    CompletableFuture<Thread> made = new CompletableFuture<>();
    Thread maker = new Thread(() -> made.complete(ConnectionThreads.daemon(() -> {})));
    maker.setDaemon(false);
    maker.start();
    Thread t = made.get(WAIT_S, TimeUnit.SECONDS);
    assertThat(t.isDaemon()).isTrue();
    assertThat(t.getName()).isEqualTo("jrpcgen-prepare");
    assertThat(t.getState()).isEqualTo(Thread.State.NEW);
  }

  @Test
  void waitingOnceMakesAThreadWaitForASocketUntilItsReadTimesOut() {
    AtomicReference<Thread> made = new AtomicReference<>();
    AtomicReference<Thread.State> stateAtStart = new AtomicReference<>();
    ConnectionThreads.waitOnce(
        task -> {
          Thread t =
              new Thread(
                  () -> {
                    stateAtStart.set(Thread.currentThread().getState());
                    task.run();
                  });
          made.set(t);
          return t;
        });
    // It ran, and was waited for: the read timed out, nothing was left behind.
    assertThat(stateAtStart.get()).isEqualTo(Thread.State.RUNNABLE);
    assertThat(made.get().isAlive()).isFalse();
  }

  @Test
  void aPooledThreadIsADaemonNamedForItsConnectionWhileItServesIt() throws Exception {
    ExecutorService pool = (ExecutorService) ConnectionThreads.platformPool();
    try {
      CompletableFuture<Thread> ranOn = new CompletableFuture<>();
      CompletableFuture<String> ranAs = new CompletableFuture<>();
      // From a thread that is not a daemon: a new thread is what its maker is, unless told.
      Thread maker =
          new Thread(
              () ->
                  ConnectionThreads.start(
                      null,
                      new ConnectionThreads.PlatformThreads(pool, Integer.MAX_VALUE),
                      "jrpcgen-tcp-peer",
                      () -> {
                        ranAs.complete(Thread.currentThread().getName());
                        ranOn.complete(Thread.currentThread());
                      }));
      maker.setDaemon(false);
      maker.start();
      maker.join(TimeUnit.SECONDS.toMillis(WAIT_S));
      assertThat(ranAs.get(WAIT_S, TimeUnit.SECONDS)).isEqualTo("jrpcgen-tcp-peer");
      Thread t = ranOn.get(WAIT_S, TimeUnit.SECONDS);
      assertThat(t.isDaemon()).isTrue();
      // Back to its pool name once the connection is done, not left with the peer's.
      RawWire.awaitTrue("the pool name back", () -> t.getName().matches("jrpcgen-tcp-\\d+"));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aTaskRunsEvenIfItsThreadCannotBeRenamed() throws Exception {
    ExecutorService pool = (ExecutorService) ConnectionThreads.platformPool();
    try {
      CompletableFuture<String> ranAs = new CompletableFuture<>();
      // setName(null) throws, as setName does when the heap is full.
      ConnectionThreads.start(
          null,
          new ConnectionThreads.PlatformThreads(pool, Integer.MAX_VALUE),
          null,
          () -> ranAs.complete(Thread.currentThread().getName()));
      assertThat(ranAs.get(WAIT_S, TimeUnit.SECONDS)).matches("jrpcgen-tcp-\\d+");
    } finally {
      pool.shutdownNow();
    }
  }
}
