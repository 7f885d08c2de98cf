package io.jrpcgen.server;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * A socket's input whose reads share one deadline per record: the socket's read timeout is set to
 * what is left of it before each read, so that a peer trickling a byte at a time cannot stretch a
 * record past the deadline the way it could stretch a per-read timeout. Between records the wait
 * is unbounded unless an idle deadline is set; the record's deadline starts with its first byte.
 */
final class DeadlineInputStream extends FilterInputStream {
  private final Socket socket;
  private long recordTimeoutNanos;
  // System.nanoTime by which the record begun must have arrived, while one is begun.
  private long deadline;
  private boolean betweenRecords;
  // System.nanoTime by which a next record must begin, or 0 for no limit.
  private long idleDeadline;

  DeadlineInputStream(Socket socket) throws IOException {
    super(socket.getInputStream());
    this.socket = socket;
  }

  /**
   * Waits for a next record: its deadline starts when its first byte arrives.
   *
   * @param idleDeadline System.nanoTime by which that byte must come, 0 for no limit
   * @param recordTimeoutNanos how long the record may take from its first byte
   */
  void awaitRecord(long idleDeadline, long recordTimeoutNanos) {
    this.betweenRecords = true;
    this.idleDeadline = idleDeadline;
    this.recordTimeoutNanos = recordTimeoutNanos;
  }

  /** A record has begun (bytes of it are already buffered): its deadline starts now. */
  void recordBegun(long recordTimeoutNanos) {
    this.betweenRecords = false;
    this.deadline = System.nanoTime() + recordTimeoutNanos;
  }

  /** Whether no byte of a next record has arrived since {@link #awaitRecord}. */
  boolean betweenRecords() {
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
      socket.setSoTimeout(0);
      return;
    }
    long left = (betweenRecords ? idleDeadline : deadline) - System.nanoTime();
    if (left <= 0) {
      throw new SocketTimeoutException(
          betweenRecords ? "no call within the idle timeout" : "record not received in time");
    }
    socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000)));
  }
}
