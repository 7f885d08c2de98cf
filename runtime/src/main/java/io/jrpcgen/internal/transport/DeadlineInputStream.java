package io.jrpcgen.internal.transport;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * A socket's input whose reads share one deadline: before each read the socket's timeout is set to
 * what is left of it, so that a peer trickling a byte at a time cannot stretch a record past the
 * deadline as it could a timeout per read.
 *
 * <p>A client sets the deadline of its call ({@link #deadline}). A server waits for records ({@link
 * #awaitRecord}): between records the wait is unbounded unless an idle deadline is set, and a
 * record's deadline starts with its first byte.
 */
public final class DeadlineInputStream extends FilterInputStream {
  private final Socket socket;
  // System.nanoTime by which the coming reads (the record begun) must be done.
  private long deadline;
  private boolean betweenRecords;
  // While between records: System.nanoTime by which a next record must begin, or 0 for no limit.
  private long idleDeadline;
  private long recordTimeoutNanos;
  private int armedMillis = -1;

  /** The input of {@code socket}, with no time left until a deadline is set. */
  public DeadlineInputStream(Socket socket) throws IOException {
    this(socket, socket.getInputStream());
  }

  /** {@code in}, read from {@code socket} (a layer over its input, such as TLS's). */
  public DeadlineInputStream(Socket socket, InputStream in) {
    super(in);
    this.socket = socket;
    this.deadline = System.nanoTime();
  }

  /** Sets the instant ({@link System#nanoTime()}) by which the coming reads must be done. */
  public void deadline(long nanoTime) {
    this.betweenRecords = false;
    this.deadline = nanoTime;
  }

  /**
   * Waits for a next record: its deadline starts when its first byte arrives.
   *
   * @param idleDeadline System.nanoTime by which that byte must come, 0 for no limit
   * @param recordTimeoutNanos how long the record may take from its first byte
   */
  public void awaitRecord(long idleDeadline, long recordTimeoutNanos) {
    this.betweenRecords = true;
    this.idleDeadline = idleDeadline;
    this.recordTimeoutNanos = recordTimeoutNanos;
  }

  /** A record has begun (bytes of it are already buffered): its deadline starts now. */
  public void recordBegun(long recordTimeoutNanos) {
    deadline(System.nanoTime() + recordTimeoutNanos);
  }

  /** Whether no byte of a next record has arrived since {@link #awaitRecord}. */
  public boolean betweenRecords() {
    return betweenRecords;
  }

  @Override
  public int read() throws IOException {
    arm();
    int b = super.read();
    if (b >= 0) {
      arrived();
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    arm();
    int n = super.read(b, off, len);
    if (n > 0) {
      arrived();
    }
    return n;
  }

  private void arrived() {
    if (betweenRecords) {
      recordBegun(recordTimeoutNanos);
    }
  }

  private void arm() throws IOException {
    if (betweenRecords && idleDeadline == 0) {
      setTimeout(0);
      return;
    }
    long left = (betweenRecords ? idleDeadline : deadline) - System.nanoTime();
    if (left <= 0) {
      throw new SocketTimeoutException(
          betweenRecords ? "no record within the idle timeout" : "deadline passed");
    }
    setTimeout(SocketTimeouts.toMillis(left));
  }

  private void setTimeout(int millis) throws IOException {
    if (millis != armedMillis) {
      socket.setSoTimeout(millis);
      armedMillis = millis;
    }
  }
}
