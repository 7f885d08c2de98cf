package io.jrpcgen.xdr;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An immutable run of bytes: the Java form of XDR {@code opaque[N]} and {@code opaque<N>}.
 *
 * <p>Values made by {@link XdrDecoder} view a slice of the received record without copying it; the
 * runtime gives every received record its own array, so the view stays valid.
 */
public final class Opaque {
  /** The empty opaque. */
  public static final Opaque EMPTY = new Opaque(new byte[0], 0, 0);

  private static final int TO_STRING_LIMIT = 64;

  private final byte[] array;
  private final int offset;
  private final int length;

  private Opaque(byte[] array, int offset, int length) {
    this.array = array;
    this.offset = offset;
    this.length = length;
  }

  /** An opaque holding a copy of {@code bytes}. */
  public static Opaque copyOf(byte[] bytes) {
    return new Opaque(bytes.clone(), 0, bytes.length);
  }

  /** An opaque holding a copy of {@code length} bytes of {@code bytes} from {@code offset}. */
  public static Opaque copyOf(byte[] bytes, int offset, int length) {
    return new Opaque(Arrays.copyOfRange(bytes, offset, offset + length), 0, length);
  }

  /** An opaque from a hex string such as {@code "cafe01"}. */
  public static Opaque fromHex(String hex) {
    byte[] bytes = HexFormat.of().parseHex(hex);
    return new Opaque(bytes, 0, bytes.length);
  }

  /** A view of a range of an array that the caller promises never to change again. */
  static Opaque view(byte[] array, int offset, int length) {
    return length == 0 ? EMPTY : new Opaque(array, offset, length);
  }

  /** The number of bytes. */
  public int length() {
    return length;
  }

  /** The byte at {@code index}. */
  public byte byteAt(int index) {
    if (index < 0 || index >= length) {
      throw new IndexOutOfBoundsException("index " + index + " of opaque of length " + length);
    }
    return array[offset + index];
  }

  /** A copy of the bytes. */
  public byte[] toByteArray() {
    return Arrays.copyOfRange(array, offset, offset + length);
  }

  /** A read-only buffer over the bytes, without copying them. */
  public ByteBuffer asReadOnlyBuffer() {
    return ByteBuffer.wrap(array, offset, length).slice().asReadOnlyBuffer();
  }

  /** Writes the bytes to {@code out}. */
  public void writeTo(OutputStream out) throws IOException {
    out.write(array, offset, length);
  }

  void copyTo(byte[] dest, int destOffset) {
    System.arraycopy(array, offset, dest, destOffset, length);
  }

  /** The bytes as lowercase hex. */
  public String toHex() {
    return HexFormat.of().formatHex(array, offset, offset + length);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Opaque other
        && Arrays.equals(
            array, offset, offset + length, other.array, other.offset, other.offset + other.length);
  }

  @Override
  public int hashCode() {
    int h = 1;
    for (int i = offset; i < offset + length; i++) {
      h = 31 * h + array[i];
    }
    return h;
  }

  /** Hex of the bytes, shortened after 64 bytes so that large values stay readable in logs. */
  @Override
  public String toString() {
    if (length <= TO_STRING_LIMIT) {
      return "Opaque[" + toHex() + "]";
    }
    return "Opaque["
        + HexFormat.of().formatHex(array, offset, offset + TO_STRING_LIMIT)
        + "... ("
        + length
        + " bytes)]";
  }
}
