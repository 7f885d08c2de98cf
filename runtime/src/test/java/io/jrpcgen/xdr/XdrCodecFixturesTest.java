package io.jrpcgen.xdr;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Byte-exact XDR fixtures for every type, checked in both directions (RFC 4506 §4). */
class XdrCodecFixturesTest {
  private static final HexFormat HEX = HexFormat.of();

  /** A small enum with a negative and a sparse value, as XDR enums may have. */
  enum Color implements XdrEnum {
    RED(0),
    GREEN(1),
    BLUE(7),
    INFRARED(-1);

    private final int value;

    Color(int value) {
      this.value = value;
    }

    @Override
    public int value() {
      return value;
    }

    static Color fromValue(int value) {
      return Arrays.stream(values())
          .filter(c -> c.value == value)
          .findFirst()
          .orElseThrow(() -> new XdrException("unknown color " + value));
    }
  }

  /** One value of one XDR type and its exact encoding. */
  record Fixture<T>(XdrCodec<T> codec, T value, String hex) {
    String encode() {
      XdrEncoder out = new XdrEncoder();
      codec.encode(out, value);
      return HEX.formatHex(out.toByteArray());
    }

    XdrDecoder decoder() {
      return new XdrDecoder(HEX.parseHex(hex));
    }
  }

  private static final XdrCodec<Color> COLOR =
      XdrCodec.of(XdrEncoder::writeEnum, in -> Color.fromValue(in.readInt()));

  private static <T> Arguments fixture(String name, XdrCodec<T> codec, T value, String hex) {
    return Arguments.of(Named.of(name, new Fixture<>(codec, value, hex.replace(" ", ""))));
  }

  private static <T> XdrCodec<List<T>> fixedArray(int length, XdrCodec<T> element) {
    return XdrCodec.of(
        (out, v) -> out.writeFixedArray(v, length, element),
        in -> in.readFixedArray(length, element),
        length * element.minEncodedSize());
  }

  private static <T> XdrCodec<List<T>> variableArray(int max, XdrCodec<T> element) {
    return XdrCodec.of(
        (out, v) -> out.writeVariableArray(v, max, element),
        in -> in.readVariableArray(max, element));
  }

  static Stream<Arguments> fixtures() {
    return Stream.of(
        fixture("int 0", XdrCodec.INT, 0, "00000000"),
        fixture("int 1", XdrCodec.INT, 1, "00000001"),
        fixture("int -1", XdrCodec.INT, -1, "ffffffff"),
        fixture("int MIN", XdrCodec.INT, Integer.MIN_VALUE, "80000000"),
        fixture("int MAX", XdrCodec.INT, Integer.MAX_VALUE, "7fffffff"),
        fixture("int byte order", XdrCodec.INT, 0x01020304, "01020304"),
        fixture("unsigned int 0xffffffff", XdrCodec.INT, 0xffff_ffff, "ffffffff"),
        fixture("unsigned int 0x80000000", XdrCodec.INT, 0x8000_0000, "80000000"),
        fixture("hyper 0", XdrCodec.HYPER, 0L, "0000000000000000"),
        fixture("hyper MIN", XdrCodec.HYPER, Long.MIN_VALUE, "8000000000000000"),
        fixture("hyper MAX", XdrCodec.HYPER, Long.MAX_VALUE, "7fffffffffffffff"),
        fixture("hyper byte order", XdrCodec.HYPER, 0x0102030405060708L, "0102030405060708"),
        fixture(
            "unsigned hyper 0xffffffffffffffff",
            XdrCodec.HYPER,
            0xffff_ffff_ffff_ffffL,
            "ffffffffffffffff"),
        fixture("float 1.0", XdrCodec.FLOAT, 1.0f, "3f800000"),
        fixture("float -2.5", XdrCodec.FLOAT, -2.5f, "c0200000"),
        fixture("float +0.0", XdrCodec.FLOAT, 0.0f, "00000000"),
        fixture("float -0.0", XdrCodec.FLOAT, -0.0f, "80000000"),
        fixture("float +Inf", XdrCodec.FLOAT, Float.POSITIVE_INFINITY, "7f800000"),
        fixture("float -Inf", XdrCodec.FLOAT, Float.NEGATIVE_INFINITY, "ff800000"),
        fixture("float MIN_VALUE (subnormal)", XdrCodec.FLOAT, Float.MIN_VALUE, "00000001"),
        fixture("double 1.0", XdrCodec.DOUBLE, 1.0, "3ff0000000000000"),
        fixture("double -2.5", XdrCodec.DOUBLE, -2.5, "c004000000000000"),
        fixture("double -0.0", XdrCodec.DOUBLE, -0.0, "8000000000000000"),
        fixture("double +Inf", XdrCodec.DOUBLE, Double.POSITIVE_INFINITY, "7ff0000000000000"),
        fixture("double -Inf", XdrCodec.DOUBLE, Double.NEGATIVE_INFINITY, "fff0000000000000"),
        fixture("bool false", XdrCodec.BOOL, false, "00000000"),
        fixture("bool true", XdrCodec.BOOL, true, "00000001"),
        fixture("enum RED", COLOR, Color.RED, "00000000"),
        fixture("enum BLUE", COLOR, Color.BLUE, "00000007"),
        fixture("enum negative", COLOR, Color.INFRARED, "ffffffff"),
        fixture(
            "quadruple",
            XdrCodec.QUADRUPLE,
            Quadruple.fromBytes(HEX.parseHex("3fff000102030405060708090a0b0c0d")),
            "3fff000102030405060708090a0b0c0d"),
        fixture("opaque[0]", XdrCodec.fixedOpaque(0), Opaque.EMPTY, ""),
        fixture("opaque[1]", XdrCodec.fixedOpaque(1), Opaque.fromHex("a1"), "a1000000"),
        fixture("opaque[2]", XdrCodec.fixedOpaque(2), Opaque.fromHex("a1a2"), "a1a20000"),
        fixture("opaque[3]", XdrCodec.fixedOpaque(3), Opaque.fromHex("a1a2a3"), "a1a2a300"),
        fixture("opaque[4]", XdrCodec.fixedOpaque(4), Opaque.fromHex("a1a2a3a4"), "a1a2a3a4"),
        fixture(
            "opaque[5]",
            XdrCodec.fixedOpaque(5),
            Opaque.fromHex("a1a2a3a4a5"),
            "a1a2a3a4 a5000000"),
        fixture("opaque<8> empty", XdrCodec.opaque(8), Opaque.EMPTY, "00000000"),
        fixture("opaque<8> 1 byte", XdrCodec.opaque(8), Opaque.fromHex("ff"), "00000001 ff000000"),
        fixture(
            "opaque<8> 3 bytes", XdrCodec.opaque(8), Opaque.fromHex("010203"), "00000003 01020300"),
        fixture(
            "opaque<8> 5 bytes",
            XdrCodec.opaque(8),
            Opaque.fromHex("0102030405"),
            "00000005 01020304 05000000"),
        fixture(
            "opaque<8> at the bound",
            XdrCodec.opaque(8),
            Opaque.fromHex("0102030405060708"),
            "00000008 01020304 05060708"),
        fixture("string<16> empty", XdrCodec.string(16), "", "00000000"),
        fixture("string<16> ASCII", XdrCodec.string(16), "hello", "00000005 68656c6c 6f000000"),
        fixture("string<16> 4 ASCII", XdrCodec.string(16), "abcd", "00000004 61626364"),
        // é is two UTF-8 bytes, so "héllo" is 6 bytes on the wire, not 5.
        fixture(
            "string<16> 2-byte UTF-8",
            XdrCodec.string(16),
            "h\u00e9llo",
            "00000006 68c3a96c 6c6f0000"),
        fixture("string<16> 3-byte UTF-8", XdrCodec.string(16), "\u20ac", "00000003 e282ac00"),
        // One code point, two Java chars, four bytes: exactly at a bound of 4.
        fixture(
            "string<4> 4-byte UTF-8 at the bound",
            XdrCodec.string(4),
            "\ud83d\ude00",
            "00000004 f09f9880"),
        fixture(
            "string<8> ASCII at the bound",
            XdrCodec.string(8),
            "12345678",
            "00000008 31323334 35363738"),
        fixture(
            "int[3]",
            fixedArray(3, XdrCodec.INT),
            List.of(1, -1, Integer.MAX_VALUE),
            "00000001 ffffffff 7fffffff"),
        fixture("int[0]", fixedArray(0, XdrCodec.INT), List.of(), ""),
        fixture(
            "string<8>[2]",
            fixedArray(2, XdrCodec.string(8)),
            List.of("a", "bcde"),
            "00000001 61000000 00000004 62636465"),
        fixture("int<4> empty", variableArray(4, XdrCodec.INT), List.of(), "00000000"),
        fixture("int<4> one", variableArray(4, XdrCodec.INT), List.of(7), "00000001 00000007"),
        fixture(
            "int<4> at the bound",
            variableArray(4, XdrCodec.INT),
            List.of(1, 2, 3, -4),
            "00000004 00000001 00000002 00000003 fffffffc"),
        fixture(
            "string<8><3>",
            variableArray(3, XdrCodec.string(8)),
            List.of("", "xyz", "\u00e9"),
            "00000003 00000000 00000003 78797a00 00000002 c3a90000"),
        fixture(
            "hyper<2>",
            variableArray(2, XdrCodec.HYPER),
            List.of(-2L),
            "00000001 fffffffffffffffe"),
        fixture("int * absent", XdrCodec.optional(XdrCodec.INT), null, "00000000"),
        fixture("int * present", XdrCodec.optional(XdrCodec.INT), 5, "00000001 00000005"),
        fixture(
            "string<8> * present",
            XdrCodec.optional(XdrCodec.string(8)),
            "ab",
            "00000001 00000002 61620000"),
        fixture("void", XdrCodec.VOID, null, ""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void encodesToExactBytes(Fixture<?> fixture) {
    assertThat(fixture.encode()).isEqualTo(fixture.hex());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void decodesExactBytesAndConsumesThemAll(Fixture<?> fixture) {
    XdrDecoder in = fixture.decoder();
    assertThat(fixture.codec().decode(in)).isEqualTo(fixture.value());
    assertThat(in.remaining()).isZero();
    in.requireEnd();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void minEncodedSizeNeverExceedsAnActualEncoding(Fixture<?> fixture) {
    // Decoders refuse counts using this size, so an overestimate would reject valid input.
    assertThat(fixture.codec().minEncodedSize()).isLessThanOrEqualTo(fixture.hex().length() / 2);
  }

  @Test
  void unsignedIntReadsBackAsItsBitPattern() {
    int v = new XdrDecoder(HEX.parseHex("fffffffe")).readInt();
    assertThat(Integer.toUnsignedLong(v)).isEqualTo(4_294_967_294L);
  }

  @Test
  void unsignedHyperReadsBackAsItsBitPattern() {
    long v = new XdrDecoder(HEX.parseHex("ffffffffffffffff")).readHyper();
    assertThat(Long.toUnsignedString(v)).isEqualTo("18446744073709551615");
  }

  // Float.equals folds every NaN into one, so NaN payloads are compared as raw bits.
  @Test
  void floatNanKeepsItsBitPatternBothWays() {
    float nan = Float.intBitsToFloat(0x7fc0_0001);
    XdrEncoder out = new XdrEncoder();
    out.writeFloat(nan);
    assertThat(HEX.formatHex(out.toByteArray())).isEqualTo("7fc00001");

    float read = new XdrDecoder(HEX.parseHex("7fc00001")).readFloat();
    assertThat(Float.floatToRawIntBits(read)).isEqualTo(0x7fc0_0001);
  }

  @Test
  void doubleNanKeepsItsBitPatternBothWays() {
    double nan = Double.longBitsToDouble(0x7ff8_0000_0000_0001L);
    XdrEncoder out = new XdrEncoder();
    out.writeDouble(nan);
    assertThat(HEX.formatHex(out.toByteArray())).isEqualTo("7ff8000000000001");

    double read = new XdrDecoder(HEX.parseHex("7ff8000000000001")).readDouble();
    assertThat(Double.doubleToRawLongBits(read)).isEqualTo(0x7ff8_0000_0000_0001L);
  }

  @Test
  void negativeZeroStaysNegative() {
    assertThat(Float.floatToRawIntBits(new XdrDecoder(HEX.parseHex("80000000")).readFloat()))
        .isEqualTo(0x8000_0000);
    assertThat(
            Double.doubleToRawLongBits(
                new XdrDecoder(HEX.parseHex("8000000000000000")).readDouble()))
        .isEqualTo(Long.MIN_VALUE);
  }

  @Test
  void itemsFollowEachOtherWithoutGaps() {
    XdrEncoder out = new XdrEncoder();
    out.writeString("abc", 8);
    out.writeBoolean(true);
    out.writeFixedOpaque(Opaque.fromHex("ee"), 1);
    out.writeHyper(1L);
    out.writeEnum(Color.BLUE);
    String hex = "00000003 61626300 00000001 ee000000 0000000000000001 00000007";
    assertThat(HEX.formatHex(out.toByteArray())).isEqualTo(hex.replace(" ", ""));

    XdrDecoder in = new XdrDecoder(HEX.parseHex(hex.replace(" ", "")));
    assertThat(in.readString(8)).isEqualTo("abc");
    assertThat(in.readBoolean()).isTrue();
    assertThat(in.readFixedOpaque(1)).isEqualTo(Opaque.fromHex("ee"));
    assertThat(in.readHyper()).isEqualTo(1L);
    assertThat(Color.fromValue(in.readInt())).isEqualTo(Color.BLUE);
    in.requireEnd();
  }

  @Test
  void decoderHonoursOffsetAndLength() {
    byte[] buf = HEX.parseHex("deadbeef 00000002 ffffffff".replace(" ", ""));
    XdrDecoder in = new XdrDecoder(buf, 4, 4);
    assertThat(in.position()).isEqualTo(4);
    assertThat(in.readInt()).isEqualTo(2);
    assertThat(in.position()).isEqualTo(8);
    assertThat(in.remaining()).isZero();
  }
}
