package io.jrpcgen.internal.transport;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;

/** A {@link DatagramLink} on a {@link DatagramSocket}, whose timed receive sets its timeout. */
final class SocketDatagramLink implements DatagramLink {
  private final DatagramSocket socket;
  private int soTimeoutMillis = -1;
  // The packet over the array received into last: the caller passes the same buffer each time.
  private DatagramPacket packet;

  private SocketDatagramLink(DatagramSocket socket) {
    this.socket = socket;
  }

  /** Opens a socket on an ephemeral port, connected to {@code peer}. */
  static SocketDatagramLink connect(InetSocketAddress peer) throws IOException {
    DatagramSocket socket = new DatagramSocket();
    try {
      socket.connect(peer);
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
    return new SocketDatagramLink(socket);
  }

  @Override
  public void send(byte[] bytes, int length) throws IOException {
    socket.send(new DatagramPacket(bytes, length));
  }

  @Override
  public int receive(ByteBuffer into, long deadlineNanos) throws IOException {
    int millis = SocketTimeouts.toMillis(deadlineNanos - System.nanoTime());
    if (millis != soTimeoutMillis) {
      socket.setSoTimeout(millis);
      soTimeoutMillis = millis;
    }
    if (packet == null || packet.getData() != into.array()) {
      packet = new DatagramPacket(into.array(), into.arrayOffset(), into.capacity());
    } else {
      packet.setLength(into.capacity());
    }
    try {
      socket.receive(packet);
    } catch (SocketTimeoutException e) {
      return -1;
    }
    into.clear().position(packet.getLength());
    return packet.getLength();
  }

  @Override
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) socket.getLocalSocketAddress();
  }

  @Override
  public boolean isClosed() {
    return socket.isClosed();
  }

  @Override
  public void close() {
    socket.close();
  }
}
