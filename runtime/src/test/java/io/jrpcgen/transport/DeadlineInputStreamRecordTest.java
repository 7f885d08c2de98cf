package io.jrpcgen.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.internal.transport.DeadlineInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One deadline per record from its first byte; between records, none or the idle one. */
class DeadlineInputStreamRecordTest {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  private ServerSocket listener;
  private Socket peer;
  private Socket socket;
  private DeadlineInputStream in;

  @BeforeEach
  void connect() throws IOException {
    listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    peer = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
    socket = listener.accept();
    in = new DeadlineInputStream(socket);
  }

  @AfterEach
  void close() throws IOException {
    socket.close();
    peer.close();
    listener.close();
  }

  @Test
  void betweenRecordsAReadWaitsWithoutLimitAndTheFirstByteStartsTheRecord() throws IOException {
    in.awaitRecord(0, 10 * SECOND);
    assertThat(in.betweenRecords()).isTrue();
    peer.getOutputStream().write(new byte[] {7, 8, 9});
    assertThat(in.read()).isEqualTo(7);
    assertThat(socket.getSoTimeout()).as("no limit while waiting").isZero();
    assertThat(in.betweenRecords()).isFalse();
    byte[] rest = new byte[2];
    assertThat(in.read(rest, 0, 2)).isEqualTo(2);
    assertThat(rest).containsExactly(8, 9);
    assertThat(socket.getSoTimeout()).as("what is left of the record's 10 s").isBetween(1, 10_000);
  }

  @Test
  void aRecordNotWholeByItsDeadlineTimesOut() throws InterruptedException {
    in.recordBegun(TimeUnit.MILLISECONDS.toNanos(1));
    assertThat(in.betweenRecords()).isFalse();
    Thread.sleep(20);
    assertThatThrownBy(() -> in.read())
        .isInstanceOf(SocketTimeoutException.class)
        .hasMessage("deadline passed");
    assertThatThrownBy(() -> in.read(new byte[1], 0, 1))
        .isInstanceOf(SocketTimeoutException.class)
        .hasMessage("deadline passed");
    assertThat(in.betweenRecords()).isFalse();
  }

  @Test
  void anIdleDeadlineThatPassedTimesOutAsIdle() {
    in.awaitRecord(System.nanoTime() - 1, SECOND);
    assertThatThrownBy(() -> in.read())
        .isInstanceOf(SocketTimeoutException.class)
        .hasMessage("no record within the idle timeout");
    assertThat(in.betweenRecords()).isTrue();
  }

  @Test
  void anIdleDeadlineBoundsTheWaitForTheFirstByte() throws IOException {
    in.awaitRecord(System.nanoTime() + 10 * SECOND, SECOND);
    peer.getOutputStream().write(1);
    assertThat(in.read(new byte[4], 0, 4)).isEqualTo(1);
    assertThat(socket.getSoTimeout()).isBetween(1, 10_000);
    assertThat(in.betweenRecords()).isFalse();
  }

  @Test
  void aZeroByteStartsARecordAndAnEmptyReadDoesNot() throws IOException {
    in.awaitRecord(0, SECOND);
    assertThat(in.read(new byte[1], 0, 0)).isZero();
    assertThat(in.betweenRecords()).isTrue();
    peer.getOutputStream().write(0);
    assertThat(in.read()).isZero();
    assertThat(in.betweenRecords()).isFalse();
  }

  @Test
  void theEndOfTheStreamDoesNotStartARecord() throws IOException {
    in.awaitRecord(0, SECOND);
    peer.shutdownOutput();
    assertThat(in.read()).isEqualTo(-1);
    assertThat(in.read(new byte[4], 0, 4)).isEqualTo(-1);
    assertThat(in.betweenRecords()).isTrue();
  }
}
