package io.jrpcgen.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.testsupport.TestCertificates;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS over {@link LayeredSocket} on loopback: what a message's TLS records cost in writes, that
 * nothing is held back past a flush, and what the input says has arrived.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsLayerTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final int TIMEOUT_MS = 10_000;

  @TempDir static Path dir;
  private static SSLContext serverContext;
  private static SSLContext clientContext;

  private final ExecutorService executor = Executors.newCachedThreadPool();
  // Lengths of the writes the client's TLS made on its TCP socket.
  private final List<Integer> clientWrites = new CopyOnWriteArrayList<>();
  private ServerSocket listener;
  private Socket clientPlain;
  private SocketStreams client;
  private SocketStreams server;

  @BeforeAll
  static void certificates() throws Exception {
    TestCertificates.Identity id =
        TestCertificates.create(dir, "server", "ip:127.0.0.1,dns:localhost", null, 2);
    serverContext = id.contextTrusting();
    clientContext =
        io.jrpcgen.transport.TlsContexts.of(null, null, TestCertificates.trustStore(id));
  }

  @BeforeEach
  void connect() throws Exception {
    listener = new ServerSocket(0, 1, LOOPBACK);
    Future<SocketStreams> accepted =
        executor.submit(
            () -> {
              Socket s = listener.accept();
              s.setSoTimeout(TIMEOUT_MS);
              TlsLayer layer =
                  TlsLayer.over(serverContext.getSocketFactory(), s, "client", s.getPort());
              layer.socket().setUseClientMode(false);
              layer.socket().startHandshake();
              return layer.streams();
            });
    clientPlain = new CountingSocket(clientWrites);
    clientPlain.connect(new InetSocketAddress(LOOPBACK, listener.getLocalPort()), TIMEOUT_MS);
    clientPlain.setSoTimeout(TIMEOUT_MS);
    TlsLayer layer =
        TlsLayer.over(
            clientContext.getSocketFactory(),
            clientPlain,
            LOOPBACK.getHostAddress(),
            listener.getLocalPort());
    layer.socket().setUseClientMode(true);
    layer.socket().startHandshake();
    client = layer.streams();
    assertThat(client.socket()).isSameAs(layer.socket());
    server = accepted.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
  }

  @AfterEach
  void close() throws Exception {
    executor.shutdownNow();
    for (AutoCloseable c :
        new AutoCloseable[] {
          client == null ? null : client.socket(),
          server == null ? null : server.socket(),
          clientPlain,
          listener
        }) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (IOException e) {
        // Closed already by the test, or the alert could not be sent: the socket is closed.
      }
    }
  }

  @Test
  void aLargeMessageLeavesInFewWritesOfSeveralRecordsAndArrivesWhole() throws Exception {
    byte[] message = new byte[1 << 20];
    for (int i = 0; i < message.length; i++) {
      message[i] = (byte) (i * 31 + (i >>> 9));
    }
    Future<byte[]> received = executor.submit(() -> server.in().readNBytes(message.length + 3));
    clientWrites.clear();
    client.out().write(new byte[] {1, 2, 3});
    client.out().write(message);
    client.out().flush();
    byte[] got = received.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);

    assertThat(got).startsWith(1, 2, 3);
    assertThat(java.util.Arrays.copyOfRange(got, 3, got.length)).isEqualTo(message);
    // 65 TLS records (the 3 bytes, and 16 KiB each) in writes of up to four records: 17 (each
    // TLS record in a write of its own would be 65).
    assertThat(clientWrites).hasSizeLessThanOrEqualTo(20);
    assertThat(clientWrites.stream().mapToInt(Integer::intValue).sum())
        .isGreaterThan(message.length + 3);
  }

  @Test
  void aMessageIsHeldUntilItsFlushAndThenWrittenAtOnce() throws Exception {
    clientWrites.clear();
    client.out().write(new byte[100]);
    client.out().write(7);
    assertThat(clientWrites).isEmpty();

    client.out().flush();

    assertThat(clientWrites).hasSize(1);
    byte[] got = server.in().readNBytes(101);
    assertThat(got[100]).isEqualTo((byte) 7);
  }

  @Test
  void afterAFlushTlsWritesGoOutAtOnceAgain() throws Exception {
    client.out().write(new byte[10]);
    client.out().flush();
    server.in().readNBytes(10);
    clientWrites.clear();

    // Closing sends TLS's close_notify alert, written and flushed by TLS itself.
    client.socket().close();

    assertThat(clientWrites).isNotEmpty();
    assertThat(server.in().read()).isEqualTo(-1);
  }

  @Test
  void availableCountsTheBytesReceivedThatTlsHasNotDecryptedYet() throws Exception {
    int total = 96 * 1024;
    server.out().write(new byte[total]);
    server.out().flush();
    InputStream in = client.in();
    assertThat(in.read()).isEqualTo(0);
    // The first TLS record is decrypted: at most 16 KiB of it is TLS's own; the rest has arrived
    // (it was flushed before the read) and waits, encrypted, in the layer or in the kernel.
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
    while (in.available() < total - 1 && System.nanoTime() - deadline < 0) {
      Thread.sleep(5);
    }
    assertThat(in.available()).isGreaterThanOrEqualTo(total - 1);
    assertThat(in.readNBytes(total - 1)).hasSize(total - 1);
    assertThat(in.available()).isZero();
  }

  @Test
  void theLayeredSocketIsThePlainSocketForEverythingButItsStreams() throws Exception {
    try (LayeredSocket layered = new LayeredSocket(clientPlain)) {
      assertThat(layered.isConnected()).isTrue();
      assertThat(layered.isBound()).isTrue();
      assertThat(layered.isClosed()).isFalse();
      assertThat(layered.isInputShutdown()).isFalse();
      assertThat(layered.isOutputShutdown()).isFalse();
      assertThat(layered.getInetAddress()).isEqualTo(clientPlain.getInetAddress());
      assertThat(layered.getLocalAddress()).isEqualTo(clientPlain.getLocalAddress());
      assertThat(layered.getPort()).isEqualTo(clientPlain.getPort());
      assertThat(layered.getLocalPort()).isEqualTo(clientPlain.getLocalPort());
      assertThat(layered.getRemoteSocketAddress()).isEqualTo(clientPlain.getRemoteSocketAddress());
      assertThat(layered.getLocalSocketAddress()).isEqualTo(clientPlain.getLocalSocketAddress());
      assertThat(layered.getChannel()).isNull();
      assertThat(layered.toString()).isEqualTo(clientPlain.toString());
      assertThat(layered.supportedOptions()).isEqualTo(clientPlain.supportedOptions());

      layered.setTcpNoDelay(true);
      assertThat(clientPlain.getTcpNoDelay()).isTrue();
      assertThat(layered.getTcpNoDelay()).isTrue();
      layered.setTcpNoDelay(false);
      assertThat(layered.getTcpNoDelay()).isFalse();
      layered.setKeepAlive(true);
      assertThat(clientPlain.getKeepAlive()).isTrue();
      assertThat(layered.getKeepAlive()).isTrue();
      layered.setKeepAlive(false);
      assertThat(layered.getKeepAlive()).isFalse();
      layered.setOOBInline(true);
      assertThat(clientPlain.getOOBInline()).isTrue();
      assertThat(layered.getOOBInline()).isTrue();
      layered.setOOBInline(false);
      assertThat(layered.getOOBInline()).isFalse();
      layered.setReuseAddress(true);
      assertThat(layered.getReuseAddress()).isTrue();
      layered.setReuseAddress(false);
      assertThat(layered.getReuseAddress()).isFalse();
      layered.setSoTimeout(1234);
      assertThat(clientPlain.getSoTimeout()).isEqualTo(1234);
      assertThat(layered.getSoTimeout()).isEqualTo(1234);
      layered.setSoLinger(true, 3);
      assertThat(layered.getSoLinger()).isEqualTo(3).isEqualTo(clientPlain.getSoLinger());
      layered.setSendBufferSize(64 * 1024);
      assertThat(layered.getSendBufferSize()).isEqualTo(clientPlain.getSendBufferSize());
      layered.setReceiveBufferSize(64 * 1024);
      assertThat(layered.getReceiveBufferSize()).isEqualTo(clientPlain.getReceiveBufferSize());
      layered.setTrafficClass(0x10);
      assertThat(layered.getTrafficClass()).isEqualTo(clientPlain.getTrafficClass());
      assertThat(layered.setOption(StandardSocketOptions.SO_KEEPALIVE, true)).isSameAs(layered);
      assertThat(clientPlain.getOption(StandardSocketOptions.SO_KEEPALIVE)).isTrue();
      assertThat(layered.getOption(StandardSocketOptions.SO_KEEPALIVE)).isTrue();
      layered.setPerformancePreferences(0, 1, 2);
      layered.sendUrgentData(1);
      clientWrites.clear();
      layered.getOutputStream().write(7);
      assertThat(clientWrites).isEmpty();
      layered.getOutputStream().flush();
      assertThat(clientWrites).containsExactly(1);

      layered.shutdownOutput();
      assertThat(clientPlain.isOutputShutdown()).isTrue();
      assertThat(layered.isOutputShutdown()).isTrue();
      layered.shutdownInput();
      assertThat(clientPlain.isInputShutdown()).isTrue();
      assertThat(layered.isInputShutdown()).isTrue();
    }
    assertThat(clientPlain.isClosed()).isTrue();
  }

  @Test
  void theLayeredSocketCannotBeConnectedOrBoundAgain() throws Exception {
    try (LayeredSocket layered = new LayeredSocket(clientPlain)) {
      InetSocketAddress elsewhere = new InetSocketAddress(LOOPBACK, listener.getLocalPort());
      assertThatThrownBy(() -> layered.connect(elsewhere))
          .isInstanceOf(java.net.SocketException.class);
      assertThatThrownBy(() -> layered.bind(null)).isInstanceOf(java.net.SocketException.class);
      assertThat(clientPlain.isClosed()).isFalse();
    }
  }

  /** A socket that notes the length of every write on its output. */
  private static final class CountingSocket extends Socket {
    private final List<Integer> writes;

    CountingSocket(List<Integer> writes) {
      this.writes = writes;
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
      return new FilterOutputStream(super.getOutputStream()) {
        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          writes.add(len);
          out.write(b, off, len);
        }
      };
    }
  }
}
