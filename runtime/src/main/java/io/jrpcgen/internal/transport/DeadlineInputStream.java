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
 *
 * <p>The socket's timeout is changed only when the one set would outlast the deadline or end long
 * before it, not for every read: setting it boxes the value, garbage on every call otherwise. A
 * read whose timeout ends before its deadline is resumed.
 */
public final class DeadlineInputStream extends FilterInputStream {
  private static final int KEPT_WHILE_IDLE_MILLIS = 1000;

  private final Socket socket;
  // System.nanoTime by which the coming reads (the record begun) must be done.
  private long deadline;
  private boolean betweenRecords;
  // While between records: System.nanoTime by which a next record must begin, or 0 for no limit.
  private long idleDeadline;
  private long recordTimeoutNanos;
  // Set by deadlineAfterOneRead: the next read is made even if the deadline has passed.
  private boolean readOwed;
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
    this.readOwed = false;
  }

  /**
   * Sets the deadline as {@link #deadline} does, except that the next read is made even if it has
   * passed, waiting then at most the shortest socket timeout: what has already arrived (bytes, the
   * end of the stream, a reset) is seen however late the reading thread runs.
   */
  public void deadlineAfterOneRead(long nanoTime) {
    deadline(nanoTime);
    this.readOwed = true;
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
    while (true) {
      arm();
      try {
        int b = super.read();
        if (b >= 0) {
          arrived();
        }
        return b;
      } catch (SocketTimeoutException e) {
        // The timeout set may end before the deadline: arm() says when the deadline has passed.
      }
    }
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    while (true) {
      arm();
      try {
        int n = super.read(b, off, len);
        if (n > 0) {
          arrived();
        }
        return n;
      } catch (SocketTimeoutException e) {
        // As in read().
      }
    }
  }

  private void arrived() {
    if (betweenRecords) {
      recordBegun(recordTimeoutNanos);
    }
  }

  private void arm() throws IOException {
    if (betweenRecords && idleDeadline == 0) {
      // No limit: a timeout of a second or more already set only makes the wait resume now and
      // then; a shorter one would make an idle connection's thread spin.
      if (armedMillis < KEPT_WHILE_IDLE_MILLIS && armedMillis != 0) {
        setTimeout(0);
      }
      return;
    }
    long left = (betweenRecords ? idleDeadline : deadline) - System.nanoTime();
    if (left <= 0 && !readOwed) {
      throw new SocketTimeoutException(
          betweenRecords ? "no record within the idle timeout" : "deadline passed");
    }
    readOwed = false;
    int millis = SocketTimeouts.toMillis(left);
    // Kept while it ends within the deadline and no sooner than a quarter of the way there;
    // half the time left when set, so that deadlines moving on with each call keep it. A read
    // owed after the deadline gets the shortest timeout: the JDK tries it before waiting.
    if (armedMillis == 0 || armedMillis > millis || armedMillis < millis / 4) {
      setTimeout(Math.max(1, millis / 2));
    }
  }

  private void setTimeout(int millis) throws IOException {
    if (millis != armedMillis) {
      socket.setSoTimeout(millis);
      armedMillis = millis;
    }
  }
}
