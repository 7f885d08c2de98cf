package io.jrpcgen.transport;

import java.io.FilterInputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * A socket's input whose reads share one deadline: before each read the socket's timeout is set
 * to what is left of it, so that a peer trickling a byte at a time cannot stretch a record past
 * the deadline as it could a timeout per read.
 */
public final class DeadlineInputStream extends FilterInputStream {
  private final Socket socket;
  private long deadline;
  private int armedMillis = -1;

  /** The input of {@code socket}, with no time left until {@link #deadline} is set. */
  public DeadlineInputStream(Socket socket) throws IOException {
    super(socket.getInputStream());
    this.socket = socket;
    this.deadline = System.nanoTime();
  }

  /** Sets the instant ({@link System#nanoTime()}) by which the coming reads must be done. */
  public void deadline(long nanoTime) {
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
      throw new SocketTimeoutException("deadline passed");
    }
    int millis = TcpChannel.toMillis(left);
    if (millis != armedMillis) {
      socket.setSoTimeout(millis);
      armedMillis = millis;
    }
  }
}
