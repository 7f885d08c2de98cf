package io.jrpcgen.xdr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.assertj.core.api.AbstractStringAssert;
import org.assertj.core.presentation.Representation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An XDR {@code string} is a counted sequence of bytes, whatever they are: every byte sequence
 * decodes to a {@code String} that encodes back to the same bytes. Valid UTF-8 decodes as UTF-8;
 * each other byte 0x80..0xFF becomes the lone surrogate U+DC80..U+DCFF (PEP 383's
 * "surrogateescape").
 */
class XdrStringBytesTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final int UNBOUNDED = XdrCodec.UNBOUNDED;

  /** {@code bytes} as a string on the wire, decoded. */
  private static String decode(byte[] bytes) {
    XdrEncoder wire = new XdrEncoder();
    wire.writeVariableOpaque(Opaque.copyOf(bytes), UNBOUNDED);
    XdrDecoder in = new XdrDecoder(wire.toByteArray());
    String value = in.readString(UNBOUNDED);
    in.requireEnd();
    return value;
  }

  /** The bytes the encoder writes for {@code value}, without length and padding. */
  private static byte[] encode(String value, int maxLength) {
    XdrEncoder out = new XdrEncoder();
    out.writeString(value, maxLength);
    XdrDecoder in = new XdrDecoder(out.toByteArray());
    Opaque bytes = in.readVariableOpaque(UNBOUNDED);
    in.requireEnd();
    return bytes.toByteArray();
  }

  private static byte[] hex(String hex) {
    return HEX.parseHex(hex.replace(" ", ""));
  }

  /**
   * What the decoder must give, by another route: the JDK's strict UTF-8 decoder for the valid
   * parts; where it reports malformed input, the first byte is escaped and decoding goes on at the
   * next.
   */
  private static String expected(byte[] bytes) {
    CharsetDecoder utf8 =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    while (true) {
      CoderResult result = utf8.decode(in, out, true);
      if (result.isUnderflow()) {
        break;
      }
      assertThat(result.isMalformed()).as(result.toString()).isTrue();
      out.put((char) (0xdc00 | (in.get() & 0xff)));
    }
    return out.flip().toString();
  }

  /** Strings in failures with each char outside printable ASCII as a Java escape. */
  private static final Representation ESCAPED =
      value -> {
        if (!(value instanceof String s)) {
          return String.valueOf(value);
        }
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
          char c = s.charAt(i);
          out.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04X", (int) c));
        }
        return out.append('"').toString();
      };

  private static AbstractStringAssert<?> assertString(String actual) {
    return assertThat(actual).withRepresentation(ESCAPED);
  }

  private static void assertRoundTrips(byte[] bytes) {
    String decoded = decode(bytes);
    assertString(decoded).as("decoded %s", HEX.formatHex(bytes)).isEqualTo(expected(bytes));
    assertThat(encode(decoded, UNBOUNDED)).as("encoded %s", HEX.formatHex(bytes)).isEqualTo(bytes);
  }

  @Test
  void everySingleByteRoundTrips() {
    for (int b = 0; b < 256; b++) {
      assertRoundTrips(new byte[] {(byte) b});
    }
  }

  @Test
  void everyTwoByteSequenceRoundTrips() {
    for (int b0 = 0; b0 < 256; b0++) {
      for (int b1 = 0; b1 < 256; b1++) {
        assertRoundTrips(new byte[] {(byte) b0, (byte) b1});
      }
    }
  }

  @Test
  void everyThreeByteSequenceWithALeadByteRoundTrips() {
    // The lead bytes of 3- and 4-byte forms with every pair after them.
    for (int b0 = 0xe0; b0 <= 0xf7; b0++) {
      for (int b1 = 0x70; b1 < 0x100; b1++) {
        for (int b2 = 0x70; b2 < 0x100; b2++) {
          assertRoundTrips(new byte[] {(byte) b0, (byte) b1, (byte) b2});
        }
      }
    }
  }

  @Test
  void randomByteSequencesRoundTrip() {
    Random random = new Random(20261204);
    for (int i = 0; i < 20_000; i++) {
      byte[] bytes = new byte[random.nextInt(40)];
      for (int j = 0; j < bytes.length; j++) {
        // Mostly high bytes, where the multi-byte forms and their errors are.
        int b = random.nextInt(4) == 0 ? random.nextInt(0x80) : 0x80 + random.nextInt(0x80);
        bytes[j] = (byte) b;
      }
      assertRoundTrips(bytes);
    }
  }

  @Test
  void randomValidUtf8RoundTripsAsUtf8() {
    Random random = new Random(4506);
    for (int i = 0; i < 2_000; i++) {
      StringBuilder text = new StringBuilder();
      for (int j = random.nextInt(20); j > 0; j--) {
        int codePoint = random.nextInt(Character.MAX_CODE_POINT + 1);
        if (codePoint < Character.MIN_SURROGATE || codePoint > Character.MAX_SURROGATE) {
          text.appendCodePoint(codePoint);
        }
      }
      byte[] utf8 = text.toString().getBytes(StandardCharsets.UTF_8);
      assertThat(decode(utf8)).isEqualTo(text.toString());
      assertThat(encode(text.toString(), UNBOUNDED)).isEqualTo(utf8);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      latin-1 name           | 636166e9    | caf\\uDCE9
      lone continuation      | 80          | \\uDC80
      ff                     | ff          | \\uDCFF
      overlong NUL           | c080        | \\uDCC0\\uDC80
      overlong slash         | c1bf        | \\uDCC1\\uDCBF
      overlong 3-byte        | e08080      | \\uDCE0\\uDC80\\uDC80
      overlong 3-byte top    | e09fbf      | \\uDCE0\\uDC9F\\uDCBF
      overlong 4-byte        | f08fbfbf    | \\uDCF0\\uDC8F\\uDCBF\\uDCBF
      encoded high surrogate | eda080      | \\uDCED\\uDCA0\\uDC80
      encoded low surrogate  | edbfbf      | \\uDCED\\uDCBF\\uDCBF
      encoded pair (CESU-8)  | eda0bdedb880 | \\uDCED\\uDCA0\\uDCBD\\uDCED\\uDCB8\\uDC80
      above U+10FFFF         | f4908080    | \\uDCF4\\uDC90\\uDC80\\uDC80
      f5 lead                | f5808080    | \\uDCF5\\uDC80\\uDC80\\uDC80
      truncated 2-byte       | 61c3        | a\\uDCC3
      truncated 3-byte       | 61e282      | a\\uDCE2\\uDC82
      truncated 4-byte       | 61f09f98    | a\\uDCF0\\uDC9F\\uDC98
      broken then ASCII      | e282 41     | \\uDCE2\\uDC82A
      escape before valid    | e9 c3a9     | \\uDCE9\\u00E9
      U+0080                 | c280        | \\u0080
      U+07FF                 | dfbf        | \\u07FF
      U+0800                 | e0a080      | \\u0800
      U+D7FF                 | ed9fbf      | \\uD7FF
      U+E000                 | ee8080      | \\uE000
      U+FFFD                 | efbfbd      | \\uFFFD
      U+FFFD then e9         | efbfbd e9   | \\uFFFD\\uDCE9
      U+FFFF                 | efbfbf      | \\uFFFF
      U+10000                | f0908080    | \\uD800\\uDC00
      U+10FFFF               | f48fbfbf    | \\uDBFF\\uDFFF
      """)
  void decodesEachByteThatIsNotUtf8AsALoneSurrogate(String what, String bytes, String escaped) {
    String value = unescape(escaped);
    assertString(decode(hex(bytes))).isEqualTo(value);
    assertThat(HEX.formatHex(encode(value, UNBOUNDED))).isEqualTo(bytes.replace(" ", ""));
  }

  /** {@code \\uXXXX} escapes of a CSV cell as the chars they stand for. */
  private static String unescape(String s) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      if (s.startsWith("\\u", i)) {
        out.append((char) Integer.parseInt(s.substring(i + 2, i + 6), 16));
        i += 5;
      } else {
        out.append(s.charAt(i));
      }
    }
    return out.toString();
  }

  @Test
  void nonUtf8BytesFillingTheBoundComeBackUnchanged() {
    // A C client's 255 bytes of 0xe9 within string<255>: they must echo back as themselves.
    byte[] bytes = new byte[255];
    Arrays.fill(bytes, (byte) 0xe9);
    String value = decode(bytes);
    assertString(value).isEqualTo("\uDCE9".repeat(255));
    assertThat(encode(value, 255)).isEqualTo(bytes);
  }

  @Test
  void boundCountsTheEncodedBytesAtExactlyNAndNPlusOne() {
    assertThat(HEX.formatHex(encode("\uDCE9".repeat(12), 12))).isEqualTo("e9".repeat(12));
    assertThatThrownBy(() -> encode("\uDCE9".repeat(13), 12))
        .isInstanceOf(XdrException.class)
        .hasMessage("string of 13 bytes exceeds its bound of 12");
    // Two-byte chars and escapes together: 5 * 2 + 2 = 12.
    assertThat(HEX.formatHex(encode("\u00e9".repeat(5) + "\uDCE9a", 12)))
        .isEqualTo("c3a9".repeat(5) + "e961");
    assertThatThrownBy(() -> encode("\u00e9".repeat(5) + "\uDCE9ab", 12))
        .isInstanceOf(XdrException.class)
        .hasMessage("string of 13 bytes exceeds its bound of 12");
    // A surrogate pair is one four-byte character.
    assertThat(encode("\uD83D\uDE00".repeat(3), 12)).hasSize(12);
    assertThatThrownBy(() -> encode("\uD83D\uDE00".repeat(3) + "\uDCFF", 12))
        .isInstanceOf(XdrException.class)
        .hasMessage("string of 13 bytes exceeds its bound of 12");
  }

  @Test
  void decodingBoundCountsBytesAtExactlyNAndNPlusOne() {
    XdrDecoder atBound = new XdrDecoder(hex("0000000c" + "e9".repeat(12)));
    assertString(atBound.readString(12)).isEqualTo("\uDCE9".repeat(12));
    XdrDecoder over = new XdrDecoder(hex("0000000d" + "e9".repeat(13) + "000000"));
    assertThatThrownBy(() -> over.readString(12))
        .isInstanceOf(XdrException.class)
        .hasMessage("string length 13 at offset 0 exceeds its bound of 12");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "\uD800",
        "a\uD83D",
        "\uD83Da",
        "\uDBFF\uDBFF",
        "\uDC00",
        "x\uDC7F",
        "\uDD00",
        "\uDFFF",
        "\uDE00\uD83D"
      })
  void stringsThatStandForNoBytesAreRefused(String value) {
    XdrEncoder out = new XdrEncoder();
    out.writeInt(0x11223344);
    assertThatThrownBy(() -> out.writeString(value, UNBOUNDED))
        .isInstanceOf(XdrException.class)
        .hasMessageStartingWith("cannot encode string: unpaired surrogate U+");
    assertThat(HEX.formatHex(out.toByteArray())).isEqualTo("11223344");
  }

  @Test
  void refusalNamesTheSurrogateAndWhereItIs() {
    assertThatThrownBy(() -> encode("ab\uD800c", UNBOUNDED))
        .hasMessage(
            "cannot encode string: unpaired surrogate U+D800 at index 2"
                + " (only U+DC80..U+DCFF stand alone, for the bytes 0x80..0xFF)");
  }

  @Test
  void paddingIsZerosWhereTheReusedBufferHeldOtherBytes() {
    XdrEncoder out = new XdrEncoder(16);
    byte[] ones = new byte[16];
    Arrays.fill(ones, (byte) 0xff);
    out.writeRaw(ones, 0, ones.length);
    out.reset();
    out.writeString("\uDCE9", 8);
    out.writeString("\u00e9", 8);
    assertThat(HEX.formatHex(out.toByteArray()))
        .isEqualTo("00000001 e9000000 00000002 c3a90000".replace(" ", ""));
  }

  @Test
  void asciiIsWrittenAsItIs() {
    String ascii = "file-000001.dat";
    assertThat(encode(ascii, 15)).isEqualTo(ascii.getBytes(StandardCharsets.US_ASCII));
    assertThat(decode(ascii.getBytes(StandardCharsets.US_ASCII))).isEqualTo(ascii);
  }
}
