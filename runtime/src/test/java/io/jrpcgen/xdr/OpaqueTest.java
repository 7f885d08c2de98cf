package io.jrpcgen.xdr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Opaque is an immutable value with hex toString, and decoding gives a view, not a copy. */
class OpaqueTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void equalContentMeansEqualValuesWhateverTheSource() {
    Opaque fromHex = Opaque.fromHex("cafe01");
    Opaque copy = Opaque.copyOf(new byte[] {(byte) 0xca, (byte) 0xfe, 0x01});
    Opaque slice = Opaque.copyOf(HEX.parseHex("00cafe0100"), 1, 3);

    assertThat(fromHex).isEqualTo(copy).isEqualTo(slice);
    assertThat(fromHex.hashCode()).isEqualTo(copy.hashCode()).isEqualTo(slice.hashCode());
  }

  @Test
  void differentContentOrLengthIsNotEqual() {
    Opaque value = Opaque.fromHex("cafe01");
    assertThat(value).isNotEqualTo(Opaque.fromHex("cafe02"));
    assertThat(value).isNotEqualTo(Opaque.fromHex("cafe"));
    assertThat(value).isNotEqualTo(Opaque.fromHex("cafe0100"));
    assertThat(value).isNotEqualTo(HEX.parseHex("cafe01"));
    assertThat(Opaque.EMPTY).isEqualTo(Opaque.fromHex("")).isNotEqualTo(Opaque.fromHex("00"));
  }

  @Test
  void viewsAtDifferentOffsetsAreEqualWithEqualHashes() {
    // Same bytes at offsets 4 and 12 of two encodings: equality must ignore the offset.
    byte[] a = HEX.parseHex("00000003aabbcc00");
    byte[] b = HEX.parseHex("1111111122222222" + "00000003aabbcc00");
    Opaque va = new XdrDecoder(a).readVariableOpaque(8);
    XdrDecoder inB = new XdrDecoder(b);
    inB.readHyper();
    Opaque vb = inB.readVariableOpaque(8);

    assertThat(va).isEqualTo(vb).isEqualTo(Opaque.fromHex("aabbcc"));
    assertThat(va.hashCode())
        .isEqualTo(vb.hashCode())
        .isEqualTo(Opaque.fromHex("aabbcc").hashCode());
  }

  @Test
  void copyOfDoesNotShareTheCallersArray() {
    byte[] source = {1, 2, 3};
    Opaque value = Opaque.copyOf(source);
    source[0] = 9;
    assertThat(value.byteAt(0)).isEqualTo((byte) 1);

    byte[] out = value.toByteArray();
    out[1] = 9;
    assertThat(value).isEqualTo(Opaque.fromHex("010203"));
  }

  @Test
  void decodedOpaqueIsAViewOfTheSourceYetEqualToACopy() {
    byte[] wire = HEX.parseHex("00000003 a1a2a3 00".replace(" ", ""));
    Opaque view = new XdrDecoder(wire).readVariableOpaque(8);
    Opaque copy = Opaque.copyOf(view.toByteArray());
    assertThat(view).isEqualTo(copy);

    // Writing into the source is what callers must never do; here it proves nothing was copied.
    wire[5] = 0x55;
    assertThat(view.toHex()).isEqualTo("a155a3");
    assertThat(copy.toHex()).isEqualTo("a1a2a3");
  }

  @Test
  void readOnlyBufferCoversExactlyTheViewedBytes() {
    byte[] wire = HEX.parseHex("ffffffff 00000002 b1b2 0000".replace(" ", ""));
    XdrDecoder in = new XdrDecoder(wire);
    in.readInt();
    ByteBuffer buffer = in.readVariableOpaque(8).asReadOnlyBuffer();

    assertThat(buffer.isReadOnly()).isTrue();
    assertThat(buffer.position()).isZero();
    assertThat(buffer.remaining()).isEqualTo(2);
    assertThat(buffer.get(0)).isEqualTo((byte) 0xb1);
    assertThat(buffer.get(1)).isEqualTo((byte) 0xb2);
    assertThatThrownBy(() -> buffer.put(0, (byte) 0)).isInstanceOf(ReadOnlyBufferException.class);
  }

  @Test
  void writeToWritesOnlyTheViewedBytes() throws IOException {
    byte[] wire = HEX.parseHex("00000002 b1b2 0000 ffffffff".replace(" ", ""));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new XdrDecoder(wire).readVariableOpaque(8).writeTo(out);
    assertThat(HEX.formatHex(out.toByteArray())).isEqualTo("b1b2");
  }

  @Test
  void byteAtChecksTheViewsBoundsNotTheArrays() {
    byte[] wire = HEX.parseHex("00000001 c1000000 ffffffff".replace(" ", ""));
    Opaque view = new XdrDecoder(wire).readVariableOpaque(8);
    assertThat(view.length()).isEqualTo(1);
    assertThat(view.byteAt(0)).isEqualTo((byte) 0xc1);
    assertThatThrownBy(() -> view.byteAt(1))
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessage("index 1 of opaque of length 1");
    assertThatThrownBy(() -> view.byteAt(-1)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void toStringIsLowercaseHex() {
    assertThat(Opaque.fromHex("CAFE01")).hasToString("Opaque[cafe01]");
    assertThat(Opaque.EMPTY).hasToString("Opaque[]");
    assertThat(Opaque.fromHex("00ff").toHex()).isEqualTo("00ff");
  }

  @Test
  void toStringShowsUpTo64BytesInFull() {
    String hex64 = "ab".repeat(64);
    assertThat(Opaque.fromHex(hex64)).hasToString("Opaque[" + hex64 + "]");
  }

  @Test
  void toStringShortensOver64Bytes() {
    assertThat(Opaque.fromHex("ab".repeat(64) + "cd"))
        .hasToString("Opaque[" + "ab".repeat(64) + "... (65 bytes)]");
  }

  @Test
  void toStringOfAViewStartsAtTheViewsOffset() {
    XdrEncoder out = new XdrEncoder();
    out.writeInt(-1);
    out.writeVariableOpaque(Opaque.fromHex("0f".repeat(70)), 100);
    XdrDecoder in = new XdrDecoder(out.toByteArray());
    in.readInt();
    assertThat(in.readVariableOpaque(100))
        .hasToString("Opaque[" + "0f".repeat(64) + "... (70 bytes)]");
  }

  @Test
  void viewOfAMiddleSliceReadsHashesAndComparesOnlyItsOwnBytes() {
    byte[] array = {9, 8, 1, 2, 3, 7, 6};
    Opaque view = Opaque.view(array, 2, 3);
    assertThat(view.byteAt(0)).isEqualTo((byte) 1);
    assertThat(view.byteAt(2)).isEqualTo((byte) 3);
    assertThat(view.hashCode())
        .isEqualTo(java.util.Arrays.hashCode(new byte[] {1, 2, 3}))
        .isEqualTo(Opaque.fromHex("010203").hashCode());
    assertThat(view).isEqualTo(Opaque.fromHex("010203"));
  }
}
