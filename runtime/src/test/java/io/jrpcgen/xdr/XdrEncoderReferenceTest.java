package io.jrpcgen.xdr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.internal.xdr.Bytes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Large opaques held by reference: the encoding is the same bytes as if they had been copied,
 * whichever way it is read (writeTo, toByteArray, array), back-patched or truncated.
 */
class XdrEncoderReferenceTest {
  private static final int LARGE = XdrEncoder.REFERENCE_THRESHOLD;

  /** {@code length} bytes that differ from their neighbours, none zero. */
  private static byte[] bytes(int length, int seed) {
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = (byte) (1 + (i * 7 + seed) % 251);
    }
    return b;
  }

  /** The encoding of int 7, opaque<> of {@code payload}, int 9, built by hand. */
  private static byte[] expected(byte[] payload) {
    int padded = XdrEncoder.padded(payload.length);
    byte[] e = new byte[12 + padded];
    Bytes.putInt(e, 0, 7);
    Bytes.putInt(e, 4, payload.length);
    System.arraycopy(payload, 0, e, 8, payload.length);
    Bytes.putInt(e, 8 + padded, 9);
    return e;
  }

  private static byte[] word(int value) {
    byte[] b = new byte[4];
    Bytes.putInt(b, 0, value);
    return b;
  }

  private static XdrEncoder encoded(Opaque payload) {
    XdrEncoder out = new XdrEncoder(64);
    out.writeInt(7);
    out.writeVariableOpaque(payload, Integer.MAX_VALUE);
    out.writeInt(9);
    return out;
  }

  private static byte[] written(XdrEncoder out) throws IOException {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    out.writeTo(sink);
    return sink.toByteArray();
  }

  @Test
  void largeOpaqueIsHeldByReferenceAndWrittenFromItsOwnArray() throws IOException {
    byte[] payload = bytes(LARGE + 1, 3);
    XdrEncoder out = encoded(Opaque.view(payload, 0, payload.length));

    assertThat(out.isContiguous()).isFalse();
    assertThat(out.capacity()).as("the payload was not copied in").isLessThan(LARGE);
    assertThat(out.position()).isEqualTo(expected(payload).length);

    List<Object> arrays = new ArrayList<>();
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    out.writeTo(
        new OutputStream() {
          @Override
          public void write(int b) {
            throw new AssertionError("byte-wise write");
          }

          @Override
          public void write(byte[] b, int off, int len) {
            arrays.add(b);
            sink.write(b, off, len);
          }
        });
    assertThat(sink.toByteArray()).isEqualTo(expected(payload));
    assertThat(arrays)
        .as("head, payload from the opaque's array, tail")
        .hasSize(3)
        .element(1)
        .isSameAs(payload);
    assertThat(out.toByteArray()).isEqualTo(expected(payload));
  }

  @Test
  void opaquesBelowTheThresholdAreCopied() throws IOException {
    byte[] payload = bytes(LARGE - 1, 5);
    XdrEncoder out = encoded(Opaque.copyOf(payload));
    assertThat(out.isContiguous()).isTrue();
    assertThat(Arrays.copyOf(out.array(), out.position())).isEqualTo(expected(payload));
    assertThat(written(out)).isEqualTo(expected(payload));
  }

  @Test
  void paddingAfterAReferenceIsZeroEvenInAReusedBuffer() throws IOException {
    XdrEncoder out = new XdrEncoder(64);
    for (int i = 0; i < 16; i++) {
      out.writeInt(-1);
    }
    out.reset();
    byte[] payload = bytes(LARGE + 3, 1);
    out.writeInt(7);
    out.writeVariableOpaque(Opaque.copyOf(payload), LARGE + 3);
    out.writeInt(9);
    assertThat(written(out)).isEqualTo(expected(payload));
  }

  @Test
  void fixedOpaquesAreReferencedToo() throws IOException {
    byte[] payload = bytes(LARGE + 2, 2);
    XdrEncoder out = new XdrEncoder(16);
    out.writeFixedOpaque(Opaque.copyOf(payload), LARGE + 2);
    assertThat(out.isContiguous()).isFalse();
    byte[] e = Arrays.copyOf(payload, LARGE + 4);
    assertThat(written(out)).isEqualTo(e);
    assertThat(out.toByteArray()).isEqualTo(e);
  }

  @Test
  void arrayCopiesReferencesInAndWritingGoesOnAfterThem() throws IOException {
    byte[] first = bytes(LARGE, 1);
    byte[] second = bytes(LARGE + 1, 2);
    XdrEncoder out = encoded(Opaque.copyOf(first));
    out.writeVariableOpaque(Opaque.copyOf(second), Integer.MAX_VALUE);
    int before = out.position();

    byte[] array = out.array();
    assertThat(out.isContiguous()).isTrue();
    assertThat(out.position()).isEqualTo(before);
    out.writeInt(11);

    byte[] e = new byte[before + 4];
    System.arraycopy(expected(first), 0, e, 0, expected(first).length);
    Bytes.putInt(e, expected(first).length, second.length);
    System.arraycopy(second, 0, e, expected(first).length + 4, second.length);
    Bytes.putInt(e, before, 11);
    assertThat(Arrays.copyOf(array, before)).isEqualTo(Arrays.copyOf(e, before));
    assertThat(out.toByteArray()).isEqualTo(e);
    assertThat(written(out)).isEqualTo(e);
  }

  @Test
  void putIntAddressesTheEncodingNotTheBuffer() throws IOException {
    byte[] payload = bytes(LARGE, 4);
    XdrEncoder out = encoded(Opaque.copyOf(payload));
    // Before, between two references and after the last one.
    out.writeVariableOpaque(Opaque.copyOf(payload), Integer.MAX_VALUE);
    out.writeInt(0);
    int last = out.position() - 4;
    int afterFirst = expected(payload).length - 4;
    out.putInt(0, 70);
    out.putInt(afterFirst, 90);
    out.putInt(last, 110);
    assertThat(out.isContiguous()).as("no reference was touched").isFalse();

    ByteArrayOutputStream e = new ByteArrayOutputStream();
    byte[] head = expected(payload);
    Bytes.putInt(head, 0, 70);
    Bytes.putInt(head, afterFirst, 90);
    e.write(head);
    e.write(word(LARGE));
    e.write(payload);
    e.write(new byte[] {0, 0, 0, 110});
    assertThat(written(out)).isEqualTo(e.toByteArray());
  }

  @Test
  void putIntOnAReferencedOpaqueCopiesItInAndLeavesTheOpaqueAlone() throws IOException {
    byte[] payload = bytes(LARGE, 6);
    Opaque value = Opaque.copyOf(payload);
    XdrEncoder out = encoded(value);
    out.putInt(8 + 4, 0x01020304);
    assertThat(out.isContiguous()).isTrue();
    byte[] e = expected(payload);
    Bytes.putInt(e, 12, 0x01020304);
    assertThat(written(out)).isEqualTo(e);
    assertThat(value).isEqualTo(Opaque.copyOf(payload));
  }

  @Test
  void putIntOverlappingTheStartOfAReferenceCopiesItIn() throws IOException {
    byte[] payload = bytes(LARGE, 6);
    XdrEncoder out = encoded(Opaque.copyOf(payload));
    out.putInt(6, 0x0a0b0c0d);
    assertThat(out.isContiguous()).isTrue();
    byte[] e = expected(payload);
    Bytes.putInt(e, 6, 0x0a0b0c0d);
    assertThat(written(out)).isEqualTo(e);
  }

  @Test
  void putIntJustBeforeAReferenceKeepsIt() throws IOException {
    byte[] payload = bytes(LARGE, 6);
    XdrEncoder out = encoded(Opaque.copyOf(payload));
    out.putInt(4, LARGE);
    assertThat(out.isContiguous()).isFalse();
    assertThat(written(out)).isEqualTo(expected(payload));
  }

  @Test
  void putIntPastTheEndIsRefused() {
    XdrEncoder out = encoded(Opaque.copyOf(bytes(LARGE, 6)));
    int end = out.position();
    assertThatThrownBy(() -> out.putInt(end - 3, 0))
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessage("putInt at " + (end - 3) + ", position " + end);
  }

  @Test
  void truncateBeforeAReferenceDropsIt() throws IOException {
    XdrEncoder out = encoded(Opaque.copyOf(bytes(LARGE, 8)));
    out.truncate(8);
    assertThat(out.isContiguous()).isTrue();
    assertThat(out.position()).isEqualTo(8);
    out.writeInt(5);
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    e.write(word(7));
    e.write(word(LARGE));
    e.write(word(5));
    assertThat(written(out)).isEqualTo(e.toByteArray());
  }

  @Test
  void truncateInsideAReferenceKeepsItsHead() throws IOException {
    byte[] payload = bytes(LARGE, 8);
    XdrEncoder out = encoded(Opaque.copyOf(payload));
    out.truncate(10);
    assertThat(out.isContiguous()).isTrue();
    assertThat(written(out)).isEqualTo(Arrays.copyOf(expected(payload), 10));
  }

  @Test
  void truncateAfterAReferenceKeepsIt() throws IOException {
    byte[] payload = bytes(LARGE, 8);
    XdrEncoder out = encoded(Opaque.copyOf(payload));
    int end = out.position();
    out.writeInt(12);
    out.truncate(end);
    assertThat(out.isContiguous()).isFalse();
    assertThat(written(out)).isEqualTo(expected(payload));
    assertThatThrownBy(() -> out.truncate(end + 1))
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessage("truncate to " + (end + 1) + ", position " + end);
  }

  @Test
  void truncateAtTheEndOfAReferenceKeepsIt() throws IOException {
    byte[] payload = bytes(LARGE, 8);
    XdrEncoder out = new XdrEncoder(16);
    out.writeFixedOpaque(Opaque.copyOf(payload), LARGE);
    out.writeInt(1);
    out.truncate(LARGE);
    assertThat(out.isContiguous()).isFalse();
    assertThat(written(out)).isEqualTo(payload);
  }

  @Test
  void resetForgetsReferences() throws IOException {
    XdrEncoder out = encoded(Opaque.copyOf(bytes(LARGE, 9)));
    out.reset();
    assertThat(out.isContiguous()).isTrue();
    assertThat(out.position()).isZero();
    out.writeInt(3);
    assertThat(written(out)).isEqualTo(new byte[] {0, 0, 0, 3});
  }

  @Test
  void manyReferencesKeepTheirOrder() throws IOException {
    XdrEncoder out = new XdrEncoder(16);
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    for (int i = 0; i < 9; i++) {
      byte[] payload = bytes(LARGE + i, i);
      out.writeInt(i);
      out.writeFixedOpaque(Opaque.copyOf(payload), payload.length);
      e.write(new byte[] {0, 0, 0, (byte) i});
      e.write(payload);
      e.write(new byte[XdrEncoder.padded(payload.length) - payload.length]);
    }
    assertThat(out.position()).isEqualTo(e.size());
    assertThat(written(out)).isEqualTo(e.toByteArray());
    assertThat(out.toByteArray()).isEqualTo(e.toByteArray());
  }

  /** Two references with ints around them: 7, len, first, 9, len, second. */
  private static XdrEncoder twoReferences(byte[] first, byte[] second) {
    XdrEncoder out = encoded(Opaque.copyOf(first));
    out.writeVariableOpaque(Opaque.copyOf(second), Integer.MAX_VALUE);
    return out;
  }

  @Test
  void truncateAtTheEndOfTheSecondReferenceKeepsBoth() throws IOException {
    byte[] first = bytes(LARGE, 1);
    byte[] second = bytes(LARGE + 4, 2);
    XdrEncoder out = twoReferences(first, second);
    byte[] whole = out.toByteArray();
    out.truncate(whole.length);
    assertThat(out.position()).isEqualTo(whole.length);
    out.writeInt(5);
    out.truncate(whole.length);
    assertThat(out.isContiguous()).isFalse();
    assertThat(written(out)).isEqualTo(whole);
    int betweenThem = expected(first).length;
    out.truncate(betweenThem);
    assertThat(out.isContiguous()).isFalse();
    assertThat(written(out)).isEqualTo(expected(first));
  }

  @Test
  void arrayOfAContiguousEncodingIsTheBufferItself() {
    XdrEncoder out = new XdrEncoder(64);
    out.writeInt(1);
    assertThat(out.array()).isSameAs(out.array());
    assertThat(out.capacity()).isEqualTo(64);
  }

  @Test
  void skipGrowsTheBufferForTheBytesItPassesOver() {
    XdrEncoder out = new XdrEncoder(0);
    out.skip(8);
    out.putInt(4, 1);
    assertThat(out.toByteArray()).containsExactly(0, 0, 0, 0, 0, 0, 0, 1);
  }

  @Test
  void truncateToZeroForgetsEverything() throws IOException {
    XdrEncoder out = encoded(Opaque.copyOf(bytes(LARGE, 3)));
    out.truncate(0);
    assertThat(out.position()).isZero();
    assertThat(out.isContiguous()).isTrue();
    assertThat(written(out)).isEmpty();
  }
}
