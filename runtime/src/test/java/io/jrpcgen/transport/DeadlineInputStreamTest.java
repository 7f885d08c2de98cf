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
