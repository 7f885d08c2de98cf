package io.jrpcgen.server;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/** What a test opened (servers, sockets), for its {@code @AfterEach} to close in that order. */
final class Opened implements AutoCloseable {
  private final List<AutoCloseable> opened = new ArrayList<>();

  /** Returns {@code c}, which {@link #close()} closes. */
  <T extends AutoCloseable> T add(T c) {
    opened.add(c);
    return c;
  }

  /** A connection to {@code server} as {@link RawWire#connect} makes it. */
  Socket connect(RpcServer server) throws IOException {
    return add(RawWire.connect(server));
  }

  /** A UDP socket as {@link RawWire#udpSocket} makes it. */
  DatagramSocket udpSocket() throws IOException {
    return add(RawWire.udpSocket());
  }

  /** Closes what was opened, in the order it was. */
  @Override
  public void close() throws Exception {
    for (AutoCloseable c : opened) {
      c.close();
    }
  }
}
