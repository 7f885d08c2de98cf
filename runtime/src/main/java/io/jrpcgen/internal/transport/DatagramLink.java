package io.jrpcgen.internal.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * A UDP socket connected to one peer, read with deadlines.
 *
 * <p>JDK 17's {@code DatagramSocket} switches its descriptor to non-blocking and back around every
 * timed receive (four {@code fcntl} calls) and reads once before it waits: a UDP call cost eight
 * system calls where libtirpc makes three, and about a quarter more client CPU. Before JDK 21 a
 * link is therefore a {@link PolledDatagramLink}, which makes three; from 21 on, where the socket
 * no longer switches and a virtual thread waiting in a receive leaves its carrier free, a {@link
 * SocketDatagramLink}.
 *
 * <p>As on a {@code DatagramSocket}, an interrupt of a platform thread neither ends its wait nor
 * closes the socket; it stays set for the caller. Any thread may send while one receives; receives
 * are made by one thread at a time.
 */
public sealed interface DatagramLink extends AutoCloseable
    permits PolledDatagramLink, SocketDatagramLink {
  /** Opens a socket on an ephemeral port, connected to {@code peer}. */
  static DatagramLink connect(InetSocketAddress peer) throws IOException {
    return Runtime.version().feature() < 21
        ? PolledDatagramLink.connect(peer)
        : SocketDatagramLink.connect(peer);
  }

  /** Sends {@code length} bytes of {@code bytes} from offset 0 as one datagram. */
  void send(byte[] bytes, int length) throws IOException;

  /**
   * Receives the next datagram into {@code into} from its start (a longer one is cut to its
   * capacity) and returns its length, or -1 if none came by {@code deadlineNanos}, a {@link
   * System#nanoTime()} value; looks at least once, even past it.
   *
   * @throws IOException if the socket is closed, or a read failed (an ICMP error, say)
   */
  int receive(ByteBuffer into, long deadlineNanos) throws IOException;

  /** The socket's local address. */
  InetSocketAddress localAddress() throws IOException;

  /** Whether {@link #close()} was called. */
  boolean isClosed();

  /** Closes the socket; a receive in progress ends with an exception. */
  @Override
  void close();
}
