package io.jrpcgen.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What a socket's stream is handed: short writes whole, long ones in equal pieces of 64 KiB. */
class PiecewiseOutputStreamTest {
  private static final int KIB = 1024;

  /** A stream that records the length of every write it is handed, and the bytes. */
  private static final class Recording extends OutputStream {
    final List<Integer> writes = new ArrayList<>();
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int flushes;
    boolean closed;

    @Override
    public void write(int b) {
      writes.add(-1);
      bytes.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      writes.add(len);
      bytes.write(b, off, len);
    }

    @Override
    public void flush() {
      flushes++;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  private static byte[] pattern(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 31 + i / 251);
    }
    return b;
  }

  private static List<Integer> writesOf(int length) throws IOException {
    Recording socket = new Recording();
    byte[] data = pattern(length + 7);
    new PiecewiseOutputStream(socket).write(data, 3, length);
    assertThat(socket.bytes.toByteArray()).isEqualTo(Arrays.copyOfRange(data, 3, 3 + length));
    return socket.writes;
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 44, 64 * KIB, 64 * KIB + 44, 128 * KIB})
  void aWriteOfAtMost128KibIsHandedOnWhole(int length) throws IOException {
    assertThat(writesOf(length)).containsExactly(length);
  }

  @Test
  void aMebibyteLeavesIn16PiecesOf64Kib() throws IOException {
    assertThat(writesOf(1024 * KIB)).hasSize(16).containsOnly(64 * KIB);
  }

  @Test
  void justOver128KibLeavesInThreeEqualPieces() throws IOException {
    // 131,073 bytes: three pieces of 43,691, rather than 64 KiB, 64 KiB and a single byte.
    assertThat(writesOf(128 * KIB + 1)).containsExactly(43_691, 43_691, 43_691);
  }

  @Test
  void aRecordNotAMultipleOfThePieceLeavesInEqualPiecesOfAtMost64Kib() throws IOException {
    List<Integer> writes = writesOf(1024 * KIB + 44);
    assertThat(writes).hasSize(17).allMatch(n -> n <= 64 * KIB);
    assertThat(writes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(1024 * KIB + 44);
    assertThat(writes.get(0) - writes.get(16)).isBetween(0, 16);
  }

  @Test
  void aSocketsOwnStreamsWriteInPieces() throws IOException {
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket socket = new Socket(listener.getInetAddress(), listener.getLocalPort())) {
      assertThat(SocketStreams.of(socket).out()).isInstanceOf(PiecewiseOutputStream.class);
    }
  }

  @Test
  void anEmptyWriteIsHandedOnAsItIs() throws IOException {
    assertThat(writesOf(0)).containsExactly(0);
  }

  @Test
  void singleBytesFlushAndCloseGoToTheSocketsStream() throws IOException {
    Recording socket = new Recording();
    try (PiecewiseOutputStream out = new PiecewiseOutputStream(socket)) {
      out.write(0x1ff);
      out.flush();
    }
    assertThat(socket.bytes.toByteArray()).containsExactly(0xff);
    assertThat(socket.writes).containsExactly(-1);
    assertThat(socket.flushes).isEqualTo(1);
    assertThat(socket.closed).isTrue();
  }

  @Test
  void aSliceOutsideTheArrayIsRefusedBeforeAnythingIsWritten() {
    Recording socket = new Recording();
    PiecewiseOutputStream out = new PiecewiseOutputStream(socket);
    byte[] big = new byte[256 * KIB];
    assertThatThrownBy(() -> out.write(big, 1, big.length))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> out.write(big, -1, 4)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThat(socket.writes).isEmpty();
  }

  @Test
  void aFailedPieceEndsTheWrite() {
    List<Integer> handed = new ArrayList<>();
    OutputStream failing =
        new OutputStream() {
          @Override
          public void write(int b) {}

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            handed.add(len);
            if (handed.size() == 2) {
              throw new IOException("connection reset");
            }
          }
        };
    PiecewiseOutputStream out = new PiecewiseOutputStream(failing);
    assertThatThrownBy(() -> out.write(new byte[1024 * KIB], 0, 1024 * KIB))
        .isInstanceOf(IOException.class)
        .hasMessage("connection reset");
    assertThat(handed).containsExactly(64 * KIB, 64 * KIB);
  }
}
