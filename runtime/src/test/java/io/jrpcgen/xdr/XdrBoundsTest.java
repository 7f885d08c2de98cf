package io.jrpcgen.xdr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Declared bounds are enforced on encode and on decode, before anything is written or made. */
class XdrBoundsTest {
  private static final HexFormat HEX = HexFormat.of();

  private static XdrDecoder decoder(String hex) {
    return new XdrDecoder(HEX.parseHex(hex.replace(" ", "")));
  }

  /** An encoder holding one int, so that a failed write must leave exactly those 4 bytes. */
  private static XdrEncoder encoderWithOneInt() {
    XdrEncoder out = new XdrEncoder();
    out.writeInt(0x11223344);
    return out;
  }

  private static void assertUntouched(XdrEncoder out) {
    assertThat(out.position()).isEqualTo(4);
    assertThat(HEX.formatHex(out.toByteArray())).isEqualTo("11223344");
  }

  @Test
  void encodingStringOverItsBoundFailsBeforeWriting() {
    XdrEncoder out = encoderWithOneInt();
    assertThatThrownBy(() -> out.writeString("hello", 4))
        .isInstanceOf(XdrException.class)
        .hasMessage("string of 5 bytes exceeds its bound of 4");
    assertUntouched(out);
  }

  @Test
  void encodingStringBoundCountsUtf8BytesNotChars() {
    XdrEncoder out = encoderWithOneInt();
    // Three chars but six bytes: a char-counting check would let this through.
    assertThatThrownBy(() -> out.writeString("\u00e9\u00e9\u00e9", 5))
        .isInstanceOf(XdrException.class)
        .hasMessage("string of 6 bytes exceeds its bound of 5");
    assertUntouched(out);
  }

  @Test
  void encodingOpaqueOverItsBoundFailsBeforeWriting() {
    XdrEncoder out = encoderWithOneInt();
    assertThatThrownBy(() -> out.writeVariableOpaque(Opaque.fromHex("0102030405"), 4))
        .isInstanceOf(XdrException.class)
        .hasMessage("opaque of 5 bytes exceeds its bound of 4");
    assertUntouched(out);
  }

  @Test
  void encodingArrayOverItsBoundFailsBeforeWriting() {
    XdrEncoder out = encoderWithOneInt();
    assertThatThrownBy(() -> out.writeVariableArray(List.of(1, 2, 3), 2, XdrCodec.INT))
        .isInstanceOf(XdrException.class)
        .hasMessage("array of 3 elements exceeds its bound of 2");
    assertUntouched(out);
  }

  @Test
  void encodingFixedOpaqueOfTheWrongLengthFails() {
    XdrEncoder out = encoderWithOneInt();
    assertThatThrownBy(() -> out.writeFixedOpaque(Opaque.fromHex("010203"), 4))
        .isInstanceOf(XdrException.class)
        .hasMessage("fixed opaque needs exactly 4 bytes, got 3");
    assertUntouched(out);
  }

  @Test
  void encodingFixedArrayOfTheWrongSizeFails() {
    XdrEncoder out = encoderWithOneInt();
    assertThatThrownBy(() -> out.writeFixedArray(List.of(1, 2, 3), 2, XdrCodec.INT))
        .isInstanceOf(XdrException.class)
        .hasMessage("fixed array needs exactly 2 elements, got 3");
    assertUntouched(out);
  }

  @Test
  void encodingNullFailsWithTheKindOfValue() {
    XdrEncoder out = encoderWithOneInt();
    assertThatThrownBy(() -> out.writeString(null, 8)).hasMessage("cannot encode null string");
    assertThatThrownBy(() -> out.writeVariableOpaque(null, 8))
        .hasMessage("cannot encode null opaque");
    assertThatThrownBy(() -> out.writeFixedOpaque(null, 1)).hasMessage("cannot encode null opaque");
    assertThatThrownBy(() -> out.writeVariableArray(null, 8, XdrCodec.INT))
        .hasMessage("cannot encode null array");
    assertThatThrownBy(() -> out.writeEnum(null)).hasMessage("cannot encode null enum");
    assertThatThrownBy(() -> out.writeQuadruple(null)).hasMessage("cannot encode null quadruple");
    assertUntouched(out);
  }

  @Test
  void encoderStaysUsableAfterABoundFailure() {
    XdrEncoder out = encoderWithOneInt();
    assertThatThrownBy(() -> out.writeString("too long", 2)).isInstanceOf(XdrException.class);
    out.writeString("ok", 2);
    assertThat(HEX.formatHex(out.toByteArray())).isEqualTo("11223344" + "00000002" + "6f6b0000");
  }

  @Test
  void decodingStringLengthOverItsBoundFailsOnTheLengthWord() {
    // The five bytes are there: only the bound can reject this.
    assertThatThrownBy(() -> decoder("00000005 68656c6c 6f000000").readString(4))
        .isInstanceOf(XdrException.class)
        .hasMessage("string length 5 at offset 0 exceeds its bound of 4");
  }

  @Test
  void decodingChecksTheBoundBeforeTheBytesLeft() {
    // No payload follows: the bound error (not a truncation) shows the check comes first.
    assertThatThrownBy(() -> decoder("00000100").readString(255))
        .isInstanceOf(XdrException.class)
        .hasMessage("string length 256 at offset 0 exceeds its bound of 255");
  }

  @Test
  void decodingOpaqueLengthOverItsBoundNamesTheOffsetOfTheLength() {
    XdrDecoder in = decoder("00000000 00000009 0102030405060708 09000000");
    in.readInt();
    assertThatThrownBy(() -> in.readVariableOpaque(8))
        .isInstanceOf(XdrException.class)
        .hasMessage("opaque length 9 at offset 4 exceeds its bound of 8");
  }

  @Test
  void decodingArrayCountOverItsBoundFails() {
    assertThatThrownBy(
            () ->
                decoder("00000005 00000001 00000002 00000003 00000004 00000005")
                    .readVariableArray(4, XdrCodec.INT))
        .isInstanceOf(XdrException.class)
        .hasMessage("array length 5 at offset 0 exceeds its bound of 4");
  }

  @Test
  void decodingLengthIsUnsignedSoTopBitLengthsExceedEvenUnbounded() {
    // Read as a signed int this would be negative and slip under any bound.
    assertThatThrownBy(() -> decoder("80000000").readVariableOpaque(XdrCodec.UNBOUNDED))
        .isInstanceOf(XdrException.class)
        .hasMessage("opaque length 2147483648 at offset 0 exceeds its bound of 2147483647");
  }

  @Test
  void decodingAtTheBoundSucceeds() {
    assertThat(decoder("00000002 61620000").readString(2)).isEqualTo("ab");
    assertThat(decoder("00000002 00000001 00000002").readVariableArray(2, XdrCodec.INT))
        .containsExactly(1, 2);
    assertThat(decoder("00000000").readVariableOpaque(0)).isEqualTo(Opaque.EMPTY);
  }

  @Test
  void decodedArraysAreImmutable() {
    List<Integer> list = decoder("00000002 00000001 00000002").readVariableArray(2, XdrCodec.INT);
    assertThatThrownBy(() -> list.set(0, 9)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> Collections.sort(list))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
