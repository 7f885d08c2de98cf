package io.jrpcgen.xdr;

import io.jrpcgen.internal.xdr.Bytes;
import java.util.Arrays;
import java.util.List;

/**
 * Reads XDR (RFC 4506) from a range of a byte array.
 *
 * <p>Every read first checks that the bytes it needs are there, and every length read from the wire
 * is checked against the declared bound and against the bytes left before anything is allocated, so
 * hostile input costs at most its own size. Decoding is strict where C peers are lenient: a {@code
 * bool} other than 0 or 1 and non-zero padding are errors, as RFC 4506 says.
 *
 * <p>Opaque values are views of the source array (no copy): callers must not change the array after
 * decoding from it. Not thread-safe.
 */
public final class XdrDecoder {
  private final byte[] buf;
  private final int limit;
  private int pos;

  /** A decoder over all of {@code buf}. */
  public XdrDecoder(byte[] buf) {
    this(buf, 0, buf.length);
  }

  /** A decoder over {@code length} bytes of {@code buf} from {@code offset}. */
  public XdrDecoder(byte[] buf, int offset, int length) {
    if (offset < 0 || length < 0 || offset > buf.length - length) {
      throw new IndexOutOfBoundsException(
          "range " + offset + "+" + length + " of array of " + buf.length);
    }
    this.buf = buf;
    this.pos = offset;
    this.limit = offset + length;
  }

  /** Bytes not yet read. */
  public int remaining() {
    return limit - pos;
  }

  /** The offset of the next byte to read in the source array. */
  public int position() {
    return pos;
  }

  /** Fails unless every byte has been read: for callers that want no trailing data. */
  public void requireEnd() {
    if (pos != limit) {
      throw new XdrException((limit - pos) + " unexpected bytes after the end of the data");
    }
  }

  /** {@code int}, and {@code unsigned int} or {@code enum} as its bit pattern. */
  public int readInt() {
    require(4);
    int v = (int) Bytes.INT.get(buf, pos);
    pos += 4;
    return v;
  }

  /** {@code hyper}, and {@code unsigned hyper} as its bit pattern. */
  public long readHyper() {
    require(8);
    long v = (long) Bytes.LONG.get(buf, pos);
    pos += 8;
    return v;
  }

  /** {@code float}. */
  public float readFloat() {
    return Float.intBitsToFloat(readInt());
  }

  /** {@code double}. */
  public double readDouble() {
    return Double.longBitsToDouble(readHyper());
  }

  /** {@code bool}; any value other than 0 or 1 is an error (RFC 4506 §4.4). */
  public boolean readBoolean() {
    int at = pos;
    int v = readInt();
    if (v == 0 || v == 1) {
      return v == 1;
    }
    throw new XdrException("bool must be 0 or 1, got " + v + " at offset " + at);
  }

  /** {@code quadruple}: 16 raw bytes. */
  public Quadruple readQuadruple() {
    require(Quadruple.SIZE);
    byte[] b = Arrays.copyOfRange(buf, pos, pos + Quadruple.SIZE);
    pos += Quadruple.SIZE;
    return Quadruple.wrap(b);
  }

  /** {@code opaque[length]}. */
  public Opaque readFixedOpaque(int length) {
    if (length < 0) {
      throw new IllegalArgumentException("length < 0: " + length);
    }
    return readPadded(length);
  }

  /** {@code opaque<maxLength>}. */
  public Opaque readVariableOpaque(int maxLength) {
    return readPadded(readLength("opaque", maxLength, 1));
  }

  /**
   * {@code string<maxLength>}: any bytes, decoded losslessly ({@link XdrStrings}: UTF-8, and each
   * other byte 0x80..0xFF as U+DC80..U+DCFF), so that encoding the string gives them back; the
   * bound counts bytes.
   */
  public String readString(int maxLength) {
    int length = readLength("string", maxLength, 1);
    requirePadded(length);
    String s = XdrStrings.fromBytes(buf, pos, length);
    skipPadded(length);
    return s;
  }

  /** {@code T[length]}. */
  public <T> List<T> readFixedArray(int length, XdrCodec<T> codec) {
    if (length < 0) {
      throw new IllegalArgumentException("length < 0: " + length);
    }
    checkFits("array", length, codec.minEncodedSize());
    return readElements(length, codec);
  }

  /** {@code T<maxLength>}. */
  public <T> List<T> readVariableArray(int maxLength, XdrCodec<T> codec) {
    return readElements(readLength("array", maxLength, codec.minEncodedSize()), codec);
  }

  /** {@code T *}: null when absent. */
  public <T> T readOptional(XdrCodec<T> codec) {
    return readBoolean() ? codec.decode(this) : null;
  }

  /**
   * Reads a count or byte length and checks it against {@code maxLength} and against the bytes
   * left, given that each element takes at least {@code minElementSize} bytes.
   */
  public int readLength(String what, int maxLength, int minElementSize) {
    int at = pos;
    long length = readInt() & 0xffff_ffffL;
    if (length > maxLength) {
      throw new XdrException(
          what + " length " + length + " at offset " + at + " exceeds its bound of " + maxLength);
    }
    checkFits(what, (int) length, minElementSize);
    return (int) length;
  }

  private void checkFits(String what, int count, int minElementSize) {
    // Elements of size 0 (void, empty structs) still cost a loop turn each: cap them as bytes.
    long needed = (long) count * Math.max(minElementSize, 1);
    if (needed > remaining()) {
      throw new XdrException(
          what
              + " of "
              + count
              + (minElementSize == 1 ? " bytes" : " elements")
              + " cannot fit in the "
              + remaining()
              + " bytes left");
    }
  }

  private <T> List<T> readElements(int count, XdrCodec<T> codec) {
    if (count == 0) {
      return List.of();
    }
    Object[] items = new Object[count];
    for (int i = 0; i < count; i++) {
      items[i] = codec.decode(this);
    }
    return new ImmutableArrayList<>(items);
  }

  private Opaque readPadded(int length) {
    requirePadded(length);
    Opaque value = Opaque.view(buf, pos, length);
    skipPadded(length);
    return value;
  }

  private void requirePadded(int length) {
    // In long arithmetic: padding a length near 2^31 would overflow an int to a negative size.
    require((length + 3L) & ~3L);
  }

  private void skipPadded(int length) {
    int end = pos + length;
    int paddedEnd = pos + XdrEncoder.padded(length);
    for (int i = end; i < paddedEnd; i++) {
      if (buf[i] != 0) {
        throw new XdrException("non-zero padding byte at offset " + i);
      }
    }
    pos = paddedEnd;
  }

  private void require(long n) {
    if (limit - pos < n) {
      throw new XdrException(
          "truncated: " + n + " bytes needed at offset " + pos + ", " + (limit - pos) + " left");
    }
  }
}
