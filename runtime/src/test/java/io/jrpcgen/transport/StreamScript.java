package io.jrpcgen.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What a test makes the streams of a channel's connections do ({@link #over}, the channel's test
 * seam): the next write or flush waits at a {@link Hold} until the test releases it, the next write
 * sends the first half of its bytes and fails, and the bytes passed on whole are counted.
 */
final class StreamScript {
  /** A point in a write or a flush where the stream waits until the test releases it. */
  static final class Hold {
    private final CountDownLatch reached = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);

    /** Waits (bounded) until the stream waits here. */
    void awaitReached() throws InterruptedException {
      assertThat(reached.await(20, TimeUnit.SECONDS)).as("the stream reached the hold").isTrue();
    }

    /** Lets the stream go on. */
    void release() {
      released.countDown();
    }

    private void pass() {
      reached.countDown();
      try {
        assertThat(released.await(20, TimeUnit.SECONDS)).as("released").isTrue();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private final AtomicReference<Hold> nextWrite = new AtomicReference<>();
  private final AtomicReference<Hold> nextFlush = new AtomicReference<>();
  private final AtomicReference<IOException> failNextWrite = new AtomicReference<>();
  private final AtomicLong written = new AtomicLong();

  /** The stream of one connection, {@code connection}, following this script. */
  OutputStream over(OutputStream connection) {
    return new FilterOutputStream(connection) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        // Set while this write waits at its hold, the failure is the next write's.
        IOException failure = failNextWrite.getAndSet(null);
        Hold hold = nextWrite.getAndSet(null);
        if (hold != null) {
          hold.pass();
        }
        if (failure != null) {
          out.write(b, off, len / 2);
          out.flush();
          throw failure;
        }
        out.write(b, off, len);
        written.addAndGet(len);
      }

      @Override
      public void flush() throws IOException {
        Hold hold = nextFlush.getAndSet(null);
        if (hold != null) {
          hold.pass();
        }
        out.flush();
      }
    };
  }

  /** Makes the next write wait. */
  Hold holdNextWrite() {
    Hold hold = new Hold();
    nextWrite.set(hold);
    return hold;
  }

  /** Makes the next flush wait. */
  Hold holdNextFlush() {
    Hold hold = new Hold();
    nextFlush.set(hold);
    return hold;
  }

  /** Makes the next write send the first half of its bytes, then throw {@code failure}. */
  void failNextWrite(IOException failure) {
    failNextWrite.set(failure);
  }

  /** The bytes written whole so far. */
  long written() {
    return written.get();
  }
}
