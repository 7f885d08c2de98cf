package io.jrpcgen.gss;

/**
 * A server's record of the sequence numbers seen on one context (RFC 2203 §5.3.3.1): the largest
 * one, and which of the {@code size} below it have come. A number seen before, or as old as the
 * window's size or older, is refused: the call is dropped unanswered.
 */
final class SequenceWindow {
  /** What the window says of a sequence number. */
  enum Verdict {
    NEW,
    REPLAYED,
    TOO_OLD
  }

  private final boolean[] seen;
  private long largest = -1;

  SequenceWindow(int size) {
    if (size <= 0) {
      throw new IllegalArgumentException("window size <= 0: " + size);
    }
    this.seen = new boolean[size];
  }

  int size() {
    return seen.length;
  }

  /** Records {@code sequence} (below {@code MAXSEQ}) if it is new and within the window. */
  synchronized Verdict accept(int sequence) {
    long s = Integer.toUnsignedLong(sequence);
    int size = seen.length;
    if (s > largest) {
      // Slots the window slides over belong to numbers never seen.
      long from = Math.max(largest + 1, s - size + 1);
      for (long n = from; n < s; n++) {
        seen[(int) (n % size)] = false;
      }
      largest = s;
      seen[(int) (s % size)] = true;
      return Verdict.NEW;
    }
    if (largest - s >= size) {
      return Verdict.TOO_OLD;
    }
    int slot = (int) (s % size);
    if (seen[slot]) {
      return Verdict.REPLAYED;
    }
    seen[slot] = true;
    return Verdict.NEW;
  }
}
