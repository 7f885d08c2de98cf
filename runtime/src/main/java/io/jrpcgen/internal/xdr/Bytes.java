package io.jrpcgen.internal.xdr;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Big-endian views of byte arrays, shared by the encoder, the decoder and record marking. */
public final class Bytes {
  /** Big-endian int access to a {@code byte[]}. */
  public static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

  /** Big-endian long access to a {@code byte[]}. */
  public static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private Bytes() {}

  /** The big-endian int at {@code offset}. */
  public static int getInt(byte[] b, int offset) {
    return (int) INT.get(b, offset);
  }

  /** Stores {@code value} big-endian at {@code offset}. */
  public static void putInt(byte[] b, int offset, int value) {
    INT.set(b, offset, value);
  }
}
