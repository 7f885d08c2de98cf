package io.jrpcgen.server;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * A socket's input whose reads share one deadline: the socket's read timeout is set to what is
 * left of it before each read, so that a peer trickling a byte at a time cannot stretch a record
 * past the deadline the way it could stretch a per-read timeout.
 */
final class DeadlineInputStream extends FilterInputStream {
  private final Socket socket;
  private long deadline;

  DeadlineInputStream(Socket socket) throws IOException {
    super(socket.getInputStream());
    this.socket = socket;
  }

  /** Sets the instant (System.nanoTime) by which the coming reads must be done. */
  void deadline(long nanoTime) {
    this.deadline = nanoTime;
  }

  @Override
  public int read() throws IOException {
    arm();
    return super.read();
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    arm();
    return super.read(b, off, len);
  }

  private void arm() throws IOException {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw new SocketTimeoutException("record not received in time");
    }
    socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000)));
  }
}
