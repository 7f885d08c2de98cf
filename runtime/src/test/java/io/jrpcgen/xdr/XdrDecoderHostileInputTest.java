package io.jrpcgen.xdr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Truncated, oversized and malformed input makes XdrDecoder throw XdrException, never worse. */
class XdrDecoderHostileInputTest {
  private static final HexFormat HEX = HexFormat.of();

  private static XdrDecoder decoder(String hex) {
    return new XdrDecoder(HEX.parseHex(hex.replace(" ", "")));
  }

  /** A record of one of each kind of item, so that a cut can land inside any of them. */
  private static final byte[] VALID = encodeAll();

  private static byte[] encodeAll() {
    XdrEncoder out = new XdrEncoder();
    out.writeInt(-7);
    out.writeHyper(0x0102030405060708L);
    out.writeString("h\u00e9llo", 16);
    out.writeVariableOpaque(Opaque.fromHex("a1a2a3"), 8);
    out.writeFixedOpaque(Opaque.fromHex("b1b2b3b4b5"), 5);
    out.writeVariableArray(List.of("x", "yz"), 4, XdrCodec.string(4));
    out.writeFixedArray(List.of(1, 2), 2, XdrCodec.INT);
    out.writeOptional(3.5, XdrCodec.DOUBLE);
    out.writeBoolean(true);
    out.writeFloat(1.5f);
    out.writeQuadruple(Quadruple.fromBytes(new byte[16]));
    return out.toByteArray();
  }

  private static void decodeAll(XdrDecoder in) {
    assertThat(in.readInt()).isEqualTo(-7);
    assertThat(in.readHyper()).isEqualTo(0x0102030405060708L);
    assertThat(in.readString(16)).isEqualTo("h\u00e9llo");
    assertThat(in.readVariableOpaque(8)).isEqualTo(Opaque.fromHex("a1a2a3"));
    assertThat(in.readFixedOpaque(5)).isEqualTo(Opaque.fromHex("b1b2b3b4b5"));
    assertThat(in.readVariableArray(4, XdrCodec.string(4))).containsExactly("x", "yz");
    assertThat(in.readFixedArray(2, XdrCodec.INT)).containsExactly(1, 2);
    assertThat(in.readOptional(XdrCodec.DOUBLE)).isEqualTo(3.5);
    assertThat(in.readBoolean()).isTrue();
    assertThat(in.readFloat()).isEqualTo(1.5f);
    assertThat(in.readQuadruple()).isEqualTo(Quadruple.fromBytes(new byte[16]));
    in.requireEnd();
  }

  @Test
  void wholeRecordDecodes() {
    decodeAll(new XdrDecoder(VALID));
  }

  static IntStream cutPoints() {
    return IntStream.range(0, VALID.length);
  }

  @ParameterizedTest(name = "cut after {0} bytes")
  @MethodSource("cutPoints")
  void truncationAtEveryCutPointIsAnXdrException(int cut) {
    // The real continuation stays in the array past the limit: only the limit stops the reads.
    XdrDecoder in = new XdrDecoder(VALID, 0, cut);
    assertThatThrownBy(() -> decodeAll(in))
        .isExactlyInstanceOf(XdrException.class)
        .hasMessageMatching("truncated: .*|.* cannot fit in the \\d+ bytes left");
  }

  @Test
  void truncationMessageSaysWhatWasNeededWhere() {
    XdrDecoder in = decoder("00000001 000000");
    in.readInt();
    assertThatThrownBy(in::readHyper).hasMessage("truncated: 8 bytes needed at offset 4, 3 left");
  }

  @Test
  void stringLengthOfAllOnesIsRefusedByItsBound() {
    assertThatThrownBy(() -> decoder("ffffffff 41414141").readString(XdrCodec.UNBOUNDED))
        .isInstanceOf(XdrException.class)
        .hasMessage("string length 4294967295 at offset 0 exceeds its bound of 2147483647");
    assertThatThrownBy(() -> decoder("ffffffff 41414141").readString(255))
        .isInstanceOf(XdrException.class)
        .hasMessage("string length 4294967295 at offset 0 exceeds its bound of 255");
  }

  @Test
  void hugeArrayCountWithFewBytesLeftIsRefusedBeforeAllocating() {
    // 2^31-1 boxed elements would need gigabytes: the count is checked against the 8 bytes left.
    XdrDecoder in = decoder("7fffffff 00000001 00000002");
    assertThatThrownBy(() -> in.readVariableArray(XdrCodec.UNBOUNDED, XdrCodec.INT))
        .isInstanceOf(XdrException.class)
        .hasMessage("array of 2147483647 elements cannot fit in the 8 bytes left");
  }

  @Test
  void arrayCountIsCheckedAgainstTheElementsMinimumSize() {
    // Two hypers need 16 bytes; 12 are left, though 12 would do for three ints.
    assertThatThrownBy(
            () ->
                decoder("00000002 00000000 00000000 00000000").readVariableArray(8, XdrCodec.HYPER))
        .isInstanceOf(XdrException.class)
        .hasMessage("array of 2 elements cannot fit in the 12 bytes left");
  }

  @Test
  void hugeArrayOfVoidIsStillCappedByTheBytesLeft() {
    // A zero-size element would let the count alone drive a 2^31 loop and array.
    assertThatThrownBy(
            () -> decoder("7fffffff").readVariableArray(XdrCodec.UNBOUNDED, XdrCodec.VOID))
        .isInstanceOf(XdrException.class)
        .hasMessage("array of 2147483647 elements cannot fit in the 0 bytes left");
  }

  @Test
  void hugeOpaqueLengthWithFewBytesLeftIsRefused() {
    assertThatThrownBy(() -> decoder("7ffffff0 01020304").readVariableOpaque(XdrCodec.UNBOUNDED))
        .isInstanceOf(XdrException.class)
        .hasMessage("opaque of 2147483632 bytes cannot fit in the 4 bytes left");
  }

  @Test
  void hugeFixedArrayLengthIsRefusedBeforeAllocating() {
    assertThatThrownBy(
            () -> decoder("00000001 00000002").readFixedArray(Integer.MAX_VALUE, XdrCodec.INT))
        .isInstanceOf(XdrException.class)
        .hasMessage("array of 2147483647 elements cannot fit in the 8 bytes left");
  }

  @ParameterizedTest
  @ValueSource(ints = {Integer.MAX_VALUE, Integer.MAX_VALUE - 1, Integer.MAX_VALUE - 2, 9})
  void fixedOpaqueLongerThanTheBytesLeftIsTruncated(int length) {
    // Near 2^31 the padded length overflows an int; it must still read as too long.
    XdrDecoder in = decoder("01020304 05060708");
    assertThatThrownBy(() -> in.readFixedOpaque(length))
        .isExactlyInstanceOf(XdrException.class)
        .hasMessageStartingWith("truncated: ");
    assertThat(in.position()).isZero();
  }

  @Test
  void paddingBytesMustBeThereEvenForTheLastItem() {
    // Three bytes of data but no padding: RFC 4506 requires the full 4-byte unit.
    assertThatThrownBy(() -> decoder("00000003 616263").readString(8))
        .isInstanceOf(XdrException.class)
        .hasMessage("truncated: 4 bytes needed at offset 4, 3 left");
  }

  @ParameterizedTest
  @ValueSource(strings = {"00000002", "ffffffff", "80000000", "00000100"})
  void rejectsBoolOtherThanZeroOrOneThatLibtirpcWouldAcceptAsTrue(String hex) {
    // libtirpc's xdr_bool maps any non-zero value to TRUE; RFC 4506 §4.4 allows only 0 and 1.
    XdrDecoder in = decoder("00000001 " + hex);
    in.readInt();
    assertThatThrownBy(in::readBoolean)
        .isInstanceOf(XdrException.class)
        .hasMessage("bool must be 0 or 1, got " + (int) Long.parseLong(hex, 16) + " at offset 4");
  }

  @Test
  void rejectsOptionalPresenceFlagOfTwo() {
    assertThatThrownBy(() -> decoder("00000002 00000005").readOptional(XdrCodec.INT))
        .isInstanceOf(XdrException.class)
        .hasMessage("bool must be 0 or 1, got 2 at offset 0");
  }

  // libtirpc's xdr_opaque reads the padding into a scratch buffer and never looks at it;
  // RFC 4506 §3 says the pad bytes are zero, and we reject anything else.
  @Test
  void rejectsNonZeroPaddingOfVariableOpaque() {
    assertThatThrownBy(() -> decoder("00000001 ab000100").readVariableOpaque(8))
        .isInstanceOf(XdrException.class)
        .hasMessage("non-zero padding byte at offset 6");
  }

  @Test
  void rejectsNonZeroPaddingOfString() {
    assertThatThrownBy(() -> decoder("00000002 6869ff00").readString(8))
        .isInstanceOf(XdrException.class)
        .hasMessage("non-zero padding byte at offset 6");
  }

  @Test
  void rejectsNonZeroPaddingOfFixedOpaque() {
    assertThatThrownBy(() -> decoder("01020304 05000001").readFixedOpaque(5))
        .isInstanceOf(XdrException.class)
        .hasMessage("non-zero padding byte at offset 7");
  }

  @Test
  void requireEndRefusesTrailingBytes() {
    XdrDecoder in = decoder("00000001 00000002");
    in.readInt();
    assertThatThrownBy(in::requireEnd)
        .isInstanceOf(XdrException.class)
        .hasMessage("4 unexpected bytes after the end of the data");
  }

  @Test
  void decoderRangeOutsideTheArrayIsRefused() {
    byte[] buf = new byte[8];
    assertThatThrownBy(() -> new XdrDecoder(buf, 4, 8))
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessage("range 4+8 of array of 8");
    assertThatThrownBy(() -> new XdrDecoder(buf, -1, 2))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> new XdrDecoder(buf, Integer.MAX_VALUE, 8))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }
}
