package io.jrpcgen.internal.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/**
 * A TCP connection's socket and the streams its RPC records are read from and written to: the
 * socket's own, or, with RPC-with-TLS, those of {@link TlsLayer}. A writer flushes after each
 * message it writes.
 *
 * @param socket the socket: timeouts, addresses and closing go to it
 * @param in what records are read from
 * @param out what records are written to
 */
public record SocketStreams(Socket socket, InputStream in, OutputStream out) {
  /** The streams of {@code socket} itself; long writes go out in pieces. */
  public static SocketStreams of(Socket socket) throws IOException {
    return new SocketStreams(
        socket, socket.getInputStream(), new PiecewiseOutputStream(socket.getOutputStream()));
  }
}
