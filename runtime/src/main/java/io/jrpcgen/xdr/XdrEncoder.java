package io.jrpcgen.xdr;

import java.util.Arrays;
import java.util.List;

/**
 * Writes XDR (RFC 4506) into a growable byte array: big-endian, every item padded with zero bytes
 * to a multiple of four. Bounds declared in the {@code .x} file are checked before anything is
 * written, so a value that breaks one never reaches the wire.
 *
 * <p>An encoder is reusable ({@link #reset()}) and not thread-safe.
 */
public final class XdrEncoder {
  private byte[] buf;
  private int pos;

  /** An encoder with a small initial buffer. */
  public XdrEncoder() {
    this(256);
  }

  /** An encoder whose buffer starts with {@code initialCapacity} bytes. */
  public XdrEncoder(int initialCapacity) {
    if (initialCapacity < 0) {
      throw new IllegalArgumentException("initialCapacity < 0: " + initialCapacity);
    }
    buf = new byte[initialCapacity];
  }

  /** The size of an item of {@code length} bytes once padded to a multiple of four. */
  public static int padded(int length) {
    return (length + 3) & ~3;
  }

  /** Forgets everything written, keeping the buffer. */
  public void reset() {
    pos = 0;
  }

  /** Bytes written so far. */
  public int position() {
    return pos;
  }

  /** The internal buffer; bytes {@code [0, position())} are the encoding. */
  public byte[] array() {
    return buf;
  }

  /** The buffer's current capacity. */
  public int capacity() {
    return buf.length;
  }

  /** A copy of the bytes written. */
  public byte[] toByteArray() {
    return Arrays.copyOf(buf, pos);
  }

  /** Drops everything written after {@code position}, to write it differently. */
  public void truncate(int position) {
    if (position < 0 || position > pos) {
      throw new IndexOutOfBoundsException("truncate to " + position + ", position " + pos);
    }
    pos = position;
  }

  /** Advances past {@code n} bytes, to be filled later with {@link #putInt}. */
  public void skip(int n) {
    ensure(n);
    pos += n;
  }

  /** Overwrites four bytes at {@code position} with {@code value}. */
  public void putInt(int position, int value) {
    if (position < 0 || position + 4 > pos) {
      throw new IndexOutOfBoundsException("putInt at " + position + ", position " + pos);
    }
    setInt(buf, position, value);
  }

  /** {@code int}, and {@code unsigned int}, {@code enum} values as their bit pattern. */
  public void writeInt(int value) {
    ensure(4);
    setInt(buf, pos, value);
    pos += 4;
  }

  /** {@code hyper}, and {@code unsigned hyper} as its bit pattern. */
  public void writeHyper(long value) {
    ensure(8);
    Bytes.LONG.set(buf, pos, value);
    pos += 8;
  }

  /** {@code float}, IEEE 754 single precision. */
  public void writeFloat(float value) {
    writeInt(Float.floatToRawIntBits(value));
  }

  /** {@code double}, IEEE 754 double precision. */
  public void writeDouble(double value) {
    writeHyper(Double.doubleToRawLongBits(value));
  }

  /** {@code bool}: 1 or 0. */
  public void writeBoolean(boolean value) {
    writeInt(value ? 1 : 0);
  }

  /** An {@code enum} constant. */
  public void writeEnum(XdrEnum value) {
    writeInt(nonNull(value, "enum").value());
  }

  /** {@code quadruple}: its 16 bytes. */
  public void writeQuadruple(Quadruple value) {
    writeRaw(nonNull(value, "quadruple").bytes(), 0, Quadruple.SIZE);
  }

  /** {@code opaque[length]}: exactly {@code length} bytes, padded. */
  public void writeFixedOpaque(Opaque value, int length) {
    nonNull(value, "opaque");
    failIf(XdrChecks.fixedOpaqueMismatch(value.length(), length));
    writePadded(value);
  }

  /** {@code opaque<maxLength>}: a length, the bytes, padding. */
  public void writeVariableOpaque(Opaque value, int maxLength) {
    nonNull(value, "opaque");
    failIf(XdrChecks.exceeds("opaque", value.length(), maxLength));
    writeInt(value.length());
    writePadded(value);
  }

  /**
   * {@code string<maxLength>}: the bytes {@code value} stands for ({@link XdrStrings}: UTF-8, and
   * U+DC80..U+DCFF as the bytes 0x80..0xFF) with their length; the bound counts bytes, as C peers
   * do.
   *
   * @throws XdrException if the bytes exceed the bound or {@code value} stands for no bytes; then
   *     nothing is written
   */
  public void writeString(String value, int maxLength) {
    nonNull(value, "string");
    if (value.length() > maxLength || !writeAscii(value)) {
      writeEncoded(value, maxLength);
    }
  }

  /** Writes any string, in two passes: its exact length and bound check first, then its bytes. */
  private void writeEncoded(String value, int maxLength) {
    int length = XdrStrings.byteLength(value);
    failIf(XdrChecks.exceeds("string", length, maxLength));
    int total = padded(length);
    ensure(4 + total);
    setInt(buf, pos, length);
    XdrStrings.encode(value, buf, pos + 4);
    Arrays.fill(buf, pos + 4 + length, pos + 4 + total, (byte) 0);
    pos += 4 + total;
  }

  /**
   * Writes {@code value} if it is all ASCII, which is its own UTF-8: straight into the buffer,
   * without the byte array {@code getBytes} would make. Returns false, having written nothing,
   * for any other string.
   */
  private boolean writeAscii(String value) {
    int length = value.length();
    int total = padded(length);
    ensure(4 + total);
    int at = pos + 4;
    byte[] b = buf;
    int bits = 0;
    // No branch in the loop: the check is once, at the end.
    for (int i = 0; i < length; i++) {
      char c = value.charAt(i);
      bits |= c;
      b[at + i] = (byte) c;
    }
    if (bits >= 0x80) {
      return false;
    }
    Arrays.fill(buf, at + length, at + total, (byte) 0);
    setInt(buf, pos, length);
    pos = at + total;
    return true;
  }

  /** {@code T[length]}: exactly {@code length} elements, no count on the wire. */
  public <T> void writeFixedArray(List<T> values, int length, XdrCodec<T> codec) {
    nonNull(values, "array");
    failIf(XdrChecks.fixedArrayMismatch(values.size(), length));
    for (T value : values) {
      codec.encode(this, value);
    }
  }

  /** {@code T<maxLength>}: a count, then the elements. */
  public <T> void writeVariableArray(List<T> values, int maxLength, XdrCodec<T> codec) {
    nonNull(values, "array");
    failIf(XdrChecks.exceeds("array", values.size(), maxLength));
    writeInt(values.size());
    for (T value : values) {
      codec.encode(this, value);
    }
  }

  /** {@code T *}: a present flag, then the value when it is not null. */
  public <T> void writeOptional(T value, XdrCodec<T> codec) {
    writeBoolean(value != null);
    if (value != null) {
      codec.encode(this, value);
    }
  }

  /** Bytes exactly as given, padded with zeros to a multiple of four. */
  public void writeRaw(byte[] bytes, int offset, int length) {
    int total = padded(length);
    ensure(total);
    System.arraycopy(bytes, offset, buf, pos, length);
    Arrays.fill(buf, pos + length, pos + total, (byte) 0);
    pos += total;
  }

  private void writePadded(Opaque value) {
    int length = value.length();
    int total = padded(length);
    ensure(total);
    value.copyTo(buf, pos);
    Arrays.fill(buf, pos + length, pos + total, (byte) 0);
    pos += total;
  }

  private static void failIf(String error) {
    if (error != null) {
      throw new XdrException(error);
    }
  }

  private static <T> T nonNull(T value, String what) {
    if (value == null) {
      throw new XdrException("cannot encode null " + what);
    }
    return value;
  }

  private void ensure(int n) {
    if (buf.length - pos < n) {
      long wanted = Math.max((long) pos + n, 2L * buf.length);
      if (wanted > Integer.MAX_VALUE - 8) {
        if ((long) pos + n > Integer.MAX_VALUE - 8) {
          throw new XdrException("encoding exceeds the largest Java array");
        }
        wanted = Integer.MAX_VALUE - 8;
      }
      buf = Arrays.copyOf(buf, (int) wanted);
    }
  }

  static void setInt(byte[] b, int at, int v) {
    Bytes.INT.set(b, at, v);
  }
}
