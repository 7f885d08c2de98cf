package io.jrpcgen.internal.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A {@link DatagramLink} on a non-blocking datagram channel with a selector of its own, so that a
 * timed receive costs a wait ({@code epoll_wait}) and a read, as libtirpc's {@code poll} and {@code
 * recvfrom} do. It holds three descriptors (the socket, the selector's and its wake-up's), and a
 * virtual thread waiting in a receive would hold its carrier: it serves JDKs before 21, which have
 * no virtual threads.
 */
final class PolledDatagramLink implements DatagramLink {
  // A send finding the socket's buffer full waits this long before it tries again.
  private static final long FULL_BUFFER_PAUSE_NANOS = 50_000;
  private static final Consumer<SelectionKey> IGNORE = key -> {};

  private final DatagramChannel channel;
  private final Selector selector;

  private PolledDatagramLink(DatagramChannel channel, Selector selector) {
    this.channel = channel;
    this.selector = selector;
  }

  /** Opens a socket on an ephemeral port, connected to {@code peer}. */
  static PolledDatagramLink connect(InetSocketAddress peer) throws IOException {
    Selector selector = Selector.open();
    try {
      DatagramChannel channel = DatagramChannel.open();
      try {
        channel.connect(peer);
        channel.configureBlocking(false);
        channel.register(selector, SelectionKey.OP_READ);
        return new PolledDatagramLink(channel, selector);
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
    } catch (IOException | RuntimeException e) {
      selector.close();
      throw e;
    }
  }

  @Override
  public void send(byte[] bytes, int length) throws IOException {
    ByteBuffer datagram = ByteBuffer.wrap(bytes, 0, length);
    // All or nothing: 0 when the socket's buffer has no room for the datagram yet.
    while (channel.write(datagram) == 0 && datagram.hasRemaining()) {
      LockSupport.parkNanos(this, FULL_BUFFER_PAUSE_NANOS);
    }
  }

  @Override
  public int receive(ByteBuffer into, long deadlineNanos) throws IOException {
    boolean interrupted = Thread.interrupted();
    try {
      while (true) {
        long left = deadlineNanos - System.nanoTime();
        if (left > 0) {
          selector.select(IGNORE, SocketTimeouts.toMillis(left));
          // An interrupt ends the wait early: the wait goes on, and the interrupt stays set.
          interrupted |= Thread.interrupted();
        }
        into.clear();
        if (channel.receive(into) != null) {
          return into.position();
        }
        if (left <= 0) {
          return -1;
        }
      }
    } catch (ClosedSelectorException e) {
      throw new ClosedChannelException();
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public InetSocketAddress localAddress() throws IOException {
    return (InetSocketAddress) channel.getLocalAddress();
  }

  @Override
  public boolean isClosed() {
    return !channel.isOpen();
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      // Nothing is left to release that a failed close would keep.
    }
    try {
      // Wakes a receive waiting in select, which then finds the selector closed.
      selector.close();
    } catch (IOException e) {
      // As above.
    }
  }
}
