package io.jrpcgen.xdr;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * An XDR quadruple-precision float (RFC 4506 §4.8), carried as its 16 raw big-endian bytes since
 * Java has no 128-bit floating-point type.
 */
public final class Quadruple {
  /** Encoded size in bytes. */
  public static final int SIZE = 16;

  private final byte[] bytes;

  private Quadruple(byte[] bytes) {
    this.bytes = bytes;
  }

  /** A quadruple from its 16 wire bytes; the array is copied. */
  public static Quadruple fromBytes(byte[] bytes) {
    if (bytes.length != SIZE) {
      throw new IllegalArgumentException("quadruple needs 16 bytes: " + bytes.length);
    }
    return new Quadruple(bytes.clone());
  }

  static Quadruple wrap(byte[] bytes) {
    return new Quadruple(bytes);
  }

  /** A copy of the 16 wire bytes. */
  public byte[] toBytes() {
    return bytes.clone();
  }

  byte[] bytes() {
    return bytes;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Quadruple q && Arrays.equals(bytes, q.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "Quadruple[" + HexFormat.of().formatHex(bytes) + "]";
  }
}
