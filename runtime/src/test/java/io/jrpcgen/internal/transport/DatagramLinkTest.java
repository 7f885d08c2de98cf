package io.jrpcgen.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both kinds of {@link DatagramLink}, against a plain socket on 127.0.0.1: what one sends arrives
 * whole, a receive gets the peer's datagram (cut to the buffer) or -1 at its deadline, waits in the
 * kernel, looks once even past its deadline, ends when the link is closed, and keeps an interrupt
 * for its caller without ending its wait or closing the socket; a link that cannot connect keeps no
 * descriptor.
 */
@Timeout(60)
class DatagramLinkTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final long LONG_NANOS = TimeUnit.SECONDS.toNanos(20);
  private static final long WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(300);

  private DatagramSocket peer;
  private DatagramLink link;
  private final ExecutorService threads = Executors.newCachedThreadPool();

  @BeforeEach
  void startPeer() throws IOException {
    peer = new DatagramSocket(0, LOOPBACK);
    peer.setSoTimeout(10_000);
  }

  @AfterEach
  void stop() {
    threads.shutdownNow();
    if (link != null) {
      link.close();
    }
    peer.close();
  }

  private DatagramLink open(String kind) throws IOException {
    InetSocketAddress at = new InetSocketAddress(LOOPBACK, peer.getLocalPort());
    link = kind.equals("polled") ? PolledDatagramLink.connect(at) : SocketDatagramLink.connect(at);
    return link;
  }

  /** Opens a link of {@code kind}, which greets the peer: returns the link's address as seen. */
  private InetSocketAddress openGreeted(String kind) throws IOException {
    open(kind);
    link.send(new byte[] {1, 2, 3}, 3);
    DatagramPacket hello = new DatagramPacket(new byte[16], 16);
    peer.receive(hello);
    return (InetSocketAddress) hello.getSocketAddress();
  }

  private void peerSends(InetSocketAddress to, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
    peer.send(new DatagramPacket(bytes, bytes.length, to));
  }

  private static String text(ByteBuffer buffer, int length) {
    return new String(buffer.array(), 0, length, StandardCharsets.US_ASCII);
  }

  /** The next datagram's text, received into {@code buffer} with a deadline far off. */
  private String nextText(ByteBuffer buffer) throws IOException {
    return text(buffer, link.receive(buffer, System.nanoTime() + LONG_NANOS));
  }

  @Test
  void beforeJdk21ALinkIsPolledAndFromThenOnASocket() throws IOException {
    link = DatagramLink.connect(new InetSocketAddress(LOOPBACK, peer.getLocalPort()));
    assertThat(link)
        .isInstanceOf(
            Runtime.version().feature() < 21 ? PolledDatagramLink.class : SocketDatagramLink.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"polled", "socket"})
  void aSentDatagramArrivesWholeFromTheLinksAddress(String kind) throws IOException {
    open(kind);
    byte[] bytes = "a call of some length".getBytes(StandardCharsets.US_ASCII);
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 7);
    link.send(longer, bytes.length);
    DatagramPacket received = new DatagramPacket(new byte[64], 64);
    peer.receive(received);
    assertThat(Arrays.copyOf(received.getData(), received.getLength())).isEqualTo(bytes);
    assertThat(received.getSocketAddress()).isEqualTo(link.localAddress());
  }

  @ParameterizedTest
  @ValueSource(strings = {"polled", "socket"})
  void aReceiveGetsThePeersDatagramsInOrderInTheBufferItIsGivenCutToIt(String kind)
      throws IOException {
    InetSocketAddress to = openGreeted(kind);
    ByteBuffer buffer = ByteBuffer.allocate(64);
    peerSends(to, "2nd");
    peerSends(to, "a longer reply");
    peerSends(to, "elsewhere");
    peerSends(to, "twenty bytes of text");
    assertThat(nextText(buffer)).isEqualTo("2nd");
    // A longer datagram after a short one into the same buffer: not cut to the short one.
    assertThat(nextText(buffer)).isEqualTo("a longer reply");
    assertThat(buffer.position()).isEqualTo(14);
    ByteBuffer other = ByteBuffer.allocate(32);
    assertThat(nextText(other)).isEqualTo("elsewhere");
    assertThat(text(buffer, 14)).as("the earlier buffer is left alone").isEqualTo("a longer reply");
    ByteBuffer shorter = ByteBuffer.allocate(8);
    assertThat(nextText(shorter)).as("cut to the buffer").isEqualTo("twenty b");
    assertThat(shorter.position()).isEqualTo(8);
  }

  @ParameterizedTest
  @ValueSource(strings = {"polled", "socket"})
  void aLinkThatCannotConnectThrowsAndKeepsNoDescriptor(String kind) throws IOException {
    File descriptors = new File("/proc/self/fd");
    assumeTrue(descriptors.isDirectory(), "needs /proc/self/fd (Linux) to count descriptors");
    InetSocketAddress nowhere = InetSocketAddress.createUnresolved("nowhere.invalid", 111);
    int before = descriptors.list().length;
    for (int i = 0; i < 40; i++) {
      assertThatThrownBy(
              () ->
                  link =
                      kind.equals("polled")
                          ? PolledDatagramLink.connect(nowhere)
                          : SocketDatagramLink.connect(nowhere))
          .isNotInstanceOf(NullPointerException.class);
    }
    // Tests run one at a time in one JVM: 40 leaks would show whatever else opens a few.
    assertThat(descriptors.list().length).isLessThan(before + 20);
  }

  @ParameterizedTest
  @ValueSource(strings = {"polled", "socket"})
  void aReceiveWaitsWithoutSpinning(String kind) throws IOException {
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    assumeTrue(cpu.isCurrentThreadCpuTimeSupported(), "needs the thread's CPU time");
    openGreeted(kind);
    long cpuBefore = cpu.getCurrentThreadCpuTime();
    long wallBefore = System.nanoTime();
    assertThat(link.receive(ByteBuffer.allocate(8), wallBefore + WAIT_NANOS)).isEqualTo(-1);
    long wall = System.nanoTime() - wallBefore;
    // A wait in the kernel costs microseconds of CPU; a loop polling the socket costs the wait.
    assertThat(cpu.getCurrentThreadCpuTime() - cpuBefore).isLessThan(wall / 2);
  }

  @ParameterizedTest
  @ValueSource(strings = {"polled", "socket"})
  void nothingByTheDeadlineIsMinusOneAndTheLinkStillWorks(String kind) throws IOException {
    InetSocketAddress to = openGreeted(kind);
    ByteBuffer buffer = ByteBuffer.allocate(64);
    assertThat(link.receive(buffer, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(30)))
        .isEqualTo(-1);
    peerSends(to, "late");
    assertThat(nextText(buffer)).isEqualTo("late");
  }

  @ParameterizedTest
  @ValueSource(strings = {"polled", "socket"})
  void aReceivePastItsDeadlineStillLooksOnce(String kind) throws IOException {
    InetSocketAddress to = openGreeted(kind);
    ByteBuffer buffer = ByteBuffer.allocate(64);
    peerSends(to, "one");
    peerSends(to, "two");
    // Both were queued before the first was read (loopback delivers within the send).
    assertThat(nextText(buffer)).isEqualTo("one");
    int length = link.receive(buffer, System.nanoTime() - LONG_NANOS);
    assertThat(text(buffer, length)).isEqualTo("two");
    assertThat(link.receive(buffer, System.nanoTime() - LONG_NANOS)).isEqualTo(-1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"polled", "socket"})
  void closingEndsAWaitingReceiveWithAnIOException(String kind) throws Exception {
    open(kind);
    CountDownLatch receiving = new CountDownLatch(1);
    Future<Integer> waiting =
        threads.submit(
            () -> {
              receiving.countDown();
              return link.receive(ByteBuffer.allocate(64), System.nanoTime() + LONG_NANOS);
            });
    receiving.await();
    link.close();
    assertThat(link.isClosed()).isTrue();
    assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(IOException.class);
    assertThatThrownBy(() -> link.receive(ByteBuffer.allocate(8), System.nanoTime()))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> link.send(new byte[1], 1)).isInstanceOf(IOException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"polled", "socket"})
  void anInterruptNeitherEndsTheWaitNorClosesTheSocketAndStaysSet(String kind) throws Exception {
    InetSocketAddress to = openGreeted(kind);
    CountDownLatch interrupted = new CountDownLatch(1);
    Future<String> waiting =
        threads.submit(
            () -> {
              Thread.currentThread().interrupt();
              interrupted.countDown();
              return nextText(ByteBuffer.allocate(64))
                  + " "
                  + Thread.currentThread().isInterrupted();
            });
    interrupted.await();
    // However long the receive has waited by now, the datagram ends its wait.
    peerSends(to, "answer");
    assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo("answer true");
    assertThat(link.isClosed()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"polled", "socket"})
  void anInterruptArrivingDuringTheWaitDoesNotEndIt(String kind) throws Exception {
    InetSocketAddress to = openGreeted(kind);
    CountDownLatch started = new CountDownLatch(1);
    Thread[] receiver = new Thread[1];
    Future<String> waiting =
        threads.submit(
            () -> {
              receiver[0] = Thread.currentThread();
              started.countDown();
              return nextText(ByteBuffer.allocate(64)) + " " + Thread.interrupted();
            });
    started.await();
    receiver[0].interrupt();
    peerSends(to, "after");
    assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo("after true");
    link.send(new byte[] {9}, 1);
    DatagramPacket still = new DatagramPacket(new byte[4], 4);
    peer.receive(still);
    assertThat(still.getLength()).isEqualTo(1);
  }
}
