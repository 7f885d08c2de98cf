package io.jrpcgen.internal.transport;

/** Socket timeouts for waits measured against {@link System#nanoTime()} deadlines. */
public final class SocketTimeouts {
  private SocketTimeouts() {}

  /** A socket timeout for a wait of {@code nanos}: rounded up, at least 1 ms (0 means never). */
  public static int toMillis(long nanos) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(1, (nanos + 999_999) / 1_000_000));
  }
}
