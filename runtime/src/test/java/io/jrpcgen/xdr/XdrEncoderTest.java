package io.jrpcgen.xdr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The encoder's buffer management: growth, reuse, back-patching and truncation. */
class XdrEncoderTest {
  @Test
  void nullArrayElementsAreXdrExceptionsNotNullPointers() {
    XdrEncoder out = new XdrEncoder();
    assertThatThrownBy(
            () -> out.writeVariableArray(java.util.Arrays.asList(1, null), 5, XdrCodec.INT))
        .isInstanceOf(XdrException.class)
        .hasMessage("cannot encode null");
    out.reset();
    XdrCodec.optional(XdrCodec.INT).encode(out, null);
    assertThat(out.toByteArray()).containsExactly(0, 0, 0, 0);
  }

  private static final HexFormat HEX = HexFormat.of();

  @Test
  void growsFromAnEmptyBufferKeepingEveryByte() {
    XdrEncoder out = new XdrEncoder(0);
    for (int i = 0; i < 1000; i++) {
      out.writeInt(i);
    }
    byte[] bytes = out.toByteArray();
    assertThat(bytes).hasSize(4000);
    XdrDecoder in = new XdrDecoder(bytes);
    for (int i = 0; i < 1000; i++) {
      assertThat(in.readInt()).isEqualTo(i);
    }
  }

  @Test
  void reusedBufferStillGetsZeroPadding() {
    // After reset the old 0xff bytes are still in the array; padding must overwrite them.
    XdrEncoder out = new XdrEncoder(16);
    out.writeHyper(-1L);
    out.writeHyper(-1L);
    out.reset();
    out.writeVariableOpaque(Opaque.fromHex("a1"), 4);
    out.writeString("bc", 4);
    out.writeFixedOpaque(Opaque.fromHex("d1d2d3"), 3);
    assertThat(HEX.formatHex(out.toByteArray()))
        .isEqualTo("00000001a1000000" + "0000000262630000" + "d1d2d300");
  }

  @Test
  void writeRawPadsAndHonoursOffset() {
    XdrEncoder out = new XdrEncoder(4);
    out.writeInt(-1);
    out.reset();
    out.writeRaw(HEX.parseHex("0001020304"), 1, 3);
    assertThat(HEX.formatHex(out.toByteArray())).isEqualTo("01020300");
  }

  @Test
  void skipThenPutIntBackPatchesAHeader() {
    XdrEncoder out = new XdrEncoder();
    out.skip(4);
    out.writeInt(7);
    out.putInt(0, 0x8000_0004);
    assertThat(HEX.formatHex(out.toByteArray())).isEqualTo("8000000400000007");
  }

  @Test
  void putIntOnlyOverwritesBytesAlreadyWritten() {
    XdrEncoder out = new XdrEncoder();
    out.writeInt(1);
    assertThatThrownBy(() -> out.putInt(1, 0))
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessage("putInt at 1, position 4");
    assertThatThrownBy(() -> out.putInt(-1, 0)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void truncateDropsTheTail() {
    XdrEncoder out = new XdrEncoder();
    out.writeInt(1);
    out.writeInt(2);
    out.truncate(4);
    out.writeInt(3);
    assertThat(HEX.formatHex(out.toByteArray())).isEqualTo("0000000100000003");
    assertThatThrownBy(() -> out.truncate(9))
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessage("truncate to 9, position 8");
  }

  @Test
  void arrayExposesTheEncodingWithoutCopy() {
    XdrEncoder out = new XdrEncoder(64);
    out.writeInt(0x0a0b0c0d);
    assertThat(out.capacity()).isEqualTo(64);
    assertThat(out.array()).hasSize(64);
    assertThat(HEX.formatHex(out.array(), 0, out.position())).isEqualTo("0a0b0c0d");
  }

  @Test
  void negativeInitialCapacityIsRefused() {
    assertThatThrownBy(() -> new XdrEncoder(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("initialCapacity < 0: -1");
  }

  @Test
  void paddedRoundsUpToFour() {
    assertThat(XdrEncoder.padded(0)).isZero();
    assertThat(XdrEncoder.padded(1)).isEqualTo(4);
    assertThat(XdrEncoder.padded(4)).isEqualTo(4);
    assertThat(XdrEncoder.padded(5)).isEqualTo(8);
  }
}
