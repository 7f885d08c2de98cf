package io.jrpcgen.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The count of calls awaiting late replies: its limit, its waits and how they end. */
@Timeout(30)
class PendingCallsTest {
  @Test
  void aWaiterAtTheLimitLeavesWhenOneIsDone() throws InterruptedException {
    PendingCalls pending = new PendingCalls(1);
    pending.add();
    Thread waiter =
        new Thread(
            () -> {
              try {
                pending.awaitRoom(() -> false);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    waiter.start();
    pending.done();
    waiter.join(TimeUnit.SECONDS.toMillis(10));
    assertThat(waiter.isAlive()).isFalse();
    assertThat(pending.count()).isZero();
  }

  @Test
  void aWaiterAtTheLimitLeavesWhenWokenToStop() throws InterruptedException {
    PendingCalls pending = new PendingCalls(1);
    pending.add();
    AtomicBoolean stop = new AtomicBoolean();
    Thread waiter =
        new Thread(
            () -> {
              try {
                pending.awaitRoom(stop::get);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    waiter.start();
    while (waiter.getState() != Thread.State.WAITING && waiter.isAlive()) {
      Thread.sleep(5);
    }
    stop.set(true);
    pending.wakeUp();
    waiter.join(TimeUnit.SECONDS.toMillis(10));
    assertThat(waiter.isAlive()).isFalse();
    assertThat(pending.count()).isEqualTo(1);
  }

  @Test
  void awaitNoneEndsAtItsDeadlineOrWhenInterrupted() throws InterruptedException {
    PendingCalls pending = new PendingCalls(4);
    pending.awaitNone(System.nanoTime() - 1);
    pending.add();
    pending.awaitNone(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20));
    assertThat(pending.count()).isEqualTo(1);

    AtomicBoolean interrupted = new AtomicBoolean();
    Thread waiter =
        new Thread(
            () -> {
              pending.awaitNone(System.nanoTime() + TimeUnit.MINUTES.toNanos(5));
              interrupted.set(Thread.currentThread().isInterrupted());
            });
    waiter.start();
    waiter.interrupt();
    waiter.join(TimeUnit.SECONDS.toMillis(10));
    assertThat(waiter.isAlive()).isFalse();
    assertThat(interrupted).isTrue();
  }
}
