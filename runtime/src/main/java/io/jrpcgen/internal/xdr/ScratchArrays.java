package io.jrpcgen.internal.xdr;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A few arrays of {@value #SIZE} bytes shared by the whole runtime, lent while one record is read
 * and never seen by a value a caller can keep: a {@code RecordReader} holds there the first part of
 * a large record, which would otherwise go to arrays made only to be copied into the next, until
 * the record's own array may be made. At most four are kept; more are made when all are lent.
 */
public final class ScratchArrays {
  /** The size of every array lent. */
  public static final int SIZE = 256 * 1024;

  private static final int KEPT = 4;
  private static final AtomicReferenceArray<byte[]> FREE = new AtomicReferenceArray<>(KEPT);

  private ScratchArrays() {}

  /**
   * An array of {@link #SIZE} bytes with arbitrary content, to be given back with {@link #give}.
   */
  public static byte[] take() {
    for (int i = 0; i < KEPT; i++) {
      byte[] free = FREE.get(i);
      if (free != null && FREE.compareAndSet(i, free, null)) {
        return free;
      }
    }
    return new byte[SIZE];
  }

  /** Gives back an array of {@link #take}, which the caller must not touch again. */
  public static void give(byte[] array) {
    if (array.length != SIZE) {
      throw new IllegalArgumentException("not a scratch array: " + array.length + " bytes");
    }
    for (int i = 0; i < KEPT; i++) {
      if (FREE.get(i) == null && FREE.compareAndSet(i, null, array)) {
        return;
      }
    }
  }
}
