package io.jrpcgen.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.internal.transport.DeadlineInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Reads of a socket sharing one deadline. */
@Timeout(30)
class DeadlineInputStreamTest {
  private ServerSocket listener;
  private Socket client;
  private Socket server;
  private DeadlineInputStream in;

  @BeforeEach
  void connect() throws IOException {
    listener = new ServerSocket(0, 1, Square.LOOPBACK);
    client = new Socket(Square.LOOPBACK, listener.getLocalPort());
    server = listener.accept();
    in = new DeadlineInputStream(client);
  }

  @AfterEach
  void close() throws IOException {
    server.close();
    client.close();
    listener.close();
  }

  private static long in(long millis) {
    return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
  }

  @Test
  void readsBeforeTheDeadlineGetTheBytesAndAfterItNone() throws IOException {
    server.getOutputStream().write(new byte[] {1, 2, 3, 4});

    in.deadline(in(20_000));
    assertThat(in.read()).isEqualTo(1);
    byte[] two = new byte[2];
    assertThat(in.read(two, 0, 2)).isEqualTo(2);
    assertThat(two).containsExactly(2, 3);

    // One byte is still there, but the deadline has passed: nothing more is read.
    in.deadline(System.nanoTime() - 1);
    assertThatThrownBy(in::read)
        .isInstanceOf(SocketTimeoutException.class)
        .hasMessage("deadline passed");
    assertThatThrownBy(() -> in.read(two, 0, 2))
        .isInstanceOf(SocketTimeoutException.class)
        .hasMessage("deadline passed");

    in.deadline(in(20_000));
    assertThat(in.read()).isEqualTo(4);
  }

  @Test
  void aReadWaitingForBytesEndsAtTheDeadline() {
    in.deadline(in(100));
    assertThatThrownBy(() -> in.read(new byte[8], 0, 8)).isInstanceOf(SocketTimeoutException.class);
  }

  @Test
  void callsWhoseDeadlinesMoveOnKeepTheSocketsTimeout() throws IOException {
    // A client's call a millisecond after the last has a deadline a millisecond later: setting
    // the socket's timeout for each would box a new Integer per call.
    int[] set = new int[1];
    Socket counting =
        new Socket() {
          @Override
          public synchronized void setSoTimeout(int timeout) {
            set[0]++;
          }

          @Override
          public java.io.InputStream getInputStream() {
            return new java.io.ByteArrayInputStream(new byte[1000]);
          }
        };
    DeadlineInputStream calls = new DeadlineInputStream(counting);
    long start = System.nanoTime();
    for (int i = 0; i < 1000; i++) {
      calls.deadline(start + TimeUnit.SECONDS.toNanos(25) + TimeUnit.MILLISECONDS.toNanos(i));
      assertThat(calls.read()).isZero();
    }
    assertThat(set[0]).isLessThanOrEqualTo(2);
  }

  @Test
  void bytesArrivingAfterTheTimeoutSetButBeforeTheDeadlineAreRead() throws Exception {
    // The timeout set is half the time left: the read resumes after it and gets the bytes.
    in.deadline(in(4_000));
    Thread writer =
        new Thread(
            () -> {
              try {
                Thread.sleep(2_500);
                server.getOutputStream().write(9);
              } catch (IOException | InterruptedException e) {
                throw new AssertionError(e);
              }
            });
    writer.start();
    try {
      assertThat(in.read()).isEqualTo(9);
    } finally {
      writer.join();
    }
  }

  @Test
  void theTimeoutSetEndsWithinTheDeadlineAndAnIdleWaitKeepsOnlyALongOne() throws IOException {
    java.util.List<Integer> set = new java.util.ArrayList<>();
    Socket recording =
        new Socket() {
          @Override
          public synchronized void setSoTimeout(int timeout) {
            set.add(timeout);
          }

          @Override
          public java.io.InputStream getInputStream() {
            return new java.io.ByteArrayInputStream(new byte[100]);
          }
        };
    DeadlineInputStream reads = new DeadlineInputStream(recording);
    reads.deadline(in(8_000));
    reads.read();
    assertTimeouts(set, 4_000);
    // A nearer deadline than the timeout set: set anew, within it.
    reads.deadline(in(1_000));
    reads.read();
    assertTimeouts(set, 4_000, 500);
    // Between records with no limit, a timeout under a second would make the wait spin.
    reads.awaitRecord(0, TimeUnit.SECONDS.toNanos(8));
    reads.read();
    assertTimeouts(set, 4_000, 500, 0);
    // A record's deadline after that: set again; a farther one than four times it, too.
    reads.deadline(in(3_000));
    reads.read();
    reads.deadline(in(20_000));
    reads.read();
    assertTimeouts(set, 4_000, 500, 0, 1_500, 10_000);
    // A second or more is kept while idle: the wait just resumes now and then.
    reads.awaitRecord(0, TimeUnit.SECONDS.toNanos(8));
    reads.read();
    assertTimeouts(set, 4_000, 500, 0, 1_500, 10_000);
  }

  /** The timeouts set are those expected, or up to 50 ms less for the time the reads took. */
  private static void assertTimeouts(java.util.List<Integer> set, int... expected) {
    assertThat(set).hasSize(expected.length);
    for (int i = 0; i < expected.length; i++) {
      assertThat(set.get(i)).isBetween(Math.max(0, expected[i] - 50), expected[i]);
    }
  }

  @Test
  void aReadOwedIsMadeAfterItsDeadlineAndSeesWhatHadArrived() throws IOException {
    server.getOutputStream().write(new byte[] {1, 2});

    // As for a thread that ran late: the deadline passed before it read.
    in.deadlineAfterOneRead(System.nanoTime() - 1);
    assertThat(in.read()).isEqualTo(1);
    assertThatThrownBy(in::read)
        .isInstanceOf(SocketTimeoutException.class)
        .hasMessage("deadline passed");

    in.deadlineAfterOneRead(System.nanoTime() - 1);
    assertThat(in.read()).isEqualTo(2);
    server.close();
    in.deadlineAfterOneRead(System.nanoTime() - 1);
    assertThat(in.read(new byte[4], 0, 4)).isEqualTo(-1);
  }

  @Test
  void aReadOwedWaitsBrieflyForBytesThatDoNotCome() {
    in.deadlineAfterOneRead(System.nanoTime() - 1);
    assertThatThrownBy(in::read).isInstanceOf(SocketTimeoutException.class);
  }
}
