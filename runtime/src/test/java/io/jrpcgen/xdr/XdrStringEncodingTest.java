package io.jrpcgen.xdr;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.internal.xdr.Bytes;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Strings are written as their UTF-8 bytes whichever way the encoder takes: ASCII straight into the
 * buffer, anything else through a byte array, including a string that turns non-ASCII after an
 * ASCII start.
 */
class XdrStringEncodingTest {
  private static final HexFormat HEX = HexFormat.of();

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "a",
        "abc",
        "abcd",
        "file-000123.dat",
        "\u007f",
        "\u00e9t\u00e9",
        "abc\u00e9",
        "0123456789\u20ac",
        "\ud83d\ude00 smile"
      })
  void stringIsLengthThenUtf8BytesThenZeroPadding(String value) {
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    XdrEncoder out = new XdrEncoder(0);
    out.writeInt(0x11223344);
    // Garbage in the spare capacity must not leak into the padding.
    out.writeRaw(new byte[] {-1, -1, -1, -1, -1, -1, -1, -1}, 0, 8);
    out.truncate(4);

    out.writeString(value, 64);
    out.writeInt(0x55667788);

    int padded = (utf8.length + 3) & ~3;
    byte[] expected = new byte[4 + 4 + padded + 4];
    Bytes.putInt(expected, 0, 0x11223344);
    Bytes.putInt(expected, 4, utf8.length);
    System.arraycopy(utf8, 0, expected, 8, utf8.length);
    Bytes.putInt(expected, 8 + padded, 0x55667788);
    assertThat(HEX.formatHex(out.toByteArray())).isEqualTo(HEX.formatHex(expected));
    assertThat(new XdrDecoder(out.toByteArray(), 4, 4 + padded).readString(64)).isEqualTo(value);
  }
}
