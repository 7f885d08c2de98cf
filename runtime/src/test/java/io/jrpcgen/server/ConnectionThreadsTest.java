package io.jrpcgen.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Both kinds of connection thread, whichever this JDK has. */
class ConnectionThreadsTest {
  private static final long WAIT_S = 10;

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
        null,
        "jrpcgen-tcp-peer",
        () -> ranAs.complete(Thread.currentThread().getName()));
    assertThat(ranAs.get(WAIT_S, TimeUnit.SECONDS)).isEqualTo("jrpcgen-tcp-peer");
    made.get().join(TimeUnit.SECONDS.toMillis(WAIT_S));
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
      ConnectionThreads.start(
          null,
          pool,
          "jrpcgen-tcp-peer",
          () -> {
            ranAs.complete(Thread.currentThread().getName());
            ranOn.complete(Thread.currentThread());
          });
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
          null, pool, null, () -> ranAs.complete(Thread.currentThread().getName()));
      assertThat(ranAs.get(WAIT_S, TimeUnit.SECONDS)).matches("jrpcgen-tcp-\\d+");
    } finally {
      pool.shutdownNow();
    }
  }
}
