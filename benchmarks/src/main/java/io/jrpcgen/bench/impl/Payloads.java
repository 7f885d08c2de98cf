package io.jrpcgen.bench.impl;

/** The echo workloads' payloads: the same bytes for every implementation. */
final class Payloads {
  private Payloads() {}

  /** {@code size} bytes of a fixed, non-zero pattern. */
  static byte[] of(int size) {
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) (i * 31 + 7);
    }
    return bytes;
  }

  /** The square argument of call {@code seq}: small enough that the square fits an int. */
  static int squareArg(int seq) {
    return seq & 0xffff;
  }
}
