package io.jrpcgen.xdr;

import io.jrpcgen.internal.xdr.Bytes;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;

/**
 * Writes XDR (RFC 4506) into a growable byte array: big-endian, every item padded with zero bytes
 * to a multiple of four. Bounds declared in the {@code .x} file are checked before anything is
 * written, so a value that breaks one never reaches the wire.
 *
 * <p>Opaques of {@value #REFERENCE_THRESHOLD} bytes or more are not copied: the encoder keeps a
 * reference to the (immutable) {@link Opaque} and {@link #writeTo} sends its bytes from where they
 * are. {@link #array()} copies them in first, for callers that need one array.
 *
 * <p>An encoder is reusable ({@link #reset()}) and not thread-safe.
 */
public final class XdrEncoder {
  /**
   * The smallest opaque held by reference instead of copied. On a stream socket the bytes before a
   * reference leave in a write of their own; below this size copying costs less than that write (a
   * JDK socket stream writes at most 128 KiB per system call anyway).
   */
  public static final int REFERENCE_THRESHOLD = 128 * 1024;

  private static final Opaque[] NO_REFERENCES = new Opaque[0];

  // The encoding is buf[0, pos) with referenced opaque i inserted before buf[referencedAt[i]];
  // the padding after a referenced opaque is in buf.
  private byte[] buf;
  private int pos;
  private Opaque[] referenced = NO_REFERENCES;
  private int[] referencedAt = new int[0];
  private int references;
  private int referencedBytes;

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
    dropReferencesFrom(0);
  }

  /** Bytes written so far. */
  public int position() {
    return pos + referencedBytes;
  }

  /**
   * The internal buffer; bytes {@code [0, position())} are the encoding. Referenced opaques are
   * first copied into it, so a sender that can gather should use {@link #writeTo} instead.
   */
  public byte[] array() {
    if (references > 0) {
      buf = joined(Math.max(buf.length, position()));
      pos = position();
      dropReferencesFrom(0);
    }
    return buf;
  }

  /** Whether {@link #array()} holds the encoding as it is, no opaque being held by reference. */
  public boolean isContiguous() {
    return references == 0;
  }

  /**
   * Writes the encoding to {@code out}: the encoder's own bytes and each referenced opaque from its
   * own array, in order, with no copy in between.
   */
  public void writeTo(OutputStream out) throws IOException {
    int from = 0;
    for (int i = 0; i < references; i++) {
      out.write(buf, from, referencedAt[i] - from);
      referenced[i].writeTo(out);
      from = referencedAt[i];
    }
    out.write(buf, from, pos - from);
  }

  /** The buffer's current capacity. */
  public int capacity() {
    return buf.length;
  }

  /** A copy of the bytes written. */
  public byte[] toByteArray() {
    return joined(position());
  }

  /** Drops everything written after {@code position}, to write it differently. */
  public void truncate(int position) {
    if (position < 0 || position > position()) {
      throw new IndexOutOfBoundsException("truncate to " + position + ", position " + position());
    }
    pos = physical(position, 0);
    // References that end by the new end stay; one that straddled it was copied in.
    int kept = 0;
    int before = 0;
    while (kept < references
        && referencedAt[kept] + before + referenced[kept].length() <= position) {
      before += referenced[kept].length();
      kept++;
    }
    dropReferencesFrom(kept);
  }

  /** Advances past {@code n} bytes, to be filled later with {@link #putInt}. */
  public void skip(int n) {
    ensure(n);
    pos += n;
  }

  /** Overwrites four bytes at {@code position} with {@code value}. */
  public void putInt(int position, int value) {
    if (position < 0 || position + 4 > position()) {
      throw new IndexOutOfBoundsException("putInt at " + position + ", position " + position());
    }
    int at = physical(position, 4);
    setInt(buf, at, value);
  }

  /** The four bytes at {@code position} as an int: to read back a header written earlier. */
  public int getInt(int position) {
    if (position < 0 || position + 4 > position()) {
      throw new IndexOutOfBoundsException("getInt at " + position + ", position " + position());
    }
    return Bytes.getInt(buf, physical(position, 4));
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
   * without the byte array {@code getBytes} would make. Returns false, having written nothing, for
   * any other string.
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
    if (length >= REFERENCE_THRESHOLD) {
      reference(value);
      ensure(total - length);
      Arrays.fill(buf, pos, pos + total - length, (byte) 0);
      pos += total - length;
      return;
    }
    ensure(total);
    value.copyTo(buf, pos);
    Arrays.fill(buf, pos + length, pos + total, (byte) 0);
    pos += total;
  }

  private void reference(Opaque value) {
    if (references == referenced.length) {
      int grown = Math.max(4, 2 * references);
      referenced = Arrays.copyOf(referenced, grown);
      referencedAt = Arrays.copyOf(referencedAt, grown);
    }
    requireRoom(value.length());
    referenced[references] = value;
    referencedAt[references] = pos;
    references++;
    referencedBytes += value.length();
  }

  /** Forgets references {@code from} and later, so that the encoder does not pin their arrays. */
  private void dropReferencesFrom(int from) {
    for (int i = from; i < references; i++) {
      referencedBytes -= referenced[i].length();
      referenced[i] = null;
    }
    references = Math.min(references, from);
  }

  /**
   * The offset in {@code buf} of the encoding's byte {@code position}, whose next {@code width}
   * bytes are about to be changed: a referenced opaque they would touch is copied in first, as the
   * encoder never writes into an opaque it does not own.
   */
  private int physical(int position, int width) {
    int before = 0;
    for (int i = 0; i < references; i++) {
      int start = referencedAt[i] + before;
      if (position + width <= start) {
        break;
      }
      if (position < start + referenced[i].length()) {
        array();
        return position;
      }
      before += referenced[i].length();
    }
    return position - before;
  }

  /** The encoding in a new array of {@code capacity} bytes, referenced opaques copied in. */
  private byte[] joined(int capacity) {
    byte[] out = new byte[capacity];
    int from = 0;
    int to = 0;
    for (int i = 0; i < references; i++) {
      int n = referencedAt[i] - from;
      System.arraycopy(buf, from, out, to, n);
      to += n;
      referenced[i].copyTo(out, to);
      to += referenced[i].length();
      from = referencedAt[i];
    }
    System.arraycopy(buf, from, out, to, pos - from);
    return out;
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
    // The second test holds only when references and buffer together near 2 GiB: then a write
    // that fits the buffer may still take the encoding past the largest array.
    if (buf.length - pos < n || referencedBytes > Integer.MAX_VALUE - 8 - buf.length) {
      grow(n);
    }
  }

  private void grow(int n) {
    requireRoom(n);
    if (buf.length - pos < n) {
      long wanted = Math.max((long) pos + n, 2L * buf.length);
      buf = Arrays.copyOf(buf, (int) Math.min(wanted, Integer.MAX_VALUE - 8));
    }
  }

  /** Fails unless {@code n} more bytes keep the encoding within the largest Java array. */
  private void requireRoom(int n) {
    if ((long) position() + n > Integer.MAX_VALUE - 8) {
      throw new XdrException("encoding exceeds the largest Java array");
    }
  }

  static void setInt(byte[] b, int at, int v) {
    Bytes.INT.set(b, at, v);
  }
}
